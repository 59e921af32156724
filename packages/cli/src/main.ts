import { Command, CommanderError } from 'commander';
import { actionsCommand } from './commands/actions.js';
import { chatCommand } from './commands/chat.js';
import { filesCommand } from './commands/files.js';
import { gptsCommand } from './commands/gpts.js';
import { loginCommand } from './commands/login.js';
import { describeError } from './output.js';

const program = new Command()
  .name('chatty')
  .description('Chatty in the terminal: your GPTs, their knowledge and actions, and chats with them')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

loginCommand(program);
gptsCommand(program);
filesCommand(program);
actionsCommand(program);
chatCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and --version end here too, with exit code 0.
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`chatty: ${describeError(error)}\n`);
    process.exitCode = 1;
  }
}

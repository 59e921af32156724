import { Command, CommanderError } from 'commander';
import { actionsCommand } from './commands/actions.js';
import { chatCommand } from './commands/chat.js';
import { filesCommand } from './commands/files.js';
import { gptsCommand } from './commands/gpts.js';
import { loginCommand } from './commands/login.js';
import { describeError } from './output.js';
import { DEFAULT_TIMEOUT_SECONDS, setTimeoutOption } from './session.js';

/**
 * The reader of the output went away (`chatty gpts list | head -1`): stop at once and quietly, as
 * coreutils do when SIGPIPE kills them (the shell reports 141 = 128 + SIGPIPE). Exiting also drops
 * the request or the streamed answer under way, so the server stops generating it.
 */
const EXIT_BROKEN_PIPE = 141;
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT_BROKEN_PIPE);
    throw error;
  });
}

const program = new Command()
  .name('chatty')
  .description('Chatty in the terminal: your GPTs, their knowledge and actions, and chats with them')
  .version('0.1.0')
  .option(
    '--timeout <seconds>',
    `how long to wait for the server to begin answering (default ${DEFAULT_TIMEOUT_SECONDS}; 0: no limit; or CHATTY_TIMEOUT)`,
  )
  .showHelpAfterError()
  .exitOverride()
  .hook('preAction', (_program, command) => {
    setTimeoutOption(command.optsWithGlobals<{ timeout?: string }>().timeout);
  });

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

import { createInterface } from 'node:readline/promises';

/**
 * Asks a yes/no question on the terminal (the question on stderr, so stdout stays the command's
 * output); only "y" or "yes" is yes. Ctrl-D or Ctrl-C is no.
 */
export async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  let interrupted = false;
  prompt.on('SIGINT', () => {
    interrupted = true;
    prompt.close();
  });
  try {
    const reply = await new Promise<string>((resolve) => {
      prompt.question(question).then(resolve, () => resolve(''));
      prompt.once('close', () => resolve(''));
    });
    if (interrupted) process.stderr.write('\n');
    return /^y(es)?$/i.test(reply.trim());
  } finally {
    prompt.close();
  }
}

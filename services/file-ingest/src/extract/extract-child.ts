// Entry of an extraction process: parsers run here, where the sandbox can stop them (time, memory).
import { extract } from './extract.js';
import { exitWithParent } from './lifeline.js';
import type { SandboxReply, SandboxRequest } from './sandbox-messages.js';
import { ExtractionRefused } from './types.js';

if (!process.send) throw new Error('extract-child runs as a child process with an IPC channel');
const reply = (message: SandboxReply | { type: 'ready' }) => process.send?.(message);

exitWithParent();
// The sandbox closed (or its process ended normally): nothing more will come.
process.on('disconnect', () => process.exit(0));

// Every parser is loaded by now (static imports): tell the sandbox that timing may start.
reply({ type: 'ready' });

process.on('message', async (request: SandboxRequest) => {
  let reported = 0;
  try {
    const bytes = Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength);
    const result = await extract(request.kind, bytes, request.limits, (fraction) => {
      // A message per percent at most: a 2000-page PDF must not flood the channel.
      if (fraction - reported >= 0.01 || fraction === 1) {
        reported = fraction;
        reply({ id: request.id, type: 'progress', fraction });
      }
    });
    reply({ id: request.id, type: 'done', result });
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    reply({
      id: request.id,
      type: 'error',
      refused: error instanceof ExtractionRefused,
      // An allocation the system refused (a typed array of gigabytes): the memory limit, met early.
      outOfMemory: error instanceof RangeError && /allocation failed|out of memory/i.test(message),
      message,
    });
  }
});

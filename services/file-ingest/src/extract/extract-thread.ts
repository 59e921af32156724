// Entry of an extraction thread: parsers run here, where the sandbox can stop them (time, memory).
import { parentPort } from 'node:worker_threads';
import { extract } from './extract.js';
import type { SandboxReply, SandboxRequest } from './sandbox-messages.js';
import { ExtractionRefused } from './types.js';

const port = parentPort;
if (!port) throw new Error('extract-thread runs as a worker thread');

// Every parser is loaded by now (static imports): tell the sandbox that timing may start.
port.postMessage({ type: 'ready' });

port.on('message', async (request: SandboxRequest) => {
  const reply = (message: SandboxReply) => port.postMessage(message);
  let reported = 0;
  try {
    const bytes = Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength);
    const result = await extract(request.kind, bytes, request.limits, (fraction) => {
      // A message per percent at most: a 2000-page PDF must not flood the port.
      if (fraction - reported >= 0.01 || fraction === 1) {
        reported = fraction;
        reply({ id: request.id, type: 'progress', fraction });
      }
    });
    reply({ id: request.id, type: 'done', result });
  } catch (error) {
    reply({
      id: request.id,
      type: 'error',
      refused: error instanceof ExtractionRefused,
      message: (error as Error).message ?? String(error),
    });
  }
});

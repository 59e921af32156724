import type { Readable } from 'node:stream';

/**
 * Bytes of an upload the origin waits for before it sends the request on: as much as Node buffers
 * per request anyway, and what an upload at the minimum pace sends within a second.
 */
const UPLOAD_START_BYTES = 16 * 1024;

/**
 * Waits for the start of a streamed body (or all of it, when it is shorter), so an upload reaches
 * the service, and takes a connection to it, only once its client has shown it is sending: a client
 * that announces an upload and trickles it is cut by the body deadline at the origin without the
 * service ever hearing of it. Resolves with the whole body when it has ended, else with the stream,
 * the bytes read put back in front.
 */
export function uploadStart(payload: Readable, bytes = UPLOAD_START_BYTES): Promise<Buffer | Readable> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      payload.off('data', onData);
      payload.off('end', onEnd);
      payload.off('error', onError);
      payload.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size < bytes) return;
      stop();
      payload.pause();
      payload.unshift(Buffer.concat(chunks, size));
      resolve(payload);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    // Closed before its end (the client hung up, or was cut): there is nothing to send on.
    const onClose = () => onError(new Error('the request closed before its body ended'));
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
    payload.on('close', onClose);
  });
}

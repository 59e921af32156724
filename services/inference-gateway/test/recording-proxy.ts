import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordingProxy {
  url: string;
  /** The paths of the requests forwarded so far, in order. */
  paths: string[];
  close(): Promise<void>;
}

/** Forwards every request to `target` and records its path: how often a service was asked what. */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const paths: string[] = [];
  const server: Server = createServer(async (request, response) => {
    paths.push((request.url ?? '/').split('?')[0]!);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== 'host',
      ),
    );
    const answer = await fetch(`${target}${request.url}`, {
      method: request.method,
      headers,
      ...(chunks.length && { body: Buffer.concat(chunks) }),
    });
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
    response.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

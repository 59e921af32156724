import { createServer } from 'node:http';
import { pipeline } from 'node:stream';
import { Pool } from 'undici';

/*
 * The floor for one HTTP hop on this machine: a bare Node proxy (node:http in front, undici's
 * keep-alive pool behind, as the origin and the gateway use) that reads the request body whole,
 * sends it to the next of UPSTREAMS and streams the answer back. No routing, checks, headers or logs:
 * whatever the gateway or the origin add above this row is their own work, and what this row adds
 * over the worker directly is what any Node process in the path costs (parsing, two more socket
 * writes, and waking a process twice).
 */
const upstreams = (process.env.UPSTREAMS ?? '')
  .split(',')
  .map((url) => new Pool(url, { connections: 256, pipelining: 1, keepAliveTimeout: 30_000 }));
let next = 0;

const server = createServer((request, response) => {
  if (request.url?.startsWith('/health/')) {
    response.writeHead(200, { 'content-type': 'application/json' });
    return response.end('{"status":"ok"}');
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const pool = upstreams[next++ % upstreams.length]!;
    const abort = new AbortController();
    response.once('close', () => abort.abort());
    pool
      .request({
        method: 'POST',
        path: request.url ?? '/',
        headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
        body: Buffer.concat(chunks),
        signal: abort.signal,
      })
      .then(
        (upstream) => {
          response.writeHead(upstream.statusCode, {
            'content-type': String(upstream.headers['content-type'] ?? 'application/octet-stream'),
          });
          pipeline(upstream.body, response, () => {});
        },
        () => {
          if (!response.headersSent) response.writeHead(502);
          response.end();
        },
      );
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => {
  server.close();
  void Promise.all(upstreams.map((pool) => pool.destroy())).then(() => process.exit(0));
});

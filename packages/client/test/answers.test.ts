import { createServer, type RequestListener } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ChattyClient } from '../src/client.js';
import { ChattyError, ChattyTimeoutError, UnexpectedAnswerError } from '../src/errors.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A local HTTP server answering with `listener`: its URL. */
async function serve(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A server that accepts connections and never says a word. */
async function silentServer(): Promise<string> {
  const sockets: Socket[] = [];
  const server = createTcpServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const SESSION = '00000000-0000-4000-8000-000000000001';

describe('timeoutMs', () => {
  it('gives up on a server that does not begin to answer', async () => {
    const baseUrl = await silentServer();
    const client = new ChattyClient({ baseUrl, timeoutMs: 200 });
    const started = Date.now();
    const failure = await client.listGpts().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ChattyTimeoutError);
    expect((failure as Error).message).toBe(`${baseUrl} did not answer GET /api/gpts within 0.2 s`);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('does not cut a streamed answer that has begun, however long it runs', async () => {
    const baseUrl = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const words = ['one ', 'two ', 'three'];
      const next = () => {
        const word = words.shift();
        if (word) {
          response.write(`event: delta\ndata: ${JSON.stringify({ content: word })}\n\n`);
          setTimeout(next, 150);
        } else {
          const message = { id: 'm', role: 'assistant', content: 'one two three' };
          response.end(`event: done\ndata: ${JSON.stringify({ message })}\n\n`);
        }
      };
      next();
    });
    const client = new ChattyClient({ baseUrl, timeoutMs: 100 });
    let text = '';
    for await (const event of client.streamMessage(SESSION, 'Count')) {
      if (event.type === 'delta') text += event.content;
    }
    expect(text).toBe('one two three');
  });

  it('waits for an upload that keeps moving, then for the answer', { timeout: 20_000 }, async () => {
    const baseUrl = await serve((request, response) => {
      let received = 0;
      // Read slowly (a slow link): the whole upload takes seconds, longer than the timeout.
      request.on('data', (chunk: Buffer) => {
        received += chunk.length;
        request.pause();
        setTimeout(() => request.resume(), 4);
      });
      request.on('end', () => {
        response.writeHead(202, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ id: 'f', originalName: 'big.txt', size: received }));
      });
    });
    // More than the connection's buffers hold, so the upload is read from as the server takes it.
    const data = new Uint8Array(32 * 1024 * 1024).fill(97);
    const client = new ChattyClient({ baseUrl, timeoutMs: 2_000 });
    const started = Date.now();
    const file = await client.uploadFile(SESSION, { name: 'big.txt', data });
    expect(Date.now() - started).toBeGreaterThan(2_000);
    expect(file.size).toBeGreaterThan(data.length);
  });
});

describe('an answer that is not Chatty’s', () => {
  it('is an UnexpectedAnswerError naming the request, for JSON of another shape or another type', async () => {
    const json = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"hello":"world"}');
    });
    await expect(new ChattyClient({ baseUrl: json }).listGpts()).rejects.toThrow(
      new UnexpectedAnswerError(json, 'GET /api/gpts', 'unexpected JSON'),
    );
    await expect(new ChattyClient({ baseUrl: json }).me()).rejects.toThrow(
      `${json} did not answer as a Chatty server (GET /api/auth/me returned unexpected JSON)`,
    );
    const page = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<!doctype html><title>Welcome</title>');
    });
    await expect(new ChattyClient({ baseUrl: page }).getGpt(SESSION)).rejects.toThrow(
      `${page} did not answer as a Chatty server (GET /api/gpts/${SESSION} returned text/html, not JSON)`,
    );
  });

  it('a web page for an error says so rather than quoting its markup', async () => {
    const baseUrl = await serve((_request, response) => {
      response.writeHead(404, { 'content-type': 'text/html' });
      response.end('<html><head><title>404 Not Found</title></head><body>nginx</body></html>');
    });
    const failure = await new ChattyClient({ baseUrl }).listGpts().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ChattyError);
    expect(failure).toMatchObject({
      status: 404,
      code: 'HTTP_404',
      message: `${baseUrl} answered 404 Not Found with a web page, not as a Chatty server`,
    });
  });
});

import { connect } from 'node:net';
import { createServiceApp, DEFAULT_SERVER_LIMITS, type ServerLimits } from '@chatty/shared';
import { captureLogs } from '@chatty/testkit';
import { afterEach, describe, expect, it } from 'vitest';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const apps: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function listening(limits: Partial<ServerLimits>, stallMs = 0) {
  const logs = captureLogs('limits', 'info');
  const app = await createServiceApp({ service: 'limits', logger: logs.logger, limits });
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );
  // A reader that is slow to take the body: storage or an upstream that is busy.
  if (stallMs) app.addHook('preParsing', async () => sleep(stallMs));
  app.post('/echo', async (request) => ({ bytes: (request.body as Buffer).length }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  apps.push(app);
  return { app, logs, port: (app.server.address() as { port: number }).port };
}

interface Exchange {
  answer: string;
  closedAfterMs: number;
}

/** Sends `head`, then each chunk `everyMs` apart (while the socket is open), and waits for the close. */
function exchange(port: number, head: string, chunks: Buffer[], everyMs: number): Promise<Exchange> {
  return new Promise((resolve) => {
    const started = Date.now();
    let answer = '';
    const socket = connect({ port, host: '127.0.0.1' }, () => {
      socket.write(head);
      let next = 0;
      const send = () => {
        if (next < chunks.length && !socket.destroyed) socket.write(chunks[next++]!);
        if (next < chunks.length) timer = setTimeout(send, everyMs);
      };
      let timer = setTimeout(send, everyMs);
      socket.on('close', () => clearTimeout(timer));
    });
    socket.on('data', (data) => {
      answer += data.toString('latin1');
      // A complete keep-alive answer: the exchange is over, and the client hangs up.
      if (/\r\n\r\n\{.*\}$/s.test(answer)) socket.end();
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve({ answer, closedAfterMs: Date.now() - started }));
  });
}

const post = (length: number) =>
  `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: ${length}\r\n\r\n`;
const pieces = (count: number, size: number) => Array.from({ length: count }, () => Buffer.alloc(size, 97));

describe('limits on slow and idle clients in the service frame', () => {
  it('sets Node’s timeouts on the service and on its ops listener, defaults unless given', async () => {
    const app = await createServiceApp({
      service: 'limits',
      logger: captureLogs().logger,
      opsListener: true,
      limits: { headersTimeoutMs: 4000 },
    });
    for (const server of [app.server, app.ops!.server]) {
      expect(server.headersTimeout).toBe(4000);
      expect(server.requestTimeout).toBe(DEFAULT_SERVER_LIMITS.requestTimeoutMs);
      expect(server.keepAliveTimeout).toBe(DEFAULT_SERVER_LIMITS.keepAliveTimeoutMs);
      expect(server.timeout).toBe(DEFAULT_SERVER_LIMITS.socketIdleTimeoutMs);
    }
    await app.close();
  });

  it('closes a connection that sends nothing, or its headers a byte at a time, after the headers timeout', async () => {
    const { port } = await listening({ headersTimeoutMs: 600, requestTimeoutMs: 5000 });
    const head = post(2);
    const [idle, trickled] = await Promise.all([
      exchange(port, '', [], 100),
      exchange(
        port,
        head[0]!,
        [...head.slice(1)].map((char) => Buffer.from(char)),
        100,
      ),
    ]);
    for (const closed of [idle, trickled]) {
      expect(closed.answer).toMatch(/^HTTP\/1\.1 408/);
      expect(closed.closedAfterMs).toBeLessThan(2500);
    }
  });

  it('cuts a trickled body with a 408 soon after the body timeout, and logs no error', async () => {
    const { port, logs } = await listening({ bodyTimeoutMs: 500, bodyMinBytesPerSecond: 4000 });
    const cut = await exchange(port, post(1_000_000), pieces(50, 1), 100);
    expect(cut.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(JSON.parse(cut.answer.split('\r\n\r\n')[1]!)).toMatchObject({ error: { code: 'BODY_TIMEOUT' } });
    expect(cut.closedAfterMs).toBeGreaterThanOrEqual(500);
    expect(cut.closedAfterMs).toBeLessThan(1500);
    await sleep(50);
    expect(logs.lines.filter((line) => (line.level as number) >= 50)).toEqual([]);
    expect(logs.text()).toContain('closed connections whose request body came too slowly');
  });

  it('lets a body take longer than the body timeout while it keeps the minimum pace', async () => {
    const { port } = await listening({ bodyTimeoutMs: 500, bodyMinBytesPerSecond: 4000 });
    // 10 KB/s for 1.5 s: three times the body timeout, at more than twice the minimum pace.
    const slow = await exchange(port, post(15_000), pieces(15, 1000), 100);
    expect(slow.answer).toMatch(/^HTTP\/1\.1 200/);
    expect(slow.answer).toContain('{"bytes":15000}');
    expect(slow.closedAfterMs).toBeGreaterThan(1400);
  });

  it('does not count against the client the time the server is not reading its body', async () => {
    // A body sent at once, which the server leaves unread for 1.5 s: at 200 KB/s it would be due.
    const { port } = await listening({ bodyTimeoutMs: 500, bodyMinBytesPerSecond: 200_000 }, 1500);
    const stalled = await exchange(port, post(600_000), [Buffer.alloc(600_000, 97)], 0);
    expect(stalled.answer).toMatch(/^HTTP\/1\.1 200/);
    expect(stalled.answer).toContain('{"bytes":600000}');
  });
});

import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildActionRunner, loadActionRunnerConfig } from '@chatty/action-runner';
import type { Logger } from '@chatty/shared';
import { type RegistryHarness, startRegistry, TEST_SECRET } from '../harness.js';

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface ActionStack {
  registry: RegistryHarness;
  /** A loopback server the allow list lets actions reach; it records what it receives. */
  target: { url: string; received: Received[] };
  /** A loopback server actions may NOT reach; it must never receive anything. */
  forbidden: { url: string; received: Received[] };
  /** Where the action-runner listens (for a second registry on the same database). */
  runnerUrl: string;
  close(): Promise<void>;
}

async function recordingServer(
  respond: (request: http.IncomingMessage, response: http.ServerResponse) => void,
) {
  const received: Received[] = [];
  const server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    received.push({
      method: request.method!,
      url: request.url!,
      headers: request.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    });
    respond(request, response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The registry (with `env` over its test settings), a real action-runner on a port, and the two loopback targets. */
export async function startActionStack({
  logger,
  env = {},
}: {
  logger?: Logger;
  env?: Record<string, string>;
} = {}): Promise<ActionStack> {
  const target = await recordingServer((request, response) => {
    const to = new URL(request.url!, 'http://x').searchParams.get('redirect');
    if (to) {
      response.writeHead(302, { location: to }).end();
      return;
    }
    response.setHeader('content-type', 'application/json');
    if (request.url!.startsWith('/echo-headers')) {
      // Like many debugging endpoints: what it received comes back, credentials included.
      response.setHeader('x-seen-authorization', String(request.headers.authorization));
      response.end(JSON.stringify({ headers: request.headers }));
      return;
    }
    response.end(JSON.stringify({ ok: true, path: request.url }));
  });
  const forbidden = await recordingServer((_request, response) => response.end('forbidden reached'));
  const runner = await buildActionRunner(
    loadActionRunnerConfig({
      SECRET_KEY: TEST_SECRET,
      LOG_LEVEL: 'silent',
      ACTION_EGRESS_ALLOW: new URL(target.url).host,
    }),
    logger ? { logger } : {},
  );
  await runner.listen({ host: '127.0.0.1', port: 0 });
  const runnerUrl = `http://127.0.0.1:${(runner.server.address() as AddressInfo).port}`;
  const registry = await startRegistry({ ACTION_RUNNER_URL: runnerUrl, ...env }, logger ? { logger } : {});
  return {
    registry,
    target,
    forbidden,
    runnerUrl,
    async close() {
      await registry.close();
      await runner.close();
      await target.close();
      await forbidden.close();
    },
  };
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * Faults the hosted-API test servers can play: `refuse` (nothing listens), `busy` (429/529, the API's
 * "slow down"), `reset` (the connection is cut mid-stream), `stream-error` (the protocol's own error
 * event mid-stream, as an overloaded API sends), `hang` (requests are accepted and never answered).
 */
export type HostedFault = 'refuse' | 'busy' | 'reset' | 'stream-error' | 'hang';

/** What a scripted hosted model answers: text in tokens, tool calls, or an HTTP error. */
export interface ScriptedReply {
  tokens?: string[];
  toolCalls?: Array<{ name: string; arguments: Record<string, unknown> }>;
  error?: { status: number; message: string };
}

export interface RecordedHttpRequest<Body> {
  path: string;
  headers: IncomingMessage['headers'];
  body: Body;
}

export interface ScriptedServer {
  url: string;
  readonly fault: HostedFault | null;
  setFault(fault: HostedFault | null): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real HTTP server on loopback whose `refuse` fault really stops listening (and comes back on the
 * same port), and whose `hang` fault swallows requests: the part every protocol's test server shares.
 */
export async function startScriptedServer(
  handle: (request: IncomingMessage, response: ServerResponse, path: string) => Promise<unknown>,
  port = 0,
): Promise<ScriptedServer> {
  const sockets = new Set<Socket>();
  let fault: HostedFault | null = null;
  let server: Server;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((request, response) => {
        if (fault === 'hang') return;
        const path = (request.url ?? '/').split('?')[0]!;
        handle(request, response, path).catch(() => response.destroy());
      });
      server.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });

  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    get fault() {
      return fault;
    },
    async setFault(next) {
      if (next === 'refuse' && fault !== 'refuse') await stop();
      if (fault === 'refuse' && next !== 'refuse') await listen();
      fault = next;
    },
    close: () => (fault === 'refuse' ? Promise.resolve() : stop()),
  };
}

export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const part of request) text += part;
  return text ? JSON.parse(text) : {};
}

export function sendJson(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** Cuts the connection without a proper end, once what was written has left. */
export async function cutConnection(response: ServerResponse) {
  await sleep(20);
  response.socket?.destroy();
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The bearer token or `x-api-key` a request carries. */
export function presentedKey(request: IncomingMessage): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const header = request.headers['x-api-key'];
  return bearer ?? (typeof header === 'string' ? header : undefined);
}

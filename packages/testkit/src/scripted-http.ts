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

/** What every hosted-API test server (OpenAI's, Anthropic's) is started with. */
export interface HostedServerOptions<Request> {
  /** Model names the server knows; another is the API's "no such model". */
  models: string[];
  /** The key it accepts; another answers 401 in the API's shape. */
  apiKey?: string;
  tokenDelayMs?: number;
  /** With faults `reset` and `stream-error`: how many tokens go out first. */
  resetAfterTokens?: number;
  reply?: (request: Request) => ScriptedReply;
}

/** What every hosted-API test server gives the test. */
export interface HostedTestServer<Request> {
  url: string;
  requests: Array<RecordedHttpRequest<Request>>;
  setFault(fault: HostedFault | null): Promise<void>;
  setReply(reply: (request: Request) => ScriptedReply): void;
  close(): Promise<void>;
}

export interface ScriptedServer {
  url: string;
  readonly fault: HostedFault | null;
  setFault(fault: HostedFault | null): Promise<void>;
  close(): Promise<void>;
}

export interface ScriptedServerOptions {
  port?: number;
  /** Loopback by default. */
  host?: string;
  /**
   * Under `hang`, `handle` is still called and plays the hang itself (Ollama's records the request
   * first); by default a hung server never calls it.
   */
  handlesHang?: boolean;
}

/**
 * A real HTTP server whose `refuse` fault really stops listening (and comes back on the same port),
 * and whose `hang` fault swallows requests: the part every protocol's test server shares.
 */
export async function startScriptedServer(
  handle: (request: IncomingMessage, response: ServerResponse, path: string) => Promise<unknown>,
  options: ScriptedServerOptions = {},
): Promise<ScriptedServer> {
  const sockets = new Set<Socket>();
  let fault: HostedFault | null = null;
  let port = options.port ?? 0;
  let server: Server;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((request, response) => {
        if (fault === 'hang' && !options.handlesHang) return;
        const path = (request.url ?? '/').split('?')[0]!;
        handle(request, response, path).catch(() => response.destroy());
      });
      server.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      server.once('error', reject);
      server.listen(port, options.host ?? '127.0.0.1', () => {
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

/** Splits text into word-sized tokens (spaces kept with the word that follows them). */
export function tokensOf(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

/** A test server's reply script: the test's own, or `Hello from <model>` in tokens; tests may swap it. */
export function replyScript<Request extends { model: string }, Reply = ScriptedReply>(
  initial?: (request: Request) => Reply,
) {
  let current =
    initial ?? ((request: Request) => ({ tokens: tokensOf(`Hello from ${request.model}`) }) as Reply);
  return {
    reply: (request: Request) => current(request),
    set(next: (request: Request) => Reply) {
      current = next;
    },
  };
}

export interface TokenStream {
  server: Pick<ScriptedServer, 'fault'>;
  /** With faults `reset` and `stream-error`: how many tokens go out first (2 by default). */
  resetAfterTokens?: number | undefined;
  tokenDelayMs?: number | undefined;
  sendToken(token: string): void;
  /** The protocol's own error event, for the fault `stream-error` (a protocol without one has none). */
  sendError?(): void;
}

/**
 * Streams the tokens one by one, playing the faults `reset` and `stream-error` part-way. False when the
 * response ended early (the client left, or a fault ended it): the caller then writes nothing more.
 */
export async function streamTokens(
  response: ServerResponse,
  tokens: string[],
  { server, resetAfterTokens = 2, tokenDelayMs, sendToken, sendError }: TokenStream,
): Promise<boolean> {
  for (const [index, token] of tokens.entries()) {
    if (response.destroyed) return false;
    if (index >= resetAfterTokens) {
      if (server.fault === 'reset') {
        await cutConnection(response);
        return false;
      }
      if (server.fault === 'stream-error' && sendError) {
        sendError();
        response.end();
        return false;
      }
    }
    if (tokenDelayMs) await sleep(tokenDelayMs);
    if (response.destroyed) return false;
    sendToken(token);
  }
  return true;
}

import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * Stand-ins for routes other services are building, speaking exactly their contracts on
 * docs/internal-contracts.md over real HTTP: the registry's GPT runtime, turn view and action execution, and
 * file-ingest's search. Every other registry route is forwarded to the real registry.
 */

export interface RuntimeFixture {
  userId: string;
  gpt: {
    id: string;
    name: string;
    instructions: string;
    modelId: string;
    capabilities?: { webSearch?: boolean };
  };
  actions: Array<{
    id: string;
    name: string;
    toolName: string;
    description: string;
    arguments: Array<{ name: string; type: string; description?: string; required?: boolean }>;
    /** Where the double sends the call: a loopback test server standing for the outside API. */
    url: string;
    /** GET, and no confirmation, unless given. */
    method?: string;
    needsConfirmation?: boolean;
  }>;
}

export interface ChunkFixture {
  fileId: string;
  fileName: string;
  page: number | null;
  language?: string | null;
  text: string;
}

export interface Doubles {
  url: string;
  runtimes: Map<string, RuntimeFixture>;
  knowledge: Map<string, ChunkFixture[]>;
  executed: Array<{ actionId: string; body: Record<string, unknown> }>;
  searches: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startDoubles(registryUrl: string): Promise<Doubles> {
  const runtimes = new Map<string, RuntimeFixture>();
  const knowledge = new Map<string, ChunkFixture[]>();
  const executed: Doubles['executed'] = [];
  const searches: Doubles['searches'] = [];

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://double');
    const body = await readBody(request);
    const runtime = /^\/internal\/gpts\/([^/]+)\/runtime$/.exec(url.pathname);
    if (runtime) {
      const fixture = runtimes.get(runtime[1]!);
      if (!fixture || fixture.userId !== url.searchParams.get('userId')) return notFound(response);
      return json(response, 200, runtimeOf(fixture));
    }
    const turn = /^\/internal\/gpts\/([^/]+)\/turn$/.exec(url.pathname);
    if (turn) {
      const fixture = runtimes.get(turn[1]!);
      if (!fixture || fixture.userId !== url.searchParams.get('userId')) return notFound(response);
      const view = runtimeOf(fixture);
      const stamp = createHash('sha256').update(JSON.stringify(view)).digest('base64url');
      // The user's context is the real registry's: its own turn answer carries it.
      const contextUrl = new URL(`/internal/gpts/${fixture.gpt.id}/turn`, registryUrl);
      contextUrl.searchParams.set('userId', fixture.userId);
      const token = request.headers['x-service-token'];
      const answer = await fetch(contextUrl, {
        headers: typeof token === 'string' ? { 'x-service-token': token } : {},
      });
      const { context } = (await answer.json()) as { context: string };
      return json(response, 200, {
        stamp,
        context,
        hasFiles: knowledge.has(fixture.gpt.id),
        ...(url.searchParams.get('known') !== stamp && { runtime: view }),
      });
    }
    const execute = /^\/internal\/actions\/([^/]+)\/execute$/.exec(url.pathname);
    if (execute) {
      const parsed = JSON.parse(body) as { userId: string; arguments: Record<string, unknown> };
      const action = [...runtimes.values()]
        .filter((fixture) => fixture.userId === parsed.userId)
        .flatMap((fixture) => fixture.actions)
        .find((each) => each.id === execute[1]);
      if (!action) return notFound(response);
      executed.push({ actionId: action.id, body: parsed });
      const target = new URL(action.url);
      for (const [key, value] of Object.entries(parsed.arguments))
        target.searchParams.set(key, String(value));
      const started = Date.now();
      const answer = await fetch(target);
      return json(response, 200, {
        status: answer.status,
        headers: {},
        body: await answer.text(),
        truncated: false,
        durationMs: Date.now() - started,
      });
    }
    if (url.pathname === '/internal/search') {
      const parsed = JSON.parse(body) as { gptId: string; budgetTokens: number };
      searches.push(parsed);
      const chunks = (knowledge.get(parsed.gptId) ?? []).map((chunk, index) => ({
        ...chunk,
        score: 1 / (index + 1),
        tokens: Math.ceil(chunk.text.length / 4),
      }));
      let used = 0;
      const within = chunks.filter((chunk) => {
        used += chunk.tokens;
        return used <= parsed.budgetTokens;
      });
      return json(response, 200, {
        mode: within.length === chunks.length ? 'full' : 'ranked',
        chunks: within,
      });
    }
    return forward(registryUrl, request, body, response);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    runtimes,
    knowledge,
    executed,
    searches,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function runtimeOf(fixture: RuntimeFixture) {
  const actions = fixture.actions.map(({ url: _url, ...action }) => ({
    ...action,
    method: action.method ?? 'GET',
    needsConfirmation: action.needsConfirmation ?? false,
  }));
  return { gpt: { ...fixture.gpt, userId: fixture.userId }, actions };
}

async function forward(base: string, request: IncomingMessage, body: string, response: ServerResponse) {
  const headers: Record<string, string> = {};
  for (const name of ['content-type', 'x-service-token', 'x-request-id']) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const answer = await fetch(new URL(request.url ?? '/', base), {
    method: request.method ?? 'GET',
    headers,
    ...(body && { body }),
  });
  response.writeHead(answer.status, {
    'content-type': answer.headers.get('content-type') ?? 'application/json',
  });
  response.end(await answer.text());
}

function notFound(response: ServerResponse) {
  return json(response, 404, { error: { code: 'NOT_FOUND', message: 'GPT not found' } });
}

function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const part of request) text += part;
  return text;
}

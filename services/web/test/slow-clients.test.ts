import { connect, type Socket } from 'node:net';
import { tokensOf } from '@chatty/testkit';
import { buildWeb, loadWebConfig, type WebApp } from '@chatty/web';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, signUp } from '../../gpt-registry/test/harness.js';
import {
  type GatewayHarness,
  newSession,
  post,
  readEvents,
  startGateway,
  urlOf,
  userWithGpt,
} from '../../inference-gateway/test/harness.js';
import {
  type HeldSocket,
  launchSlowAttack,
  percentile,
  type SlowAttack,
  type SlowKind,
  sendPaced,
  timedGet,
} from './slow-sockets.js';

// Short limits, so the test sees them act within seconds; the answers below last longer than any.
const LIMITS = {
  HEADERS_TIMEOUT_MS: '1500',
  BODY_TIMEOUT_MS: '1500',
  REQUEST_TIMEOUT_MS: '4000',
  KEEP_ALIVE_TIMEOUT_MS: '2000',
  SOCKET_IDLE_TIMEOUT_MS: '3000',
  MAX_CONNECTIONS_PER_IP: '40',
};
/** 24 tokens 250 ms apart: a six-second answer, past every limit above. */
const LONG_ANSWER = Array.from({ length: 24 }, (_, i) => `word${i}`).join(' ');
const TOKEN_DELAY_MS = 250;

let harness: GatewayHarness;
let web: WebApp;
let origin: string;
let port: number;

beforeAll(async () => {
  harness = await startGateway([
    { models: ['phi3'], tokenDelayMs: TOKEN_DELAY_MS, reply: () => ({ tokens: tokensOf(LONG_ANSWER) }) },
  ]);
  web = await buildWeb(
    loadWebConfig({
      REGISTRY_URL: urlOf(harness.registry.app.server),
      GATEWAY_URL: harness.url,
      LOG_LEVEL: 'silent',
      ...LIMITS,
    }),
  );
  await web.listen({ port: 0, host: '127.0.0.1' });
  origin = urlOf(web.server);
  port = Number(new URL(origin).port);
});
afterAll(async () => {
  const closing = web.close();
  web.server.closeAllConnections();
  await closing;
  await harness.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await sleep(50);
  return condition();
}

function openConnections(server: { getConnections(cb: (error: Error | null, count: number) => void): void }) {
  return new Promise<number>((resolve) => server.getConnections((_error, count) => resolve(count)));
}

/** A streamed chat answer through the origin: how long it lasted and the text it carried. */
async function streamChat(): Promise<{ ms: number; text: string; done: boolean }> {
  const owner = await userWithGpt(harness);
  const sessionId = await newSession({ url: origin }, owner);
  const started = Date.now();
  const response = await post(
    `${origin}/api/sessions/${sessionId}/messages`,
    owner.auth,
    { content: 'Tell me a long story' },
    'text/event-stream',
  );
  const events = await readEvents(response);
  const text = events
    .filter((event) => event.event === 'delta')
    .map((event) => event.data.content)
    .join('');
  return { ms: Date.now() - started, text, done: events.some((event) => event.event === 'done') };
}

async function streamCompletion(): Promise<{ ms: number; text: string }> {
  const user = await signUp(harness.registry.app);
  const client = new OpenAI({ baseURL: `${origin}/v1`, apiKey: user.token });
  const started = Date.now();
  const stream = await client.chat.completions.create({
    model: 'phi3',
    stream: true,
    messages: [{ role: 'user', content: 'Tell me a long story' }],
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return { ms: Date.now() - started, text };
}

/** Signed-in users asking GET /api/auth/me over and over, each request on a new connection. */
async function measure(
  users: Array<Record<string, string>>,
  ms: number,
  during: () => Promise<void> = async () => {},
) {
  const samples: number[] = [];
  const statuses = new Set<number>();
  const until = Date.now() + ms;
  await Promise.all(
    users.map(async (auth) => {
      while (Date.now() < until) {
        const probe = await timedGet(`${origin}/api/auth/me`, auth);
        samples.push(probe.ms);
        statuses.add(probe.status);
        await during();
        await sleep(20);
      }
    }),
  );
  const figures = `p50 ${percentile(samples, 50).toFixed(1)} ms, p99 ${percentile(samples, 99).toFixed(1)} ms`;
  return { samples, statuses: [...statuses], p99: percentile(samples, 99), figures };
}

describe('slow and idle clients at the public origin', () => {
  it('keep answering others in milliseconds while 300 sockets trickle, then are closed', async () => {
    const users = [(await signUp(harness.registry.app)).auth, (await signUp(harness.registry.app)).auth];
    const attacker = await signUp(harness.registry.app);
    const gpt = await createGpt(harness.registry.app, attacker.auth);
    // Node reads the stack of every error a destroyed stream carries (one per closed connection), and
    // under vitest each such read goes through source maps (~1 ms): the test runner's cost, not the
    // servers'. Plain V8 formatting while the attack runs, as in production.
    const prepareStackTrace = Error.prepareStackTrace;
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
    let attack: SlowAttack | undefined;
    try {
      const before = await measure(users, 2000);
      const counts: Record<SlowKind, number> = { 'json-body': 120, 'upload-body': 30, headers: 75, idle: 75 };
      attack = await launchSlowAttack(
        {
          port,
          counts,
          // Ten addresses, 30 sockets each: under the per-address cap, so only the timeouts can help.
          sources: Array.from({ length: 10 }, (_, i) => `127.0.0.${10 + i}`),
          upload: { gptId: gpt.id, token: attacker.token },
          stepMs: 500,
        },
        300,
      );
      const streams = Promise.all([streamChat(), streamCompletion()]);
      let mostHeld = 0;
      let mostUpstream = 0;
      const during = await measure(users, 5000, async () => {
        mostHeld = Math.max(mostHeld, attack!.held());
        mostUpstream = Math.max(mostUpstream, await openConnections(harness.registry.app.server));
      });
      const [chat, completion] = await streams;
      attack.stop();
      const drained = await waitFor(() => attack!.held() === 0, 5000);
      const sockets = await attack.finish();
      attack = undefined;

      const firstLifetimes = lifetimesByKind(sockets.filter((socket) => socket.generation === 0));
      console.log(
        `GET /api/auth/me before: ${before.figures} (×${before.samples.length}); during the attack: ` +
          `${during.figures}, max ${Math.max(...during.samples).toFixed(1)} ms (×${during.samples.length}); ` +
          `${sockets.length} slow sockets opened, up to ${mostHeld} held at once, registry connections up ` +
          `to ${mostUpstream}; first ones closed by the server after at most (ms) ` +
          `${JSON.stringify(firstLifetimes)}; chat stream ${chat.ms} ms, completion stream ${completion.ms} ms`,
      );

      expect(during.statuses).toEqual([200]);
      // Starved users would wait for the attack's sockets to time out (1.5 s); under 1 s they did not.
      // (Typically 20-160 ms here; the margin is for a machine whose cores the test run itself loads.)
      expect(during.p99).toBeLessThan(1000);
      expect(mostHeld).toBeGreaterThanOrEqual(250);
      // Trickled bodies, uploads included, wait at the origin and never take a connection to the registry.
      expect(mostUpstream).toBeLessThanOrEqual(8);
      // Every trickling socket is closed by the server, within a few seconds of opening.
      expect(drained).toBe(true);
      expect(sockets.every((socket) => socket.closedByServer)).toBe(true);
      for (const [kind, ms] of Object.entries(firstLifetimes)) expect(ms, kind).toBeLessThan(4500);
      const bodies = sockets.filter((socket) => socket.kind.endsWith('-body') && socket.received);
      expect(bodies.length).toBeGreaterThan(0);
      for (const socket of bodies) expect(socket.received.slice(0, 12)).toBe('HTTP/1.1 408');

      // The answers ran longer than every limit, and arrived whole.
      expect(chat).toMatchObject({ text: LONG_ANSWER, done: true });
      expect(completion.text).toBe(LONG_ANSWER);
      expect(Math.min(chat.ms, completion.ms)).toBeGreaterThan(Number(LIMITS.REQUEST_TIMEOUT_MS) + 1000);
    } finally {
      Error.prepareStackTrace = prepareStackTrace;
      await attack?.finish();
    }
  }, 30_000);

  it('lets an upload that keeps a slow but honest pace take longer than the body timeout (curl-style)', async () => {
    const owner = await signUp(harness.registry.app);
    const gpt = await createGpt(harness.registry.app, owner.auth);
    const text = Buffer.alloc(96 * 1024, 'All work and no play. ');
    const body = Buffer.concat([
      Buffer.from(
        '--pace\r\nContent-Disposition: form-data; name="file"; filename="notes.txt"\r\n' +
          'Content-Type: text/plain\r\n\r\n',
      ),
      text,
      Buffer.from('\r\n--pace--\r\n'),
    ]);
    const head =
      `POST /api/gpts/${gpt.id}/files HTTP/1.1\r\nHost: chatty\r\nAuthorization: Bearer ${owner.token}\r\n` +
      // As curl asks before a large upload.
      'Expect: 100-continue\r\n' +
      `Content-Type: multipart/form-data; boundary=pace\r\nContent-Length: ${body.length}\r\n\r\n`;
    const started = Date.now();
    // 4 KB every 125 ms: 32 KB/s, twice the minimum pace; about three seconds, twice BODY_TIMEOUT_MS.
    const answer = await sendPaced(port, head, body, { chunkBytes: 4096, everyMs: 125 });
    const ms = Date.now() - started;
    expect(answer.slice(0, 12), answer).toBe('HTTP/1.1 202');
    expect(ms).toBeGreaterThan(2 * Number(LIMITS.BODY_TIMEOUT_MS));
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ size: text.length });
  });

  it('refuses the connection past MAX_CONNECTIONS_PER_IP from one address while serving another', async () => {
    const user = await signUp(harness.registry.app);
    const held: Socket[] = [];
    try {
      for (let i = 0; i < Number(LIMITS.MAX_CONNECTIONS_PER_IP); i++) {
        held.push(connect({ port, host: '127.0.0.1', localAddress: '127.0.0.3' }));
      }
      await Promise.all(held.map((socket) => new Promise((resolve) => socket.once('connect', resolve))));
      await sleep(100);
      const refused = await timedGet(`${origin}/api/auth/me`, user.auth, { localAddress: '127.0.0.3' });
      const other = await timedGet(`${origin}/api/auth/me`, user.auth, { localAddress: '127.0.0.2' });
      console.log(
        `per-address cap: connection ${held.length + 1} from 127.0.0.3 answered ${refused.status} in ` +
          `${refused.ms.toFixed(1)} ms; 127.0.0.2 answered ${other.status} in ${other.ms.toFixed(1)} ms`,
      );
      expect(refused.status).toBe(429);
      expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'TOO_MANY_CONNECTIONS' } });
      expect(refused.ms).toBeLessThan(200);
      expect(other.status).toBe(200);
      // The ones under the cap were kept: none was closed to make room.
      expect(held.every((socket) => !socket.destroyed)).toBe(true);
    } finally {
      for (const socket of held) socket.destroy();
    }
  });
});

function lifetimesByKind(sockets: HeldSocket[]): Record<string, number> {
  const longest: Record<string, number> = {};
  for (const socket of sockets) {
    const ms = (socket.closedAt ?? Date.now()) - socket.openedAt;
    longest[socket.kind] = Math.max(longest[socket.kind] ?? 0, ms);
  }
  return longest;
}

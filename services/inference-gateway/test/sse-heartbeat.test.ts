import Fastify from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lazyEventStream } from '../src/sse.js';

// A stream that goes quiet (a model loading, a slow action) keeps sending comment lines, so a proxy
// in front does not take it for a dead connection; a busy stream sends none.
const app = Fastify();
app.get('/quiet', async (_request, reply) => {
  const stream = lazyEventStream(reply, 100);
  stream.send('delta', { content: 'first' });
  await new Promise((resolve) => setTimeout(resolve, 450));
  stream.send('done', { message: 'bye' });
  stream.end();
});
// Events every 40 ms for 1.2 s, four heartbeat intervals: a heartbeat not put off by each event would
// show, while a busy machine's late timer (a gap of 300 ms) would not.
app.get('/busy', async (_request, reply) => {
  const stream = lazyEventStream(reply, 300);
  for (let index = 0; index < 30; index++) {
    stream.send('delta', { content: String(index) });
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
  stream.end();
});
let base = '';
beforeAll(async () => {
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => app.close());

it('sends keep-alive comments while an open stream is silent', async () => {
  const text = await (await fetch(`${base}/quiet`)).text();
  const beats = text.split('\n').filter((line) => line === ': keep-alive').length;
  expect(beats).toBeGreaterThanOrEqual(2);
  expect(text.startsWith('event: delta')).toBe(true);
  expect(text.trimEnd().endsWith('data: {"message":"bye"}')).toBe(true);
});

it('sends none while events keep flowing', async () => {
  const text = await (await fetch(`${base}/busy`)).text();
  expect(text).not.toContain(': keep-alive');
  expect(text.match(/event: delta/g)).toHaveLength(30);
});

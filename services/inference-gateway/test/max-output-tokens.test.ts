import { type OllamaServerOptions, type RecordedRequest, tokensOf } from '@chatty/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from '../../gpt-registry/test/harness.js';
import {
  type CoServices,
  type GatewayHarness,
  gatewayWith,
  newSession,
  post,
  readEvents,
  startCoServices,
  userWithGpt,
} from './harness.js';

let co: CoServices;
let harness: GatewayHarness | undefined;
beforeAll(async () => {
  co = await startCoServices();
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});
afterAll(() => co.close());

const CAP = 5;
/** Eight words; the test worker, like Ollama, stops at `num_predict` and says `done_reason: length`. */
const ANSWER = 'one two three four five six seven eight';

const start = (
  workers: OllamaServerOptions[] = [
    { models: ['phi3', 'mistral', 'deepseek-coder'], reply: () => ({ tokens: tokensOf(ANSWER) }) },
  ],
) => gatewayWith(co, workers, { MAX_OUTPUT_TOKENS: String(CAP) });

const numPredictOf = (request: RecordedRequest) => request.body.options?.num_predict;

const complete = (h: GatewayHarness, auth: Record<string, string>, extra: Record<string, unknown>) =>
  post(`${h.url}/v1/chat/completions`, auth, {
    model: 'phi3',
    messages: [{ role: 'user', content: 'count' }],
    ...extra,
  });

describe('MAX_OUTPUT_TOKENS', () => {
  it('lowers a larger max_tokens to the cap instead of refusing it, and says the answer was cut', async () => {
    harness = await start();
    const user = await signUp(co.registry.app);
    const response = await complete(harness, user.auth, { max_tokens: 100_000 });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      choices: Array<{ message: { content: string }; finish_reason: string }>;
    };
    expect(body.choices[0]).toMatchObject({
      message: { content: tokensOf(ANSWER).slice(0, CAP).join('') },
      finish_reason: 'length',
    });
    expect(numPredictOf(harness.workers[0]!.requests.at(-1)!)).toBe(CAP);
  });

  it('keeps a smaller max_completion_tokens (or max_tokens), and caps a request that sets none', async () => {
    harness = await start();
    const user = await signUp(co.registry.app);
    await complete(harness, user.auth, { max_completion_tokens: 3 });
    await complete(harness, user.auth, { max_tokens: 2 });
    await complete(harness, user.auth, {});
    expect(harness.workers[0]!.requests.map(numPredictOf)).toEqual([3, 2, CAP]);
  });

  it('ends a capped stream with finish_reason "length", and an uncut one with "stop"', async () => {
    harness = await start();
    const user = await signUp(co.registry.app);
    const finishOf = async (extra: Record<string, unknown>) => {
      const text = await (await complete(harness!, user.auth, { stream: true, ...extra })).text();
      const chunks = text
        .split('\n\n')
        .filter((line) => line.startsWith('data: {'))
        .map((line) => JSON.parse(line.slice(6)) as { choices: Array<{ finish_reason: string | null }> });
      return chunks.at(-1)!.choices[0]!.finish_reason;
    };
    expect(await finishOf({})).toBe('length');
    harness.workers[0]!.setReply(() => ({ tokens: tokensOf('short answer') }));
    expect(await finishOf({})).toBe('stop');
  });

  it("applies to a GPT's chat session and to every model a synth model asks", async () => {
    harness = await start();
    const owner = await userWithGpt(harness, { modelId: 'chatty-core' });
    const sessionId = await newSession(harness, owner);
    const events = await readEvents(
      await post(
        `${harness.url}/api/sessions/${sessionId}/messages`,
        owner.auth,
        { content: 'count' },
        'text/event-stream',
      ),
    );
    expect(events.at(-1)!.event).toBe('done');
    const asked = harness.workers[0]!.requests.map((request) => [request.body.model, numPredictOf(request)]);
    // Both members, then the synthesizer merging their answers.
    expect(asked).toEqual(
      expect.arrayContaining([
        ['deepseek-coder', CAP],
        ['phi3', CAP],
        ['mistral', CAP],
      ]),
    );
    expect(asked).toHaveLength(3);
  });

  it('counts what a worker said before it failed: the stream resumed elsewhere gets only the rest', async () => {
    harness = await start([
      {
        models: ['phi3'],
        loaded: ['phi3'],
        resetAfterTokens: 2,
        reply: () => ({ tokens: tokensOf(ANSWER) }),
      },
      { models: ['phi3'], reply: () => ({ tokens: tokensOf(ANSWER) }) },
    ]);
    await harness.workers[0]!.setFault('reset');
    const user = await signUp(co.registry.app);
    const response = await complete(harness, user.auth, {});
    const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0]!.message.content).toBe(tokensOf(ANSWER).slice(0, CAP).join(''));
    expect(numPredictOf(harness.workers[0]!.requests[0]!)).toBe(CAP);
    expect(numPredictOf(harness.workers[1]!.requests[0]!)).toBe(CAP - 2);
  });
});

import { serviceToken } from '@chatty/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, signUp, TEST_SECRET } from '../harness.js';
import { type ActionStack, startActionStack } from './action-stack.js';

const TOKEN = { 'x-service-token': serviceToken(TEST_SECRET, 'gpt-registry') };
const PER_MINUTE = 3;
let stack: ActionStack;

beforeAll(async () => {
  stack = await startActionStack({ env: { ACTION_RATE_PER_MINUTE: String(PER_MINUTE) } });
});
afterAll(() => stack.close());

const app = () => stack.registry.app;

/** A user with a GPT and one action aimed at the allowed loopback target. */
async function userWithAction() {
  const user = await signUp(app());
  const gpt = await createGpt(app(), user.auth);
  const created = await app().inject({
    method: 'POST',
    url: `/api/gpts/${gpt.id}/actions`,
    headers: user.auth,
    payload: { name: 'ping', url: `${stack.target.url}/ping`, method: 'GET' },
  });
  if (created.statusCode !== 201) throw new Error(created.body);
  return { ...user, actionId: (created.json() as { id: string }).id };
}

const direct = (user: Awaited<ReturnType<typeof userWithAction>>) =>
  app().inject({
    method: 'POST',
    url: `/api/gpts/actions/${user.actionId}/execute`,
    headers: user.auth,
    payload: {},
  });

/** The route the gateway's tool loop calls, for the user it is answering. */
const fromChat = (user: Awaited<ReturnType<typeof userWithAction>>) =>
  app().inject({
    method: 'POST',
    url: `/internal/actions/${user.actionId}/execute`,
    headers: TOKEN,
    payload: { userId: user.user.id, arguments: {} },
  });

describe('action executions per user per minute (ACTION_RATE_PER_MINUTE)', () => {
  it('counts direct and chat executions together and refuses the next one with 429 and Retry-After, sending nothing', async () => {
    const owner = await userWithAction();
    const sent = () => stack.target.received.filter((request) => request.url === '/ping').length;
    const before = sent();
    expect((await direct(owner)).statusCode).toBe(200);
    expect((await fromChat(owner)).statusCode).toBe(200);
    expect((await direct(owner)).statusCode).toBe(200);

    for (const refused of [await direct(owner), await fromChat(owner)]) {
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toEqual({
        error: {
          code: 'RATE_LIMITED',
          message: expect.stringMatching(/^At most 3 action executions a minute; retry in \d+ s$/),
        },
      });
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
    expect(sent() - before).toBe(PER_MINUTE);
  });

  it("leaves every other user's allowance alone", async () => {
    const busy = await userWithAction();
    for (let i = 0; i < PER_MINUTE; i++) await direct(busy);
    expect((await direct(busy)).statusCode).toBe(429);
    const other = await userWithAction();
    expect((await direct(other)).statusCode).toBe(200);
    expect((await fromChat(other)).statusCode).toBe(200);
  });

  it('counts after authentication: no token is 401, not a spent execution', async () => {
    const owner = await userWithAction();
    const anonymous = await app().inject({
      method: 'POST',
      url: `/api/gpts/actions/${owner.actionId}/execute`,
      payload: {},
    });
    expect(anonymous.statusCode).toBe(401);
    for (let i = 0; i < PER_MINUTE; i++) expect((await direct(owner)).statusCode).toBe(200);
  });
});

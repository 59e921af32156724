import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneActionRuns } from '../../src/db/action-run.repository.js';
import { createGpt, signUp } from '../harness.js';
import { type ActionStack, startActionStack } from './action-stack.js';

/* Deleting a GPT cannot erase the audit of its action runs: they are kept, marked, for a retention period. */
let stack: ActionStack;
beforeAll(async () => {
  stack = await startActionStack();
});
afterAll(() => stack.close());

describe('the audit of action runs', () => {
  it('outlives its GPT, marked deleted, until the retention period prunes it', async () => {
    const app = stack.registry.app;
    const owner = await signUp(app);
    const gpt = await createGpt(app, owner.auth);
    const action = await app.inject({
      method: 'POST',
      url: `/api/gpts/${gpt.id}/actions`,
      headers: owner.auth,
      payload: { name: 'ping', url: `${stack.target.url}/ping` },
    });
    for (let i = 0; i < 2; i++) {
      const run = await app.inject({
        method: 'POST',
        url: `/api/gpts/actions/${action.json().id}/execute`,
        headers: owner.auth,
        payload: { arguments: {} },
      });
      expect(run.statusCode).toBe(200);
    }
    expect(
      (await app.inject({ method: 'DELETE', url: `/api/gpts/${gpt.id}`, headers: owner.auth })).statusCode,
    ).toBe(204);
    expect(
      (await app.inject({ method: 'GET', url: `/api/gpts/${gpt.id}`, headers: owner.auth })).statusCode,
    ).toBe(404);

    const runs = () => app.db.selectFrom('action_run').selectAll().where('gpt_id', '=', gpt.id).execute();
    const kept = await runs();
    expect(kept).toHaveLength(2);
    expect(kept.every((run) => run.gpt_deleted_at !== null && run.action_name === 'ping')).toBe(true);

    expect(await pruneActionRuns(app.db, 90)).toBe(0);
    expect(await runs()).toHaveLength(2);
    await app.db
      .updateTable('action_run')
      .set({ gpt_deleted_at: new Date(Date.now() - 91 * 86_400_000) })
      .where('gpt_id', '=', gpt.id)
      .execute();
    expect(await pruneActionRuns(app.db, 90)).toBe(2);
    expect(await runs()).toEqual([]);
  });
});

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countConversation } from '../../src/db/catalogue.repository.js';
import * as gptChangeNotices from '../../src/db/migrations/2026_12_04_0101_gpt_change_notices.js';
import * as gptNoticesSkipCounts from '../../src/db/migrations/2026_12_05_0101_gpt_notices_skip_counts.js';
import { createGpt, type RegistryHarness, signUp, startRegistry } from '../harness.js';

/*
 * What the database announces on `gpt_changes` at commit: a GPT's id for a write to anything a chat
 * turn reads of it, `*` for a change to workspace membership (it may reach any GPT).
 */
let registry: RegistryHarness;
let listener: pg.Client;
const heard: string[] = [];

beforeAll(async () => {
  registry = await startRegistry();
  listener = new pg.Client({ connectionString: registry.database.url });
  await listener.connect();
  listener.on('notification', ({ payload }) => heard.push(payload ?? ''));
  await listener.query('listen gpt_changes');
});
afterAll(async () => {
  await listener?.end();
  await registry?.close();
});

/** What is heard while `write` runs and a moment after (notices arrive after the commit). */
async function heardDuring(write: () => Promise<unknown>) {
  // What earlier writes announced arrives before this answer, and is not this write's.
  await listener.query('select 1');
  heard.length = 0;
  await write();
  await listener.query('select 1');
  return [...new Set(heard)];
}

describe('migration 2026_12_04_0101_gpt_change_notices', () => {
  it("announces a GPT's own changes by its id, membership changes as *, and nothing once rolled back", async () => {
    const owner = await signUp(registry.app);
    const db = registry.app.db;
    const gpt = await createGpt(registry.app, owner.auth, { name: 'Noticed', modelId: 'phi3' });
    const rename = (name: string) => db.updateTable('gpt').set({ name }).where('id', '=', gpt.id).execute();
    expect(await heardDuring(() => rename('Renamed'))).toEqual([gpt.id]);

    const context = () =>
      registry.app.inject({
        method: 'PUT',
        url: `/api/gpts/${gpt.id}/context`,
        headers: owner.auth,
        payload: { context: 'Lisbon' },
      });
    expect(await heardDuring(context)).toEqual([gpt.id]);
    const members = () =>
      db
        .deleteFrom('workspace_member')
        .where('user_id', '=', '00000000-0000-4000-8000-000000000000')
        .execute();
    expect(await heardDuring(members)).toEqual(['*']);

    // Uncommitted changes say nothing; a rolled back transaction never does.
    const rolledBack = () =>
      db
        .transaction()
        .execute(async (trx) => {
          await trx.updateTable('gpt').set({ name: 'Never' }).where('id', '=', gpt.id).execute();
          throw new Error('roll back');
        })
        .catch(() => {});
    expect(await heardDuring(rolledBack)).toEqual([]);

    // Later migrations go first, as a rollback takes them.
    await gptNoticesSkipCounts.down(db);
    await gptChangeNotices.down(db);
    expect(await heardDuring(() => rename('Quiet'))).toEqual([]);
    await gptChangeNotices.up(db);
    expect(await heardDuring(() => rename('Heard again'))).toEqual([gpt.id]);
    await gptNoticesSkipCounts.up(db);
  });
});

describe('migration 2026_12_05_0101_gpt_notices_skip_counts', () => {
  it('keeps a new conversation (the catalogue count) quiet, and announces every other change of the GPT', async () => {
    const owner = await signUp(registry.app);
    const db = registry.app.db;
    const gpt = await createGpt(registry.app, owner.auth, { name: 'Counted', modelId: 'phi3' });
    expect(await heardDuring(() => countConversation(db, gpt.id))).toEqual([]);
    const { conversation_count } = await db
      .selectFrom('gpt')
      .select('conversation_count')
      .where('id', '=', gpt.id)
      .executeTakeFirstOrThrow();
    expect(conversation_count).toBe(1);

    // The count together with anything else is a change; so is a column the trigger does not name.
    const both = () =>
      db
        .updateTable('gpt')
        .set({ name: 'Counted twice', conversation_count: 2 })
        .where('id', '=', gpt.id)
        .execute();
    expect(await heardDuring(both)).toEqual([gpt.id]);
    const described = () =>
      db.updateTable('gpt').set({ description: 'Now described' }).where('id', '=', gpt.id).execute();
    expect(await heardDuring(described)).toEqual([gpt.id]);
    const deleted = () => db.deleteFrom('gpt').where('id', '=', gpt.id).execute();
    expect(await heardDuring(deleted)).toEqual([gpt.id]);
  });
});

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as gptAvatar from '../../src/db/migrations/2026_12_01_0001_gpt_avatar.js';
import { createGpt, type RegistryHarness, signUp, startRegistry } from '../harness.js';
import { GIF_1X1, PNG_1X1 } from '../images.js';

let registry: RegistryHarness;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(() => registry.close());

const png = `data:image/png;base64,${PNG_1X1.toString('base64')}`;
const gif = `data:image/gif;base64,${GIF_1X1.toString('base64')}`;

describe('migration 2026_12_01_0001_gpt_avatar', () => {
  it('moves the avatars of existing snapshots into gpt_avatar without losing any version’s avatar', async () => {
    const user = await signUp(registry.app);
    const put = (gptId: string, payload: object) =>
      registry.app.inject({ method: 'PUT', url: `/api/gpts/${gptId}`, headers: user.auth, payload });
    const gpt = await createGpt(registry.app, user.auth, { name: 'Old', modelId: 'phi3', avatar: png });
    await put(gpt.id, { avatar: gif });
    await put(gpt.id, { description: 'same gif' });
    await put(gpt.id, { avatar: png });

    // Back to the old layout: every snapshot with its avatar inline, as rows written before this change.
    const db = registry.app.db;
    await gptAvatar.down(db);
    const { rows: old } = await sql<{ version: number; avatar: string | null }>`
      select version, snapshot->>'avatar' as avatar from gpt_version where gpt_id = ${gpt.id} order by version`.execute(
      db,
    );
    expect(old.map((row) => row.avatar)).toEqual([png, gif, gif, png]);
    // A snapshot without an avatar, as the seed's null avatars were.
    await sql`update gpt_version set snapshot = jsonb_set(snapshot, '{avatar}', 'null')
      where gpt_id = ${gpt.id} and version = 3`.execute(db);

    await gptAvatar.up(db);

    const avatars: Array<string | null> = [];
    for (const version of [1, 2, 3, 4]) {
      const response = await registry.app.inject({
        method: 'GET',
        url: `/api/gpts/${gpt.id}/versions/${version}`,
        headers: user.auth,
      });
      expect(response.statusCode).toBe(200);
      avatars.push(response.json().gpt.avatar);
    }
    expect(avatars).toEqual([png, gif, null, png]);
    const { rows: left } = await sql<{ n: string }>`
      select count(*) as n from gpt_version where snapshot ? 'avatar'`.execute(db);
    expect(Number(left[0]!.n)).toBe(0);
    const stored = await db
      .selectFrom('gpt_avatar')
      .select('data_url')
      .where('gpt_id', '=', gpt.id)
      .execute();
    expect(stored.map((row) => row.data_url).sort()).toEqual([gif, png].sort());

    // And the service goes on writing versions on the migrated table.
    expect((await put(gpt.id, { description: 'after' })).json().version).toBe(5);
  });
});

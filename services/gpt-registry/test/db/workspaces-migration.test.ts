import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as workspaces from '../../src/db/migrations/2026_12_02_0101_workspaces.js';
import { createGpt, type RegistryHarness, signUp, startRegistry } from '../harness.js';

let registry: RegistryHarness;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(() => registry.close());

describe('migration 2026_12_02_0101_workspaces', () => {
  it('gives every existing account its personal workspace and names the owner as the author of old versions', async () => {
    const ann = await signUp(registry.app);
    const ben = await signUp(registry.app);
    const gpt = await createGpt(registry.app, ann.auth, { name: 'Old', modelId: 'phi3' });
    await registry.app.inject({
      method: 'PUT',
      url: `/api/gpts/${gpt.id}`,
      headers: ann.auth,
      payload: { description: 'v2' },
    });

    // Back to the layout before teams, then forward again, as an upgrade runs it.
    const db = registry.app.db;
    await workspaces.down(db);
    await workspaces.up(db);

    for (const user of [ann, ben]) {
      const list = await registry.app.inject({ method: 'GET', url: '/api/workspaces', headers: user.auth });
      expect(list.json().items).toEqual([
        expect.objectContaining({ name: 'Personal', personal: true, role: 'owner', memberCount: 1 }),
      ]);
    }
    const versions = await registry.app.inject({
      method: 'GET',
      url: `/api/gpts/${gpt.id}/versions`,
      headers: ann.auth,
    });
    expect(versions.json().items.map((v: { author: { id: string } }) => v.author.id)).toEqual([
      ann.user.id,
      ann.user.id,
    ]);
    // And sign-up keeps making them after the migration.
    const cid = await signUp(registry.app);
    const list = await registry.app.inject({ method: 'GET', url: '/api/workspaces', headers: cid.auth });
    expect(list.json().items).toHaveLength(1);
  });
});

// The one-box storage path in process: the registry and file-ingest sharing DATA_DIR/objects instead of
// an S3 bucket (S3_ENDPOINT empty counts as unset), from upload to search to deletion.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, type Stack, search, signUp, startStack, upload, waitUntilDone } from './harness.js';

describe('knowledge files on the file store', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'chatty-data-'));
  const bucketDir = join(dataDir, 'objects', 'chatty');
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: { S3_ENDPOINT: '', DATA_DIR: dataDir, S3_BUCKET: 'chatty' } });
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('uploads to disk, extracts, searches, and deletes down to an empty bucket directory', async () => {
    const owner = await signUp(stack.registry.app);
    const gptId = (await createGpt(stack.registry.app, owner.auth)).id;
    const response = await upload(stack, owner.auth, gptId, 'notes.txt', Buffer.from('The okapi hides.\n'));
    expect(response.statusCode, response.body).toBe(202);
    const fileId = response.json().id as string;

    expect(await waitUntilDone(stack, owner.auth, fileId)).toMatchObject({ status: 'ready' });
    const fileDir = join(bucketDir, owner.user.id, gptId, fileId);
    expect(readdirSync(fileDir).sort()).toEqual(['original', 'text.txt']);
    const text = await stack.registry.app.inject({
      method: 'GET',
      url: `/api/gpts/files/${fileId}/text`,
      headers: owner.auth,
    });
    expect(text.body).toContain('okapi');
    expect((await search(stack, { gptId, query: 'okapi', budgetTokens: 1000 })).chunks).toHaveLength(1);

    const deleted = await stack.registry.app.inject({
      method: 'DELETE',
      url: `/api/gpts/${gptId}`,
      headers: owner.auth,
    });
    expect(deleted.statusCode).toBe(204);
    expect(existsSync(join(bucketDir, owner.user.id))).toBe(false);
    expect(readdirSync(bucketDir)).toEqual([]);
  });

  it('is ready with the store reachable', async () => {
    const ready = await stack.registry.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode, ready.body).toBe(200);
  });
});

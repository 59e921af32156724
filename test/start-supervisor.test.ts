// `npm start` on one box, end to end: object storage as files under DATA_DIR (no S3 server anywhere),
// a knowledge file going from upload to ready across the registry and file-ingest processes, a service
// killed and brought back by the supervisor, and SIGTERM stopping every process.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseUrl, dropDatabase, testDatabaseName } from '@chatty/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { startStack, withFreePorts } from './start-harness.js';

const database = testDatabaseName('supervise');
const dataDir = mkdtempSync(join(tmpdir(), 'chatty-one-box-'));
afterAll(async () => {
  await dropDatabase(database);
  rmSync(dataDir, { recursive: true, force: true });
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start as a one-box supervisor', () => {
  it('stores files under DATA_DIR, restarts a killed service, and stops everything on SIGTERM', {
    timeout: 240_000,
  }, async () => {
    // No S3_ENDPOINT: the default one-box storage.
    const env = await withFreePorts({
      DATABASE_URL: databaseUrl(database),
      DATA_DIR: dataDir,
      S3_ENDPOINT: '',
    });
    const base = `http://127.0.0.1:${env.PORT}`;
    const stack = startStack(env);
    try {
      await stack.waitFor('[start] Chatty is ready', 120_000);
      expect(stack.output()).not.toMatch(/embedded-s3|s3rver/i);

      // A knowledge file: the registry writes it to disk, file-ingest (another process) reads it.
      const signup = await fetch(`${base}/api/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'box@example.com', password: 'a long passphrase', name: 'Box' }),
      });
      expect(signup.status).toBe(201);
      const { token, user } = (await signup.json()) as { token: string; user: { id: string } };
      const auth = { authorization: `Bearer ${token}` };
      const gpt = (await (
        await fetch(`${base}/api/gpts`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({
            name: 'Box',
            instructions: 'Answer from the notes.',
            modelId: 'deepseek-coder',
          }),
        })
      ).json()) as { id: string };
      const form = new FormData();
      form.append('file', new Blob(['The launch code is tangerine.\n'], { type: 'text/plain' }), 'notes.txt');
      const uploaded = await fetch(`${base}/api/gpts/${gpt.id}/files`, {
        method: 'POST',
        headers: auth,
        body: form,
      });
      expect(uploaded.status).toBe(202);
      const file = (await uploaded.json()) as { id: string };
      const status = await until('file processed', async () => {
        const body = (await (await fetch(`${base}/api/gpts/files/${file.id}`, { headers: auth })).json()) as {
          status: string;
          error?: string;
        };
        return body.status === 'ready' || body.status === 'failed' ? body : undefined;
      });
      expect(status).toMatchObject({ status: 'ready' });
      const fileDir = join(dataDir, 'objects', 'chatty', user.id, gpt.id, file.id);
      expect(existsSync(join(fileDir, 'original'))).toBe(true);
      expect(existsSync(join(fileDir, 'text.txt'))).toBe(true);
      const text = await fetch(`${base}/api/gpts/files/${file.id}/text`, { headers: auth });
      expect(await text.text()).toBe('The launch code is tangerine.');

      // Kill the registry as the OOM killer would; the origin stays up and the registry comes back.
      const registryPid = stack.pids().get('gpt-registry')!;
      process.kill(registryPid, 'SIGKILL');
      await stack.waitFor(`gpt-registry (pid ${registryPid}) exited (SIGKILL)`);
      expect(stack.output()).toMatch(
        /gpt-registry \(pid \d+\) exited \(SIGKILL\) after [\d.]+ s; restarting in 0\.5 s \(restart 1\)/,
      );
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
      await stack.waitFor('gpt-registry is ready again');
      const restartedPid = stack.pids().get('gpt-registry')!;
      expect(restartedPid).not.toBe(registryPid);
      const me = await until('the registry answering through the origin', async () => {
        const response = await fetch(`${base}/api/auth/me`, { headers: auth });
        return response.status === 200 ? ((await response.json()) as { email: string }) : undefined;
      });
      expect(me.email).toBe('box@example.com');
      // Its data survived: the file is still there and readable.
      expect(await (await fetch(`${base}/api/gpts/files/${file.id}/text`, { headers: auth })).text()).toBe(
        'The launch code is tangerine.',
      );

      // Deleting the GPT removes its objects from disk, directories included.
      expect((await fetch(`${base}/api/gpts/${gpt.id}`, { method: 'DELETE', headers: auth })).status).toBe(
        204,
      );
      expect(existsSync(join(dataDir, 'objects', 'chatty', user.id))).toBe(false);
    } finally {
      stack.child.kill('SIGTERM');
    }
    expect(await stack.exited).toBe(0);
    expect(stack.output()).toContain('[start] stopped');
    const pids = [...stack.pids().values()];
    expect(pids).toHaveLength(5);
    expect(pids.filter(isAlive)).toEqual([]);
  });
});

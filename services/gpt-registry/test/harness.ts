import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { buildRegistry, loadRegistryConfig, type RegistryApp } from '@chatty/gpt-registry';
import type { Logger } from '@chatty/shared';
import {
  cloneTestDatabase,
  startTestS3,
  TEST_REDIS_URL,
  type TestDatabase,
  type TestS3,
  testNamespace,
} from '@chatty/testkit';
import { inject } from 'vitest';

export const MODELS_JSON = fileURLToPath(new URL('../../../models.json', import.meta.url));
export const TEST_SECRET = 'test-secret-key-that-is-long-enough-0123456789';

export interface RegistryHarness {
  app: RegistryApp;
  database: TestDatabase;
  /** An S3 server and bucket of this registry's own. */
  s3: TestS3;
  /** The BullMQ prefix its ingest queue uses. */
  queuePrefix: string;
  close(): Promise<void>;
}

/** A registry on a database of its own (cloned from the run's migrated template). */
export async function startRegistry(
  env: Record<string, string> = {},
  { logger }: { logger?: Logger } = {},
): Promise<RegistryHarness> {
  const database = await cloneTestDatabase(inject('templateDatabase'));
  const s3 = await startTestS3();
  const queuePrefix = `chatty-test-${randomUUID()}`;
  const config = loadRegistryConfig({
    ...s3.env,
    REDIS_PREFIX: queuePrefix,
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    SECRET_KEY: TEST_SECRET,
    MODELS_CONFIG: MODELS_JSON,
    LOG_LEVEL: 'silent',
    DB_POOL_MAX: '4',
    ...env,
  });
  const app = await buildRegistry(config, {
    rateLimitNamespace: testNamespace('rate-limit'),
    ...(logger && { logger }),
  });
  await app.ready();
  return {
    app,
    database,
    s3,
    queuePrefix,
    async close() {
      await app.close();
      await database.drop();
      await s3.close();
    },
  };
}

let counter = 0;

export async function signUp(app: RegistryApp, email = `user${++counter}-${Date.now()}@example.com`) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email, password: 'correct horse battery', name: 'Test User' },
  });
  if (response.statusCode !== 201) throw new Error(`signup failed: ${response.body}`);
  const body = response.json() as { token: string; user: { id: string; email: string; role: string } };
  return { ...body, email, auth: { authorization: `Bearer ${body.token}` } };
}

export const CODE_ASSISTANT = {
  name: 'Code Assistant',
  description: 'Helps with programming and code review',
  instructions: 'You are a helpful coding assistant. Always provide clean, well-documented code examples.',
  conversationStarters: ['Help me debug this code', 'Review my function', 'Explain this algorithm'],
  capabilities: { webSearch: false, canvas: false, imageGeneration: false, codeInterpreter: true },
  modelId: 'deepseek-coder',
};

export async function createGpt(
  app: RegistryApp,
  auth: Record<string, string>,
  body: object = CODE_ASSISTANT,
) {
  const response = await app.inject({ method: 'POST', url: '/api/gpts', headers: auth, payload: body });
  if (response.statusCode !== 201) throw new Error(`create failed: ${response.body}`);
  return response.json() as { id: string; version: number; avatar: string; name: string };
}

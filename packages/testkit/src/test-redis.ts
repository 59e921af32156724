import { randomUUID } from 'node:crypto';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of its own for each test file, so parallel files never see each other's keys. */
export function testNamespace(label = 'test'): string {
  return `chatty-test:${label}:${randomUUID()}:`;
}

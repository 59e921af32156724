import { buildActionRunner, loadActionRunnerConfig, type Resolver } from '@chatty/action-runner';
import { type Logger, serviceToken } from '@chatty/shared';

const TEST_SECRET = 'test-secret-key-that-is-long-enough-0123456789';
export const TOKEN = { 'x-service-token': serviceToken(TEST_SECRET, 'action-runner') };

export async function startRunner(
  env: Record<string, string>,
  { resolver, logger }: { resolver?: Resolver; logger?: Logger } = {},
) {
  const config = loadActionRunnerConfig({ SECRET_KEY: TEST_SECRET, LOG_LEVEL: 'silent', ...env });
  const app = await buildActionRunner(config, { ...(resolver && { resolver }), ...(logger && { logger }) });
  await app.ready();
  return app;
}

export function spec(url: string, extra: Record<string, unknown> = {}) {
  return { method: 'GET', url, headers: {}, query: {}, arguments: {}, ...extra };
}

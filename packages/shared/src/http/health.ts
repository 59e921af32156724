import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export type ReadinessCheck = () => Promise<unknown>;

const CHECK_TIMEOUT_MS = 2000;

/** Constant and free: it shows nothing and costs nothing, so it may be served anywhere. */
export const livenessPlugin = fp(async (app: FastifyInstance) => installLiveness(app), {
  name: 'chatty-liveness',
});

/** Answers only when every dependency does; `/health/live` answers while the process runs. */
export const readinessPlugin = fp(
  async (app: FastifyInstance, { checks }: { checks: Record<string, ReadinessCheck> }) =>
    installReadiness(app, checks),
  { name: 'chatty-readiness' },
);

function installLiveness(app: FastifyInstance): void {
  app.get('/health/live', { schema: { hide: true }, logLevel: 'silent' }, async () => ({ status: 'ok' }));
}

/** Each call runs every check (requests to dependencies) and names each failure with its reason. */
function installReadiness(app: FastifyInstance, checks: Record<string, ReadinessCheck>): void {
  const quiet = quieterOf(app.log.level, 'warn');
  // Polled every few seconds by orchestrators: only failures are logged.
  app.get('/health/ready', { schema: { hide: true }, logLevel: quiet }, async (request, reply) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
          return [name, 'ok'] as const;
        } catch (error) {
          request.log.warn({ check: name, reason: (error as Error).message }, 'readiness check failed');
          return [name, `failed: ${(error as Error).message}`] as const;
        }
      }),
    );
    const healthy = results.every(([, result]) => result === 'ok');
    return reply
      .code(healthy ? 200 : 503)
      .send({ status: healthy ? 'ok' : 'unavailable', checks: Object.fromEntries(results) });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
type Level = (typeof LEVELS)[number];

/** The quieter of two pino levels: a route may log less than the service, never more. */
export function quieterOf(level: string, atLeast: Level): Level {
  const index = LEVELS.indexOf(level as Level);
  return index > LEVELS.indexOf(atLeast) ? LEVELS[index]! : atLeast;
}

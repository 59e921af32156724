import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/**
 * Logs a Redis connection's outages through the service's logger, once each: a warning with the reason
 * when it is lost, a line when it is back. Without an `error` listener ioredis writes every failed
 * reconnection (several a second) to stderr, outside the JSON logs. Commands meanwhile fail on their
 * own, and the routes answer 503.
 */
export function logRedisOutages(
  redis: Redis,
  log: Pick<Logger, 'warn' | 'info'>,
  connection = 'redis',
): void {
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    log.warn({ connection, reason: error.message }, 'redis unreachable; reconnecting');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    log.info({ connection }, 'redis reachable again');
  });
}

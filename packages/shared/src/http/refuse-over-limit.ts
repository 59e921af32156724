import { tooManyRequests } from '../errors.js';

/** The part of a @fastify/rate-limit limiter's answer (`app.createRateLimit`) that decides a refusal. */
export type RateLimitAnswer =
  | { isAllowed: true }
  | { isAllowed: false; isExceeded: boolean; ttlInSeconds: number };

/**
 * Throws 429 RATE_LIMITED with `Retry-After` (at least a second) when the limiter's answer says the
 * limit is exceeded; `message` says which limit, given the seconds to wait.
 */
export function refuseOverLimit(answer: RateLimitAnswer, message?: (seconds: number) => string): void {
  if (answer.isAllowed || !answer.isExceeded) return;
  const seconds = Math.max(1, answer.ttlInSeconds);
  throw tooManyRequests(seconds, message?.(seconds));
}

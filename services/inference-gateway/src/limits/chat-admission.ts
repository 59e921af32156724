import { AppError, callerOf, type Principal, type SlidingWindowLimiter } from '@chatty/shared';
import type { FastifyRequest } from 'fastify';
import type { GenerationLeases, Lease, LeaseScope } from './generation-leases.js';

export interface ChatLimits {
  userPerMinute: number;
  userConcurrent: number;
  keyPerMinute: number;
  keyConcurrent: number;
}

/** Let in, or refused with 429 (or 503 when the counters cannot be reached). */
export type ChatAdmission = (request: FastifyRequest) => Promise<Lease>;

const NO_LEASE: Lease = { release: async () => {} };
/** A slot frees when an answer ends, which the gateway cannot foresee; a short wait is a fair guess. */
const CONCURRENCY_RETRY_SECONDS = 2;

const who = (scope: 'user' | 'key') => (scope === 'user' ? 'This account' : 'This API key');

/**
 * Fair use of the models, per user and per API key, counted in Redis so every gateway replica sees the
 * same numbers: requests in any minute (a sliding window, under the same `rate-limit:` namespace as the
 * registry's limits) and answers in progress (leases that expire if a replica dies holding them).
 * A limit of 0 is off; with every limit off, Redis is not asked at all.
 */
export function chatAdmission(
  limiter: SlidingWindowLimiter,
  limits: ChatLimits,
  leases: GenerationLeases | undefined,
  prefix: string,
): ChatAdmission {
  const rate = (scope: 'user' | 'key', max: number, idOf: (principal: Principal) => string | undefined) => {
    if (max === 0) return undefined;
    const limit = { max, windowMs: 60_000 };
    return async (request: FastifyRequest) => {
      const id = idOf(callerOf(request));
      if (!id) return;
      await limiter.enforce(
        `chat-${scope}:${id}`,
        limit,
        (seconds) => `${who(scope)} may send ${max} chat requests a minute; retry in ${seconds} s`,
      );
    };
  };
  const rates = [
    rate('user', limits.userPerMinute, (principal) => principal.userId),
    rate('key', limits.keyPerMinute, (principal) => principal.keyId),
  ].filter((check) => check !== undefined);

  const scopesOf = (principal: Principal): Array<LeaseScope & { scope: 'user' | 'key' }> => [
    ...(limits.userConcurrent > 0
      ? [
          {
            scope: 'user' as const,
            key: `${prefix}:chat-running:user:${principal.userId}`,
            limit: limits.userConcurrent,
          },
        ]
      : []),
    ...(limits.keyConcurrent > 0 && principal.keyId
      ? [
          {
            scope: 'key' as const,
            key: `${prefix}:chat-running:key:${principal.keyId}`,
            limit: limits.keyConcurrent,
          },
        ]
      : []),
  ];

  return async (request) => {
    const scopes = scopesOf(callerOf(request));
    if (rates.length === 0 && scopes.length === 0) return NO_LEASE;
    try {
      await Promise.all(rates.map((check) => check(request)));
      if (scopes.length === 0 || !leases) return NO_LEASE;
      const taken = await leases.acquire(scopes);
      if ('release' in taken) return taken;
      const { scope, limit } = taken.full as (typeof scopes)[number];
      throw new AppError(
        429,
        'CONCURRENCY_LIMITED',
        `${who(scope)} already has ${limit} answers in progress; retry when one has finished`,
        { 'retry-after': String(CONCURRENCY_RETRY_SECONDS) },
      );
    } catch (error) {
      if (error instanceof AppError) throw error;
      request.log.error({ err: error }, 'chat limits unavailable');
      throw new AppError(
        503,
        'DEPENDENCY_UNAVAILABLE',
        'The chat limits store is unavailable; retry shortly',
        {
          'retry-after': '5',
        },
      );
    }
  };
}

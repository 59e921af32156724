import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/schema.js';
import { addUsage } from '../db/usage.repository.js';
import { metered, UsageMeter } from './usage-meter.js';

/**
 * Runs one chat request's work metered, then adds what it used to the user's totals, whether it
 * succeeded or not: a turn that failed after two tool rounds still spent their tokens. A failed write
 * is logged, never the request's failure.
 */
export async function withUsageRecorded<T>(
  deps: { db: Db; log: FastifyBaseLogger },
  who: { userId: string; gptId: string | null },
  work: () => Promise<T>,
): Promise<T> {
  const meter = new UsageMeter();
  try {
    return await metered(meter, work);
  } finally {
    await addUsage(deps.db, who, [...meter.byModel.values()]).catch((error) =>
      deps.log.warn({ err: error, userId: who.userId }, 'token usage not recorded'),
    );
  }
}

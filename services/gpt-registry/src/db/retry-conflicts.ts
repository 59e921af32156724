/** Postgres gave up on the transaction so that another could go on: a deadlock, a serialization failure. */
const CONFLICTS = new Set(['40P01', '40001']);

export function isTransactionConflict(error: unknown): boolean {
  return CONFLICTS.has((error as { code?: string } | null)?.code ?? '');
}

/**
 * Runs `work` (a whole transaction, which Postgres rolled back) again when Postgres ended it for a
 * deadlock or a serialization failure, up to `attempts` times in all, after a short random pause that
 * lets the other party finish. Only for work that is safe to run again from the start.
 */
export async function retryOnConflict<T>(work: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isTransactionConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 30 * attempt));
    }
  }
}

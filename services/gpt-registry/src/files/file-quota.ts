import type { Db } from '../db/index.js';
import { countFiles, sumFileBytes } from '../db/quota.repository.js';
import { ensureRoom, type QuotaLimits } from '../quotas/quotas.js';

/**
 * Throws 409 QUOTA_EXCEEDED unless one more file of `size` bytes fits: the GPT's file count and the
 * user's knowledge bytes. The upload route asks three times — before reading the body (size unknown:
 * one byte), once the body is spooled and its size known (before anything reaches storage), and under
 * the user's row lock next to the insert, where the answer is final.
 */
export async function ensureFileRoom(
  db: Db,
  quotas: QuotaLimits,
  { userId, gptId, size }: { userId: string; gptId: string; size: number },
): Promise<void> {
  ensureRoom('filesPerGpt', quotas.filesPerGpt, await countFiles(db, gptId));
  ensureRoom('fileBytes', quotas.fileBytes, await sumFileBytes(db, userId), size);
}

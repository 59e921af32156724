import { gptPrefix } from '@chatty/contracts';
import { AppError, type ObjectStore } from '@chatty/shared';
import type { FastifyBaseLogger } from 'fastify';
import { deleteGpt, markGptDeleting } from '../db/gpt.repository.js';
import type { Db } from '../db/index.js';
import { retryOnConflict } from '../db/retry-conflicts.js';
import { deleteWithBlobs } from '../files/blob-deletion.js';

export interface GptDeletionDeps {
  db: Db;
  storage: ObjectStore;
  /** The gateway's delete of the GPT's chat sessions; unset when chat is off. */
  deleteGptSessions: ((gptId: string, requestId: string) => Promise<void>) | undefined;
  log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
}

/**
 * The rest of a GPT's delete once it is marked (markGptDeleting): from the mark on, the runtime the
 * gateway asks for is 404, so no session can start, and every gateway replica stops the answers it is
 * giving with it. Then the sessions: if the gateway cannot be reached the mark is undone and the
 * delete stops with nothing gone, and a retry is safe. Then the rows (files' rows and chunks by
 * cascade) and the objects by prefix, retried until gone; Postgres may end the transaction for a
 * deadlock with another writer, and it is run again, as nothing of it was kept. False when the GPT
 * was already gone; a failure undoes the mark and is 503 DELETE_FAILED, the GPT shown as it was.
 */
export async function finishGptDelete(
  deps: GptDeletionDeps,
  { userId, gptId, requestId }: { userId: string; gptId: string; requestId: string },
): Promise<boolean> {
  const { db, storage, log } = deps;
  try {
    await deps.deleteGptSessions?.(gptId, requestId);
  } catch (error) {
    await markGptDeleting(db, userId, gptId, false);
    throw error;
  }
  try {
    return await retryOnConflict(() =>
      deleteWithBlobs(db, storage, log, gptPrefix(userId, gptId), (trx) => deleteGpt(trx, userId, gptId)),
    );
  } catch (error) {
    log.error({ gptId, err: error }, 'gpt delete failed; its mark is undone');
    await markGptDeleting(db, userId, gptId, false).catch(() => {});
    throw new AppError(
      503,
      'DELETE_FAILED',
      'The GPT could not be deleted just now and is still there (its chat sessions are gone); retry',
      { 'retry-after': '1' },
    );
  }
}

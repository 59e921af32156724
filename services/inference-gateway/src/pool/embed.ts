import { AppError } from '@chatty/shared';
import type { Embedded, ModelWorker } from '../providers/chat-client.js';
import { modelUnavailable } from './model-router.js';
import { WorkerFailure } from './ollama-types.js';
import { NoWorkerForModel, type WorkerPool } from './worker-pool.js';

/**
 * Embeds texts on a worker that has the model, through the pool's queue like a generation (an
 * embedding model shares the workers' memory and slots). Embedding has no side effects, so a worker
 * that fails is simply swapped for the next one that has the model.
 */
export async function embedOnPool(
  pool: WorkerPool,
  model: string,
  input: string[],
  signal: AbortSignal,
  owner: string,
): Promise<Embedded> {
  const tried = new Set<ModelWorker>();
  for (;;) {
    let worker: ModelWorker;
    try {
      worker = await pool.acquire(model, tried, signal, owner);
    } catch (error) {
      if (error instanceof NoWorkerForModel) throw modelUnavailable(model);
      throw error;
    }
    let succeeded = false;
    try {
      if (!worker.client.embed) throw new WorkerFailure('rejected', `${worker.url} does not embed`);
      const embedded = await worker.client.embed(model, input, signal);
      succeeded = true;
      return embedded;
    } catch (error) {
      if (signal.aborted || !(error instanceof WorkerFailure)) throw error;
      // The model refused the input (too long, not an embedding model): another worker says the same.
      if (error.kind === 'rejected' && error.status === 400)
        throw new AppError(400, 'MODEL_REFUSED', `${model}: ${error.message}`);
      tried.add(worker);
      if (error.kind === 'unreachable') pool.markDown(worker, error.message);
    } finally {
      pool.release(worker, model, succeeded, owner);
    }
  }
}

import type { Logger } from '@chatty/shared';
import { type PullProgress, pullModel } from './pull-model.js';

export interface PullAllOptions {
  workers: string[];
  tags: string[];
  log: Logger;
  /** Tries per model and worker; a failed download is resumed by the next try. */
  attempts?: number;
  retryDelayMs?: number;
  /** How often a download's progress is logged at most. */
  progressEveryMs?: number;
}

export interface PullOutcome {
  worker: string;
  tag: string;
  ok: boolean;
  error?: string;
}

/** Pulls every tag into every worker, one download per worker at a time, workers in parallel. */
export async function pullAll(options: PullAllOptions): Promise<PullOutcome[]> {
  const perWorker = await Promise.all(options.workers.map((worker) => pullInto(worker, options)));
  return perWorker.flat();
}

async function pullInto(worker: string, options: PullAllOptions): Promise<PullOutcome[]> {
  const attempts = options.attempts ?? 3;
  const outcomes: PullOutcome[] = [];
  for (const tag of options.tags) {
    const log = options.log.child({ worker, model: tag });
    let lastError = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        log.info({ attempt }, 'pulling');
        await pullModel(worker, tag, throttled(log, options.progressEveryMs ?? 5000));
        log.info('pulled');
        lastError = '';
        break;
      } catch (error) {
        lastError = (error as Error).message;
        log.warn({ attempt, reason: lastError }, 'pull failed');
        if (attempt < attempts) await sleep((options.retryDelayMs ?? 2000) * attempt);
      }
    }
    outcomes.push(lastError ? { worker, tag, ok: false, error: lastError } : { worker, tag, ok: true });
  }
  return outcomes;
}

/** Logs each new status at once, and download percentages no more often than every `everyMs`. */
function throttled(log: Logger, everyMs: number) {
  let lastStatus = '';
  let lastAt = 0;
  return (progress: PullProgress) => {
    const now = Date.now();
    if (progress.status === lastStatus && now - lastAt < everyMs) return;
    lastStatus = progress.status;
    lastAt = now;
    const percent =
      progress.total && progress.completed !== undefined
        ? Math.floor((progress.completed / progress.total) * 100)
        : undefined;
    log.info({ status: progress.status, ...(percent !== undefined && { percent }) }, 'pull progress');
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

import { AppError, type Logger } from '@chatty/shared';
import { Worker } from './worker.js';

export interface PoolOptions {
  concurrency: number;
  queueLimit: number;
  queueTimeoutMs: number;
  healthIntervalMs: number;
  idleTimeoutMs: number;
  log: Logger;
}

/** No healthy worker has the model (or every one that has it was tried): the caller falls back. */
export class NoWorkerForModel extends Error {
  constructor(readonly model: string) {
    super(`no available worker serves ${model}`);
    this.name = 'NoWorkerForModel';
  }
}

export const saturated = (retryAfterSeconds: number) =>
  new AppError(503, 'MODELS_BUSY', 'Every model worker is busy; retry shortly', {
    'retry-after': String(retryAfterSeconds),
  });

interface Waiter {
  model: string;
  exclude: Set<Worker>;
  resolve(worker: Worker): void;
  reject(error: Error): void;
}

/**
 * The Ollama workers, health-checked in the background. `acquire` picks a healthy worker that has the
 * model, preferring one where it is loaded, then the least busy; each worker runs at most
 * `concurrency` generations and the rest wait in a bounded FIFO queue.
 */
export class WorkerPool {
  readonly workers: Worker[];
  private readonly queue: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private firstCheck: Promise<void> | undefined;
  private turn = 0;

  constructor(
    urls: string[],
    private readonly options: PoolOptions,
  ) {
    this.workers = urls.map(
      (url) =>
        new Worker(url, { connections: options.concurrency + 2, idleTimeoutMs: options.idleTimeoutMs }),
    );
  }

  start(): void {
    this.firstCheck = this.checkAll();
    this.timer = setInterval(() => void this.checkAll(), this.options.healthIntervalMs);
    this.timer.unref();
  }

  /** Resolves once every worker has been checked once, so the first requests see real state. */
  ready(): Promise<void> {
    return this.firstCheck ?? Promise.resolve();
  }

  async checkAll(): Promise<void> {
    await Promise.all(
      this.workers.map(async (worker) => {
        const was = worker.healthy;
        await worker.refresh();
        if (was !== worker.healthy) {
          const log = this.options.log;
          if (worker.healthy) log.info({ worker: worker.url }, 'model worker is back');
          else log.warn({ worker: worker.url, reason: worker.lastError }, 'model worker is down');
        }
      }),
    );
    this.drain();
  }

  async acquire(model: string, exclude: Set<Worker>, signal: AbortSignal): Promise<Worker> {
    await this.ready();
    const candidates = this.candidates(model, exclude);
    if (candidates.length === 0) throw new NoWorkerForModel(model);
    const free = this.pick(candidates, model);
    if (free) return this.take(free);
    if (this.queue.length >= this.options.queueLimit) throw saturated(this.retryAfter());
    return new Promise<Worker>((resolve, reject) => {
      const waiter: Waiter = {
        model,
        exclude,
        resolve: (worker) => {
          cleanup();
          resolve(worker);
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
      };
      const timeout = setTimeout(
        () => waiter.reject(saturated(this.retryAfter())),
        this.options.queueTimeoutMs,
      );
      const onAbort = () => waiter.reject(signal.reason as Error);
      const cleanup = () => {
        clearTimeout(timeout);
        signal.removeEventListener('abort', onAbort);
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  release(worker: Worker, model?: string, succeeded = false): void {
    worker.inFlight--;
    if (succeeded && model) worker.loaded.add(model.includes(':') ? model : `${model}:latest`);
    this.drain();
  }

  /** A connection-level failure: stop sending traffic there until the next health check passes. */
  markDown(worker: Worker, reason: string): void {
    if (worker.healthy) this.options.log.warn({ worker: worker.url, reason }, 'model worker is down');
    worker.markDown(reason);
    this.drain();
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Which healthy workers serve a model, and where it is loaded. */
  serving(model: string): { workers: string[]; loadedOn: string[] } {
    const workers = this.workers.filter((worker) => worker.healthy && worker.has(model));
    return {
      workers: workers.map((worker) => worker.url),
      loadedOn: workers.filter((worker) => worker.isLoaded(model)).map((worker) => worker.url),
    };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const waiter of [...this.queue])
      waiter.reject(new AppError(503, 'SHUTTING_DOWN', 'The gateway is stopping'));
    await Promise.all(this.workers.map((worker) => worker.client.close()));
  }

  private candidates(model: string, exclude: Set<Worker>): Worker[] {
    return this.workers.filter((worker) => worker.healthy && worker.has(model) && !exclude.has(worker));
  }

  private pick(candidates: Worker[], model: string): Worker | undefined {
    const free = candidates.filter((worker) => worker.inFlight < this.options.concurrency);
    if (free.length === 0) return undefined;
    // Rotating the start spreads ties, so equal workers share the load instead of the first taking all.
    this.turn = (this.turn + 1) % free.length;
    const rotated = [...free.slice(this.turn), ...free.slice(0, this.turn)];
    return rotated.reduce((best, worker) => (better(worker, best, model) ? worker : best));
  }

  private take(worker: Worker): Worker {
    worker.inFlight++;
    return worker;
  }

  private drain(): void {
    for (const waiter of [...this.queue]) {
      const candidates = this.candidates(waiter.model, waiter.exclude);
      if (candidates.length === 0) {
        waiter.reject(new NoWorkerForModel(waiter.model));
        continue;
      }
      const free = this.pick(candidates, waiter.model);
      if (free) waiter.resolve(this.take(free));
    }
  }

  private retryAfter(): number {
    return Math.max(1, Math.ceil(this.options.queueTimeoutMs / 10_000));
  }
}

/** A worker with the model already in memory beats a cold one (no load delay); then the less busy. */
function better(a: Worker, b: Worker, model: string): boolean {
  const aLoaded = a.isLoaded(model);
  if (aLoaded !== b.isLoaded(model)) return aLoaded;
  return a.inFlight < b.inFlight;
}

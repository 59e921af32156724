import { AppError, type Logger } from '@chatty/shared';
import type { ModelWorker } from '../providers/chat-client.js';
import { FairQueue, type OwnerTurn, type Queued } from './fair-queue.js';

type Worker = ModelWorker;

export interface PoolOptions {
  queueLimit: number;
  /** Requests one user may have waiting (see FairQueue). */
  queueLimitPerUser: number;
  queueTimeoutMs: number;
  healthIntervalMs: number;
  log: Logger;
}

/** No healthy worker has the model (or every one that has it was tried): the caller falls back. */
export class NoWorkerForModel extends Error {
  constructor(readonly model: string) {
    super(`no available worker serves ${model}`);
    this.name = 'NoWorkerForModel';
  }
}

const saturated = (retryAfterSeconds: number) =>
  new AppError(503, 'MODELS_BUSY', 'Every model worker is busy; retry shortly', {
    'retry-after': String(retryAfterSeconds),
  });

interface Waiter extends Queued {
  model: string;
  exclude: Set<Worker>;
  resolve(worker: Worker): void;
  reject(error: Error): void;
}

/**
 * The model workers (Ollama workers and hosted API endpoints), health-checked in the background. `acquire` picks a healthy worker that has the
 * model, preferring one where it is loaded, then the least busy; each worker runs at most
 * `concurrency` generations and the rest wait in a bounded queue that is fair across users: each
 * user's requests wait in a FIFO of their own and free slots go round the users (FairQueue).
 */
export class WorkerPool {
  readonly workers: Worker[];
  private readonly queue: FairQueue<Waiter>;
  /** Owners (users) with generations running or waiting: the queue's turn order reads these. */
  private readonly owners = new Map<string, OwnerTurn>();
  private served = 0;
  private timer: NodeJS.Timeout | undefined;
  private firstCheck: Promise<void> | undefined;
  private turn = 0;

  constructor(
    workers: ModelWorker[],
    private readonly options: PoolOptions,
  ) {
    this.queue = new FairQueue({ total: options.queueLimit, perOwner: options.queueLimitPerUser });
    this.workers = workers;
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

  /** A worker slot for `owner` (the user the generation is for), now or once one is their turn. */
  async acquire(model: string, exclude: Set<Worker>, signal: AbortSignal, owner = ''): Promise<Worker> {
    await this.ready();
    signal.throwIfAborted();
    const candidates = this.candidates(model, exclude);
    if (candidates.length === 0) throw new NoWorkerForModel(model);
    // Fair to take at once: every change that frees a slot drains the queue first, so no one waiting
    // could have used this one.
    const free = this.pick(candidates, model);
    if (free) return this.take(free, owner);
    return new Promise<Worker>((resolve, reject) => {
      const waiter: Waiter = {
        owner,
        enqueuedAt: performance.now(),
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
      const { admitted, evicted } = this.queue.admit(waiter);
      if (!admitted) return reject(saturated(this.retryAfter()));
      evicted?.reject(saturated(this.retryAfter()));
      const timeout = setTimeout(
        () => waiter.reject(saturated(this.retryAfter())),
        this.options.queueTimeoutMs,
      );
      const onAbort = () => waiter.reject(signal.reason as Error);
      const cleanup = () => {
        clearTimeout(timeout);
        signal.removeEventListener('abort', onAbort);
        this.queue.remove(waiter);
        this.forgetIfIdle(owner);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  release(worker: Worker, model?: string, succeeded = false, owner = ''): void {
    worker.inFlight--;
    const turn = this.owners.get(owner);
    if (turn) turn.running--;
    this.forgetIfIdle(owner);
    if (succeeded && model) worker.noteLoaded(model);
    this.drain();
  }

  /** A connection-level failure: stop sending traffic there until the next health check passes. */
  markDown(worker: Worker, reason: string): void {
    if (worker.healthy) this.options.log.warn({ worker: worker.url, reason }, 'model worker is down');
    worker.markDown(reason);
    this.drain();
  }

  get queued(): number {
    return this.queue.size;
  }

  /** Requests of one owner waiting for a slot. */
  queuedOf(owner: string): number {
    return this.queue.waitingOf(owner);
  }

  /** Generations of one owner running now. */
  runningOf(owner: string): number {
    return this.owners.get(owner)?.running ?? 0;
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
    for (const waiter of this.queue.all())
      waiter.reject(new AppError(503, 'SHUTTING_DOWN', 'The gateway is stopping'));
    await Promise.all(this.workers.map((worker) => worker.client.close()));
  }

  private candidates(model: string, exclude: Set<Worker>): Worker[] {
    return this.workers.filter((worker) => worker.healthy && worker.has(model) && !exclude.has(worker));
  }

  private pick(candidates: Worker[], model: string): Worker | undefined {
    const free = candidates.filter((worker) => this.hasRoom(worker));
    if (free.length === 0) return undefined;
    // Rotating the start spreads ties, so equal workers share the load instead of the first taking all.
    this.turn = (this.turn + 1) % free.length;
    const rotated = [...free.slice(this.turn), ...free.slice(0, this.turn)];
    return rotated.reduce((best, worker) => (better(worker, best, model) ? worker : best));
  }

  private take(worker: Worker, owner: string): Worker {
    worker.inFlight++;
    const turn = this.owners.get(owner) ?? { running: 0, servedAt: 0 };
    turn.running++;
    turn.servedAt = ++this.served;
    this.owners.set(owner, turn);
    return worker;
  }

  /** An owner with nothing running or waiting counts as new when they come back. */
  private forgetIfIdle(owner: string): void {
    if (this.runningOf(owner) <= 0 && this.queue.waitingOf(owner) === 0) this.owners.delete(owner);
  }

  /** Hands free slots to waiters, one at a time, in the queue's turn order (it changes with each). */
  private drain(): void {
    for (const waiter of this.queue.all()) {
      if (this.candidates(waiter.model, waiter.exclude).length === 0)
        waiter.reject(new NoWorkerForModel(waiter.model));
    }
    while (this.queue.size > 0 && this.workers.some((worker) => this.hasRoom(worker))) {
      if (!this.serveOne()) return;
    }
  }

  private serveOne(): boolean {
    const turnOf = (owner: string) => this.owners.get(owner) ?? { running: 0, servedAt: 0 };
    for (const waiter of this.queue.inTurn(turnOf)) {
      const free = this.pick(this.candidates(waiter.model, waiter.exclude), waiter.model);
      if (free) {
        waiter.resolve(this.take(free, waiter.owner));
        return true;
      }
    }
    return false;
  }

  private hasRoom(worker: Worker): boolean {
    return worker.healthy && worker.inFlight < worker.concurrency;
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

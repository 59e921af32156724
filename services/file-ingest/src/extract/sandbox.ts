import { Worker } from 'node:worker_threads';
import type { SandboxReply, SandboxRequest } from './sandbox-messages.js';
import {
  type Extracted,
  ExtractionRefused,
  type ExtractKind,
  type ExtractLimits,
  type ProgressReporter,
} from './types.js';

export interface SandboxOptions {
  /** Threads, one extraction each at a time. */
  size: number;
  timeoutMs: number;
  maxMemoryMb: number;
}

interface Slot {
  worker: Worker;
  /** Settles once the thread has loaded its parsers: start-up never counts against a file's time. */
  ready: Promise<void>;
  busy: boolean;
}

/**
 * Extraction runs in worker threads that are reused between files. A parser stuck in a loop or
 * growing without bound is stopped by terminating its thread (a wall-time cap and V8's heap limit);
 * the thread is replaced and the file fails with a reason. Nothing a file does reaches the process.
 */
export class ExtractionSandbox {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<(slot: Slot) => void> = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: SandboxOptions) {}

  async run(kind: ExtractKind, bytes: Buffer, limits: ExtractLimits, progress: ProgressReporter = () => {}) {
    const slot = await this.acquire();
    try {
      return await this.runOn(
        slot,
        { id: this.nextId++, kind, bytes: new Uint8Array(bytes), limits },
        progress,
      );
    } finally {
      this.release(slot);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
    this.slots.length = 0;
  }

  private async runOn(slot: Slot, request: SandboxRequest, progress: ProgressReporter): Promise<Extracted> {
    // A thread that died while idle is replaced before use.
    if (slot.worker.threadId < 0) this.respawn(slot);
    try {
      await slot.ready;
    } catch (error) {
      this.respawn(slot);
      throw error;
    }
    const { worker } = slot;
    return new Promise<Extracted>((resolve, reject) => {
      const finish = (outcome: () => void, replace: boolean) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (replace) this.replace(slot);
        outcome();
      };
      const onMessage = (reply: SandboxReply) => {
        if (reply.id !== request.id) return;
        if (reply.type === 'progress') return progress(reply.fraction);
        if (reply.type === 'done') return finish(() => resolve(reply.result), false);
        const error = reply.refused ? new ExtractionRefused(reply.message) : new Error(reply.message);
        finish(() => reject(error), false);
      };
      const onError = (error: Error & { code?: string }) => {
        const refused =
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new ExtractionRefused(
                `extracting the file needs more than ${this.options.maxMemoryMb} MB of memory; split the file`,
              )
            : new ExtractionRefused(`the extractor crashed on this file: ${error.message}`);
        finish(() => reject(refused), true);
      };
      const onExit = () => finish(() => reject(new Error('the extraction thread stopped')), true);
      const timer = setTimeout(() => {
        void worker.terminate();
        const seconds = this.options.timeoutMs / 1000;
        finish(
          () =>
            reject(
              new ExtractionRefused(`extraction took longer than ${seconds} s; the file may be damaged`),
            ),
          true,
        );
      }, this.options.timeoutMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage(request, [request.bytes.buffer as ArrayBuffer]);
    });
  }

  private acquire(): Promise<Slot> {
    if (this.closed) return Promise.reject(new Error('the extraction sandbox is closed'));
    const idle = this.slots.find((slot) => !slot.busy);
    if (idle) return Promise.resolve(this.take(idle));
    if (this.slots.length < this.options.size) {
      const slot = { busy: false } as Slot;
      this.respawn(slot);
      this.slots.push(slot);
      return Promise.resolve(this.take(slot));
    }
    return new Promise((resolve) => this.waiting.push((slot) => resolve(this.take(slot))));
  }

  private take(slot: Slot): Slot {
    slot.busy = true;
    return slot;
  }

  private release(slot: Slot): void {
    slot.busy = false;
    const current = this.slots.find((each) => each === slot);
    const next = this.waiting.shift();
    if (next && current) next(current);
  }

  private replace(slot: Slot): void {
    void slot.worker.terminate();
    if (!this.closed) this.respawn(slot);
  }

  private respawn(slot: Slot): void {
    const worker = this.spawn();
    slot.worker = worker;
    slot.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: SandboxReply | { type: 'ready' }) => {
        if (message.type !== 'ready') return;
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        resolve();
      };
      const onExit = () => reject(new Error('the extraction thread failed to start'));
      worker.on('message', onMessage);
      worker.once('exit', onExit);
    });
    // Nobody may be waiting yet; the failure is seen by the next run.
    slot.ready.catch(() => {});
  }

  private spawn(): Worker {
    const options = { resourceLimits: { maxOldGenerationSizeMb: this.options.maxMemoryMb } };
    // The pathname: tsx's import API adds a query to the module URL.
    const worker = new URL(import.meta.url).pathname.endsWith('.ts')
      ? // Sources run by tsx (tests, benches): the thread registers tsx before loading its entry.
        new Worker(
          `const { workerData } = require('node:worker_threads');
           import('tsx/esm/api').then((api) => { api.register(); return import(workerData.entry); });`,
          {
            eval: true,
            workerData: { entry: new URL('./extract-thread.ts', import.meta.url).href },
            // Not the parent's `--import tsx`: the thread registers tsx itself, before loading its entry.
            execArgv: [],
            ...options,
          },
        )
      : new Worker(new URL('./extract-thread.js', import.meta.url), options);
    // Failures during a run are handled by its listeners; one between runs only means a new thread.
    worker.on('error', () => {});
    // An idle thread never keeps the process alive.
    worker.unref();
    return worker;
  }
}

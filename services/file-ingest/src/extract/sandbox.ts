import { ExtractorProcess } from './extractor-process.js';
import {
  type Extracted,
  ExtractionCrashed,
  type ExtractKind,
  type ExtractLimits,
  type ProgressReporter,
} from './types.js';

export interface SandboxOptions {
  /** Processes, one extraction each at a time. */
  size: number;
  timeoutMs: number;
  /** Resident memory of one extraction process, native allocations included. */
  maxMemoryMb: number;
  /** How often a running extraction's memory is read (default 20 ms). */
  sampleMs?: number;
}

interface Slot {
  process: ExtractorProcess;
  busy: boolean;
}

/**
 * Extraction runs in child processes that are reused between files (start-up, about the time of loading
 * the parsers, is paid once, not per file). A process that runs past the time cap or past the memory
 * limit is killed, one that dies is replaced, and the file's run rejects with ExtractionCrashed: nothing
 * a file does reaches the ingest worker's process.
 */
export class ExtractionSandbox {
  /** The most memory one extraction process has held so far (MB), for logs and tests. */
  peakMemoryMb = 0;
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<(slot: Slot) => void> = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: SandboxOptions) {}

  async run(kind: ExtractKind, bytes: Buffer, limits: ExtractLimits, progress: ProgressReporter = () => {}) {
    const slot = await this.acquire();
    try {
      return await this.runOn(slot, kind, bytes, limits, progress);
    } finally {
      this.notePeak(slot.process);
      this.release(slot);
    }
  }

  /** The extraction processes' ids (tests kill one to play the kernel's OOM killer). */
  pids(): number[] {
    return this.slots.flatMap((slot) => (slot.process.pid === undefined ? [] : [slot.process.pid]));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const slot of this.slots) slot.process.kill();
    this.slots.length = 0;
  }

  private async runOn(
    slot: Slot,
    kind: ExtractKind,
    bytes: Buffer,
    limits: ExtractLimits,
    progress: ProgressReporter,
  ): Promise<Extracted> {
    // A process that died while idle is replaced before use.
    if (!slot.process.alive) this.replace(slot);
    try {
      const result = await slot.process.run({ id: this.nextId++, kind, bytes, limits }, progress);
      this.retireIfHeavy(slot);
      return result;
    } catch (error) {
      // Killed, crashed, or it never started.
      if (error instanceof ExtractionCrashed || !slot.process.alive) this.replace(slot);
      else this.retireIfHeavy(slot);
      throw error;
    }
  }

  /**
   * A process that kept more than half of its room after a file (a heap that grew, the OCR engine's
   * memory) is replaced, so that every file has at least half the room a fresh process has.
   */
  private retireIfHeavy(slot: Slot): void {
    const { baselineMb } = slot.process;
    // Read as it answered: no second look at /proc per file.
    const keptMb = (slot.process.lastMemory?.rssMb ?? 0) - baselineMb;
    if (keptMb > (this.options.maxMemoryMb - baselineMb) / 2) this.replace(slot);
  }

  private acquire(): Promise<Slot> {
    if (this.closed) return Promise.reject(new Error('the extraction sandbox is closed'));
    const idle = this.slots.find((slot) => !slot.busy);
    if (idle) return Promise.resolve(this.take(idle));
    if (this.slots.length < this.options.size) {
      const slot = { process: this.spawn(), busy: false };
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

  private notePeak(process: ExtractorProcess): void {
    this.peakMemoryMb = Math.max(this.peakMemoryMb, process.peakMb);
  }

  /** A new process in the slot, started now so that it is ready by the next file. */
  private replace(slot: Slot): void {
    this.notePeak(slot.process);
    slot.process.kill();
    if (!this.closed) slot.process = this.spawn();
  }

  private spawn(): ExtractorProcess {
    return new ExtractorProcess({
      timeoutMs: this.options.timeoutMs,
      maxMemoryMb: this.options.maxMemoryMb,
      sampleMs: this.options.sampleMs ?? 20,
    });
  }
}

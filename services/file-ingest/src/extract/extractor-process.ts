import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type ProcessMemory, readProcessMemory } from './process-memory.js';
import type { SandboxReply, SandboxRequest } from './sandbox-messages.js';
import { SOURCE_MODE_EXEC_ARGV } from './source-mode.js';
import { type Extracted, ExtractionCrashed, ExtractionRefused, type ProgressReporter } from './types.js';

export interface ExtractorOptions {
  timeoutMs: number;
  /** Resident memory of the whole process: heap, native allocations (canvas, wasm, Buffers), code. */
  maxMemoryMb: number;
  /** How often a running extraction's memory is read. */
  sampleMs: number;
}

/** What V8, the OCR engine's wasm or the allocator print when memory runs out, before they abort. */
const OUT_OF_MEMORY =
  /heap out of memory|heap limit|Fatal process out of memory|Cannot enlarge memory|bad_alloc/i;

/**
 * One extraction process. Worker threads share their process's memory, and their resource limits cover
 * only V8's heap: a canvas, the OCR engine's wasm memory or a decoded image are native allocations that
 * escape them. A process can be measured as a whole (its resident memory, read from /proc while it
 * works) and killed as a whole, so nothing a file does reaches the ingest worker.
 */
export class ExtractorProcess {
  /** Settles once the process has loaded its parsers: start-up never counts against a file's time. */
  readonly ready: Promise<void>;
  /** The most memory the process has held, as last read (MB). */
  peakMb = 0;
  /** What it holds once ready, before any file: its parsers' code and data (MB). */
  baselineMb = 0;
  /** What it held when last read: when it answered, or at its last watchdog reading. */
  lastMemory: ProcessMemory | undefined;
  private readonly child: ChildProcess;
  private stderrTail = '';

  constructor(private readonly options: ExtractorOptions) {
    this.child = spawnExtractor(options.maxMemoryMb);
    // Kept for the crash reason (V8 and wasm say "out of memory" there before they abort).
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-4096);
    });
    // A failed spawn emits `error` (and maybe no `exit`); `ready` below reports it.
    this.child.on('error', () => {});
    // An idle process never keeps the ingest worker alive (a running file's timers do, while it runs).
    this.child.unref();
    this.child.channel?.unref();
    (this.child.stderr as { unref?: () => void } | null)?.unref?.();
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: { type?: string }) => {
        if (message?.type !== 'ready') return;
        settle();
        this.baselineMb = this.sample()?.rssMb ?? 0;
        resolve();
      };
      const onGone = () => {
        settle();
        reject(new Error(`the extraction process failed to start: ${this.stderrTail.trim().slice(-300)}`));
      };
      const settle = () => {
        this.child.off('message', onMessage);
        this.child.off('exit', onGone);
        this.child.off('error', onGone);
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onGone);
      this.child.once('error', onGone);
    });
    // Nobody may be waiting yet; the failure is seen by the next run.
    this.ready.catch(() => {});
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && this.child.connected;
  }

  memory(): ProcessMemory | undefined {
    return this.child.pid === undefined ? undefined : readProcessMemory(this.child.pid);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  /**
   * Runs one extraction, once the process is ready. Rejects with ExtractionRefused (the file cannot be
   * read), ExtractionCrashed (out of memory, out of time, or the process died; it is dead or killed
   * then), or an Error (it failed to start, or a parser failed).
   */
  async run(request: SandboxRequest, progress: ProgressReporter): Promise<Extracted> {
    // Referenced while a file waits on it: a script that awaits a run must not exit under it.
    this.child.ref();
    this.child.channel?.ref();
    try {
      await this.ready;
      return await this.extract(request, progress);
    } finally {
      this.child.unref();
      this.child.channel?.unref();
    }
  }

  private extract(request: SandboxRequest, progress: ProgressReporter): Promise<Extracted> {
    const { child, options } = this;
    return new Promise<Extracted>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(watchdog);
        child.off('message', onMessage);
        child.off('close', onExit);
        outcome();
      };
      const crashed = (message: string, kind: 'memory' | 'time' | 'crash') => {
        this.kill();
        finish(() => reject(new ExtractionCrashed(message, kind)));
      };
      const outOfMemory = `extraction ran out of memory (limit ${options.maxMemoryMb} MB)`;
      const onMessage = (reply: SandboxReply) => {
        if (reply.id !== request.id) return;
        if (reply.type === 'progress') return progress(reply.fraction);
        this.sample();
        if (reply.type === 'done') return finish(() => resolve(reply.result));
        if (reply.outOfMemory) return crashed(outOfMemory, 'memory');
        const error = reply.refused ? new ExtractionRefused(reply.message) : new Error(reply.message);
        finish(() => reject(error));
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        const reason = OUT_OF_MEMORY.test(this.stderrTail)
          ? outOfMemory
          : signal === 'SIGKILL'
            ? 'the extraction process was killed (SIGKILL; the machine may have run out of memory)'
            : `the extraction process crashed (${signal ? `signal ${signal}` : `exit code ${code}`})`;
        finish(() => reject(new ExtractionCrashed(reason, reason === outOfMemory ? 'memory' : 'crash')));
      };
      const timer = setTimeout(
        () => crashed(`extraction took longer than ${options.timeoutMs / 1000} s`, 'time'),
        options.timeoutMs,
      );
      // The watchdog: resident memory past the limit ends the process at once.
      const watchdog = setInterval(() => {
        if ((this.sample()?.rssMb ?? 0) > options.maxMemoryMb) crashed(outOfMemory, 'memory');
      }, options.sampleMs);
      child.on('message', onMessage);
      // `close`, not `exit`: by then its stderr has been read to the end.
      child.once('close', onExit);
      child.send(request, (error) => {
        if (error) crashed(`the extraction process could not be reached: ${error.message}`, 'crash');
      });
    });
  }

  private sample(): ProcessMemory | undefined {
    const memory = this.memory();
    if (memory) this.peakMb = Math.max(this.peakMb, memory.peakMb);
    this.lastMemory = memory;
    return memory;
  }
}

function spawnExtractor(maxMemoryMb: number): ChildProcess {
  // The pathname: tsx's import API adds a query to the module URL.
  const fromSources = new URL(import.meta.url).pathname.endsWith('.ts');
  const entry = new URL(`./extract-child.${fromSources ? 'ts' : 'js'}`, import.meta.url);
  return fork(fileURLToPath(entry), [], {
    execArgv: [
      ...(fromSources ? SOURCE_MODE_EXEC_ARGV : []),
      // V8's own limit, so a heap that outgrows the process limit ends with V8's "out of memory".
      `--max-old-space-size=${maxMemoryMb}`,
    ],
    // Parsers need nothing from the environment, and get none of its secrets (keys, database URLs).
    env: {},
    // Structured clone: the file's bytes and the extracted text cross as they are, not as JSON.
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
}

import { existsSync, readFileSync } from 'node:fs';

export interface ProcessMemory {
  /** Resident memory now: the JavaScript heap, native allocations (canvas, wasm, Buffers) and code. */
  rssMb: number;
  /** The most it has been resident since it started (the kernel's high-water mark). */
  peakMb: number;
}

/**
 * Linux reports every process's memory in /proc; that is what the extraction watchdog reads. Elsewhere
 * (a developer's Mac) the watchdog has nothing to read and only V8's heap limit applies.
 */
export const canWatchMemory = existsSync('/proc/self/status');

/**
 * A process's memory, read synchronously: a few microseconds, and no wait behind the thread pool (an
 * asynchronous read could queue behind file I/O while the process grows). Undefined once it is gone.
 */
export function readProcessMemory(pid: number): ProcessMemory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch {
    return undefined;
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  const rss = kb('VmRSS');
  // A zombie (exited, not yet reaped) has no memory lines.
  if (!Number.isFinite(rss)) return undefined;
  return { rssMb: rss / 1024, peakMb: kb('VmHWM') / 1024 };
}

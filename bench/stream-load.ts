import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { WORK_TREE_ROOT } from './child-services.js';

/** What the load generator (gateway/stream-load.client.ts) is asked to do; see its Job. */
export interface StreamJob {
  urls: string[];
  headers: Record<string, string>;
  body: unknown;
  endMarker: string;
  concurrency: number;
  durationMs: number;
  firstTokens?: number;
  readWhole?: boolean;
  firstTokenMarker?: string;
  tailChars?: number;
}

export interface Sample {
  ttft: number;
  total: number;
}

export interface LoadResult {
  samples: Sample[];
  failures: number;
  failureExamples: string[];
  /** Whole answers per second the target sustained (see stream-load.client.ts). */
  answersPerSecond: number;
}

export interface Figures {
  requests: number;
  failures: number;
  rps: number;
  ttft50: number;
  ttft99: number;
  total50: number;
  total99: number;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Figures of one or more runs of the same target, their samples pooled (rounds of an alternation). */
export function figuresOf(...results: LoadResult[]): Figures {
  const samples = results.flatMap((result) => result.samples);
  const failures = results.reduce((sum, result) => sum + result.failures, 0);
  const ttft = samples.map((sample) => sample.ttft);
  const total = samples.map((sample) => sample.total);
  return {
    requests: samples.length + failures,
    failures,
    // Rounds run at the same concurrency, so the rate of their pool is their mean rate.
    rps: results.reduce((sum, result) => sum + result.answersPerSecond, 0) / results.length,
    ttft50: percentile(ttft, 50),
    ttft99: percentile(ttft, 99),
    total50: percentile(total, 50),
    total99: percentile(total, 99),
  };
}

/**
 * The load generator in a child process of its own, so that it does not share an event loop with
 * the bench or the servers it measures. It always runs from the work tree.
 */
export function loadStreams(job: StreamJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/gateway/stream-load.client.ts', JSON.stringify(job)],
      {
        cwd: WORK_TREE_ROOT,
        env: { PATH: process.env.PATH ?? '', TSX_TSCONFIG_PATH: join(WORK_TREE_ROOT, 'tsconfig.test.json') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    // Killed with the bench on any exit; otherwise it would keep loading servers that are stopping.
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      process.off('exit', kill);
      if (code !== 0) return reject(new Error(`load generator failed:\n${stderr}`));
      try {
        resolve(JSON.parse(stdout) as LoadResult);
      } catch {
        reject(new Error(`load generator printed no JSON:\n${stdout}${stderr}`));
      }
    });
  });
}

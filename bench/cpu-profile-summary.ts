import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where a process spent its CPU, from a V8 `.cpuprofile` (`node --cpu-prof`, or the registry bench with
 * BENCH_CPU_PROF=<dir>): self time by package, then the hottest functions.
 *
 *   node --import tsx bench/cpu-profile-summary.ts <file.cpuprofile> [--skip <seconds>] [--top <n>]
 *
 * `--skip` leaves out the first seconds (start-up: loading and compiling modules, migrations), so that
 * the figures describe serving requests. Idle time is never counted.
 */
interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame }>;
  samples: number[];
  timeDeltas: number[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** `pg`, `ioredis`, `@chatty/shared`, `node:internal/http`, or V8's own `(garbage collector)`. */
export function packageOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) {
    const parts = url.slice('node:'.length).split('/');
    return parts[0] === 'internal' ? `node:internal/${parts[1] ?? ''}` : `node:${parts[0]}`;
  }
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const modules = path.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const [scope, name] = path.slice(modules + '/node_modules/'.length).split('/');
    return scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? path);
  }
  const local = /^(packages|services)\/([^/]+)\//.exec(path.startsWith(ROOT) ? path.slice(ROOT.length) : '');
  if (local) return local[1] === 'packages' ? `@chatty/${local[2]}` : `services/${local[2]}`;
  return path;
}

function frameName(frame: CallFrame): string {
  const path = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
  const short = path.split('/node_modules/').pop()!.replace(ROOT, '');
  return `${frame.functionName || '(anonymous)'} ${short}:${frame.lineNumber + 1}`;
}

export function summarise(profile: CpuProfile, skipSeconds: number) {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, { frame: CallFrame; micros: number }>();
  let elapsed = 0;
  let total = 0;
  for (const [index, id] of profile.samples.entries()) {
    // A sample's delta is the time since the previous one; it is charged to this sample's frame.
    const micros = profile.timeDeltas[index] ?? 0;
    elapsed += micros;
    const frame = frames.get(id)!;
    if (elapsed < skipSeconds * 1e6 || frame.functionName === '(idle)') continue;
    total += micros;
    const name = packageOf(frame);
    byPackage.set(name, (byPackage.get(name) ?? 0) + micros);
    const key = frameName(frame);
    const entry = byFunction.get(key) ?? { frame, micros: 0 };
    entry.micros += micros;
    byFunction.set(key, entry);
  }
  return { total, byPackage, byFunction };
}

/** Prints a profile's busy time, its self time by package and its hottest functions. */
export function printSummary(profile: CpuProfile, skipSeconds: number, top: number): void {
  const { total, byPackage, byFunction } = summarise(profile, skipSeconds);
  const share = (micros: number) => `${((100 * micros) / total).toFixed(1).padStart(5)} %`;
  console.log(`busy (not idle) CPU time: ${(total / 1e6).toFixed(2)} s\n\nself time by package`);
  for (const [name, micros] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${share(micros)}  ${name}`);
  }
  console.log('\nhottest functions (self time)');
  for (const [key, { frame, micros }] of [...byFunction]
    .sort((a, b) => b[1].micros - a[1].micros)
    .slice(0, top)) {
    console.log(`  ${share(micros)}  ${packageOf(frame).padEnd(28)} ${key}`);
  }
}

function main(argv: string[]) {
  const file = argv.find((arg, index) => !arg.startsWith('--') && !argv[index - 1]?.startsWith('--'));
  if (!file) throw new Error('usage: cpu-profile-summary.ts <file.cpuprofile> [--skip <s>] [--top <n>]');
  const option = (name: string, fallback: number) => {
    const index = argv.indexOf(`--${name}`);
    return index === -1 ? fallback : Number(argv[index + 1]);
  };
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  printSummary(profile, option('skip', 0), option('top', 20));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CpuProfile, printSummary } from '../cpu-profile-summary.js';

const TOP = 12;

/**
 * The main thread's profile in `dir` (`CPU.<date>.<time>.<pid>.0.001.cpuprofile`; tsx's module-loading
 * thread writes another), summarised from `skipSeconds` after the process started: the set-up before
 * the measured messages is left out.
 */
export function summariseProfiles(dir: string, skipSeconds: number): void {
  const main = existsSync(dir)
    ? readdirSync(dir).find((name) => /\.0\.\d+\.cpuprofile$/.test(name))
    : undefined;
  if (!main) {
    console.log(`no main-thread profile in ${dir}`);
    return;
  }
  console.log(join(dir, main));
  printSummary(JSON.parse(readFileSync(join(dir, main), 'utf8')) as CpuProfile, skipSeconds, TOP);
}

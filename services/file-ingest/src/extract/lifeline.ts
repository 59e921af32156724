import { Worker } from 'node:worker_threads';

/**
 * Ends this extraction process once the ingest worker that started it is gone (killed with SIGKILL, it
 * could not take its children along). The IPC channel's `disconnect` does that too, but only when the
 * main thread is free, and a parser stuck in a loop never frees it: an orphan would spin forever. So a
 * small thread of its own checks the parent every half second, whatever the main thread is doing.
 */
export function exitWithParent(): void {
  const lifeline = new Worker(
    `const { workerData: parent } = require('node:worker_threads');
     setInterval(() => { if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL'); }, 500);`,
    { eval: true, workerData: process.ppid, resourceLimits: { maxOldGenerationSizeMb: 8 } },
  );
  // Not a reason to stay alive: the process ends when its main thread is done.
  lifeline.unref();
}

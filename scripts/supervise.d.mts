// Types for supervise.mjs, so its unit test (test/supervise.test.ts) type-checks; start.mjs is plain JS.
export declare const RESTART_FIRST_DELAY_MS: number;
export declare const RESTART_MAX_DELAY_MS: number;
export declare const HEALTHY_UPTIME_MS: number;
export declare const READY_TIMEOUT_MS: number;

export declare function restartDelay(failures: number): number;

/** What the supervisor needs of a child process. */
export interface SupervisedProcess {
  readonly pid?: number | undefined;
  kill(signal: NodeJS.Signals): boolean;
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
}

export interface Supervisor {
  readonly stopping: boolean;
  start(): Promise<string[]>;
  stop(): void;
  kill(): void;
}

export declare function createSupervisor<S extends { name: string }>(options: {
  services: S[];
  spawnService(service: S): SupervisedProcess;
  waitUntilReady(service: S, isCurrent: () => boolean, timeoutMs: number): Promise<boolean>;
  say(message: string): void;
  exit(code: number): void;
}): Supervisor;

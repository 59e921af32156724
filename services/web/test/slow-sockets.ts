import { fork } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { AttackCommand, AttackReport, HeldSocket, SlowAttackOptions } from './slow-attack.js';

export type { HeldSocket, SlowKind } from './slow-attack.js';

export interface SlowAttack {
  /** Sockets open right now (as last reported, every 50 ms). */
  held(): number;
  /** Stops reopening the sockets the server closes. */
  stop(): void;
  /** Closes what is left, and tells what became of every socket. */
  finish(): Promise<HeldSocket[]>;
}

/** Starts slow-attack.ts in a process of its own (see there) and waits until its sockets are open. */
export async function launchSlowAttack(options: SlowAttackOptions, expectHeld: number): Promise<SlowAttack> {
  const child = fork(fileURLToPath(new URL('./slow-attack.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let held = 0;
  let report: ((sockets: HeldSocket[]) => void) | undefined;
  child.on('message', (message: AttackReport) => {
    if ('held' in message) held = message.held;
    else report?.(message.sockets);
  });
  const command = (message: AttackCommand) => child.send(message);
  command({ start: options });
  const deadline = Date.now() + 10_000;
  while (held < expectHeld && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return {
    held: () => held,
    stop: () => command({ stop: true }),
    finish: () =>
      new Promise((resolve) => {
        report = resolve;
        command({ report: true });
      }),
  };
}

export interface Timed {
  status: number;
  ms: number;
  body: string;
}

/** One request on a connection of its own (so every sample includes accepting a new connection). */
export function timedGet(
  url: string,
  headers: Record<string, string>,
  { localAddress, timeoutMs = 3000 }: { localAddress?: string; timeoutMs?: number } = {},
): Promise<Timed> {
  const started = performance.now();
  return new Promise((resolve) => {
    const done = (status: number, body: string) => resolve({ status, ms: performance.now() - started, body });
    const outgoing = request(url, { headers, agent: false, localAddress }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => done(response.statusCode ?? 0, body));
      response.on('error', () => done(0, body));
    });
    const timer = setTimeout(() => outgoing.destroy(new Error('timed out')), timeoutMs);
    outgoing.on('close', () => clearTimeout(timer));
    outgoing.on('error', () => done(0, ''));
    outgoing.end();
  });
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/**
 * Sends `head`, then `body` in pieces of `chunkBytes` every `everyMs`, and resolves with the final
 * answer (an interim `100 Continue` left out).
 */
export function sendPaced(
  port: number,
  head: string,
  body: Buffer,
  { chunkBytes, everyMs }: { chunkBytes: number; everyMs: number },
): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect({ port, host: '127.0.0.1' }, () => {
      socket.write(head);
      let offset = 0;
      const timer = setInterval(() => {
        socket.write(body.subarray(offset, offset + chunkBytes));
        offset += chunkBytes;
        if (offset >= body.length) clearInterval(timer);
      }, everyMs);
      socket.on('close', () => clearInterval(timer));
    });
    socket.on('data', (chunk) => {
      answer = (answer + chunk.toString('utf8')).replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
      // One whole answer (JSON, with its length known) is all this exchange waits for.
      const length = /content-length: (\d+)/i.exec(answer)?.[1];
      const start = answer.indexOf('\r\n\r\n');
      if (length && start >= 0 && Buffer.byteLength(answer.slice(start + 4)) >= Number(length)) socket.end();
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(answer));
  });
}

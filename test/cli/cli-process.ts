import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../start-harness.js';

/** The command as npm links it (node_modules/.bin/chatty → packages/cli/bin/chatty.js). */
const CHATTY = join(ROOT, 'packages/cli/bin/chatty.js');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `chatty …` to its end with `input` on stdin (a pipe: the non-interactive mode). */
export function runChatty(args: string[], env: Record<string, string>, input = ''): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CHATTY, ...args],
      { env: { ...process.env, ...env }, cwd: env.HOME ?? ROOT, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
    child.stdin!.end(input);
  });
}

/**
 * Runs `chatty …` with its stdout a pipe whose reader is gone before it writes (`chatty … | true`):
 * each write fails with EPIPE. Resolves with how it ended and how long it took.
 */
export function runChattyIntoClosedPipe(
  args: string[],
  env: Record<string, string>,
  input = '',
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [CHATTY, ...args], {
    env: { ...process.env, ...env },
    cwd: env.HOME ?? ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // The read end closes at once: the command has not connected to the server yet, let alone written.
  child.stdout!.destroy();
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  child.stdin!.end(input);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stderr, ms: Date.now() - started }));
  });
}

export interface Terminal {
  child: ChildProcess;
  /** Everything the terminal showed so far. */
  screen(): string;
  write(text: string): void;
  /** Waits until the screen, after `from` characters, matches. */
  waitFor(pattern: RegExp, from?: number, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

/**
 * Runs `chatty …` in a pseudo-terminal through util-linux `script`, as a person would: stdin is a TTY,
 * keys (Ctrl-C as \x03) reach it through the terminal, and the screen is what it drew.
 */
export function chattyInTerminal(args: string[], env: Record<string, string>): Terminal {
  const quoted = [process.execPath, CHATTY, ...args]
    .map((part) => `'${part.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  const child = spawn('script', ['-q', '-e', '-c', `stty cols 100 rows 40; exec ${quoted}`, '/dev/null'], {
    // A person's colour terminal, also on CI: with CI set and no FORCE_COLOR, chalk (and so the
    // Markdown renderer) drops every style, whatever the terminal.
    env: { ...process.env, ...env, TERM: 'xterm-256color', FORCE_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  child.stdout!.on('data', (chunk) => (screen += chunk));
  child.stderr!.on('data', (chunk) => (screen += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    screen: () => screen,
    write: (text) => child.stdin!.write(text),
    async waitFor(pattern, from = 0, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const match = pattern.exec(screen.slice(from));
        if (match) return match[0];
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`the terminal never showed ${pattern}; it shows:\n${screen.slice(from)}`);
    },
    exited,
  };
}

import { pino, type Logger } from 'pino';

/** Paths whose values never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-service-token"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.secret',
  '*.apiKey',
  'password',
  'token',
  'secret',
];

export interface LoggerOptions {
  name: string;
  level: string;
  debug?: string | undefined;
}

export function createLogger({ name, level, debug }: LoggerOptions): Logger {
  return pino({
    name,
    level: debugEnabled(debug) ? 'debug' : level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  });
}

/** `DEBUG=gpt:*`, `DEBUG=*` or a list holding either turns on debug logging. */
function debugEnabled(debug: string | undefined): boolean {
  if (!debug) return false;
  return debug
    .split(/[\s,]+/)
    .some((pattern) => pattern === '*' || pattern.startsWith('gpt:') || pattern.startsWith('chatty:'));
}

export type { Logger };

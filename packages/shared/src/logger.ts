import { type DestinationStream, type Logger, pino } from 'pino';

/** Paths whose values never reach a log line. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-service-token"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'req.headers["x-password"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
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
  /** Where lines go; stdout unless a test captures them. */
  destination?: DestinationStream;
}

export function createLogger({ name, level, debug, destination }: LoggerOptions): Logger {
  const options = {
    name,
    level: debugEnabled(debug) ? 'debug' : level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** `DEBUG=gpt:*`, `DEBUG=*` or a list holding either turns on debug logging. */
function debugEnabled(debug: string | undefined): boolean {
  if (!debug) return false;
  return debug
    .split(/[\s,]+/)
    .some((pattern) => pattern === '*' || pattern.startsWith('gpt:') || pattern.startsWith('chatty:'));
}

export type { Logger };

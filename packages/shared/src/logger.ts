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

/**
 * Path segments that are secrets themselves, masked wherever a request's URL is logged: a workspace
 * invitation's token (`/api/invitations/:token`, `/api/invitations/:token/accept`; clients use these
 * paths, so the token stays in them). Admin invitations carry theirs in the body, redacted as `*.token`.
 * Any case and doubled slashes too: such a path is an unknown route, but it is logged all the same.
 */
const SECRET_PATH_SEGMENT = /(\/api\/+invitations\/+)[^/?#]+/gi;

/** The URL as it may be logged: secret path segments read `***`. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PATH_SEGMENT, '$1***');
}

/** What a request shows in a log line (the fields Fastify's own serializer picks), its URL redacted. */
interface LoggedRequest {
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number } | null;
}

const SERIALIZERS = {
  req: (req: LoggedRequest) => ({
    method: req.method,
    url: typeof req.url === 'string' ? redactUrl(req.url) : req.url,
    version: req.headers?.['accept-version'],
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  }),
};

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
    // Fastify's request log uses these over its own (a logger instance's serializers win).
    serializers: SERIALIZERS,
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

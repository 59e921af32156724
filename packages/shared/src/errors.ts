/**
 * A failure the caller can act on. Repositories and services throw these; one Fastify error handler
 * turns them into `{ error: { code, message } }` with `statusCode`.
 */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (code: string, message: string) => new AppError(400, code, message);
export const unauthorized = (message = 'Authentication required') =>
  new AppError(401, 'UNAUTHORIZED', message);
export const forbidden = (code: string, message: string) => new AppError(403, code, message);
/** Another user's object and a missing one answer alike, so ids cannot be probed. */
export const notFound = (what: string) => new AppError(404, 'NOT_FOUND', `${what} not found`);
export const conflict = (code: string, message: string) => new AppError(409, code, message);
/**
 * A per-user limit (quota) reached. 409, not 403: the caller may do this, only not now — the refusal
 * depends on what is stored, and deleting something makes the same request succeed.
 */
export const quotaExceeded = (message: string) => new AppError(409, 'QUOTA_EXCEEDED', message);
export const tooManyRequests = (
  retryAfterSeconds: number,
  message = `Too many attempts; retry in ${retryAfterSeconds} s`,
) => new AppError(429, 'RATE_LIMITED', message, { 'retry-after': String(retryAfterSeconds) });

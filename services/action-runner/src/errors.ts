import { AppError } from '@chatty/shared';

/** The destination is refused by the egress policy; nothing was sent to it. */
export const egressDenied = (reason: string) => new AppError(403, 'EGRESS_DENIED', reason);
export const actionTimeout = (ms: number) =>
  new AppError(504, 'ACTION_TIMEOUT', `The action's target did not answer within ${ms} ms`);
export const actionUnreachable = (message: string) => new AppError(502, 'ACTION_UNREACHABLE', message);
export const tooManyRedirects = (max: number) =>
  new AppError(502, 'ACTION_TOO_MANY_REDIRECTS', `The target redirected more than ${max} times`);
export const invalidArgument = (message: string) => new AppError(400, 'INVALID_ARGUMENT', message);
export const invalidAction = (message: string) => new AppError(400, 'INVALID_ACTION', message);

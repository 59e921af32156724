import type { ActionCall, RuntimeAction } from '@chatty/contracts';
import { AppError } from '@chatty/shared';
import type { RegistryApi } from '../clients/registry.client.js';

const RESULT_LIMIT = 4000;

export interface ActionOutcome {
  call: ActionCall;
  /** What the model is told: the action's answer, cut to a size a prompt can hold, or the failure. */
  text: string;
}

/** Runs an action through the registry (which decrypts its secrets and records the run). */
export async function runAction(
  registry: RegistryApi,
  action: RuntimeAction,
  args: Record<string, unknown>,
  context: { userId: string; sessionId?: string; requestId?: string; signal: AbortSignal },
): Promise<ActionOutcome> {
  const started = performance.now();
  const base = { actionId: action.id, name: action.name, arguments: args };
  try {
    const result = await registry.executeAction(
      action.id,
      { userId: context.userId, arguments: args, ...(context.sessionId && { sessionId: context.sessionId }) },
      { requestId: context.requestId, signal: context.signal, timeoutMs: 30_000 },
    );
    const httpStatus = typeof result.status === 'number' ? result.status : undefined;
    const ok = httpStatus === undefined || httpStatus < 400;
    const payload = 'body' in result ? result.body : result;
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    return {
      call: {
        ...base,
        status: ok ? 'ok' : 'error',
        ...(httpStatus !== undefined && { httpStatus }),
        durationMs: Math.round(performance.now() - started),
      },
      text: text.length > RESULT_LIMIT ? `${text.slice(0, RESULT_LIMIT)}… (cut)` : text,
    };
  } catch (error) {
    if (context.signal.aborted) throw error;
    const message = error instanceof AppError ? `${error.code}: ${error.message}` : 'the action failed';
    return {
      call: { ...base, status: 'error', error: message, durationMs: Math.round(performance.now() - started) },
      text: `The action failed (${message}).`,
    };
  }
}

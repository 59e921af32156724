import type { ChatStreamEventData, Decision, RuntimeAction } from '@chatty/contracts';

import { type ActionOutcome, runAction } from './run-action.js';
import type { TurnDeps, TurnInput } from './run-turn.js';

/** What the user is asked to allow (a `confirm` event without its id): the action and the model's arguments. */
export type CallToConfirm = Omit<ChatStreamEventData<'confirm'>, 'id'>;

/**
 * Asks the user to allow a call and waits for the answer. `signal` is the turn's: the wait ends with
 * the turn, whether its client went away or its GPT was deleted meanwhile.
 */
export type Confirm = (call: CallToConfirm, signal: AbortSignal) => Promise<Decision | 'timeout'>;

const REFUSALS = {
  CONFIRMATION_REQUIRED:
    'This action changes something and needs the user to confirm it, which this client cannot do ' +
    '(the chat over Server-Sent Events can); it was not run.',
  REFUSED_BY_USER: 'The user refused this action; it was not run. Do not call it again for this request.',
  CONFIRMATION_TIMEOUT: 'The user did not confirm this action in time; it was not run.',
} as const;

/**
 * Runs an action the model (or the message) asked for, unless it changes something: then only once
 * the user allows it. Text the model read — a knowledge file, another action's answer — can ask it to
 * call anything; the user's confirmation is what stands between that text and a side effect.
 */
export async function runGuardedAction(
  deps: TurnDeps,
  input: TurnInput,
  action: RuntimeAction,
  args: Record<string, unknown>,
): Promise<ActionOutcome & { waitedMs: number }> {
  const started = Date.now();
  if (action.needsConfirmation) {
    const decision = input.confirm
      ? await input.confirm(
          {
            actionId: action.id,
            action: action.name,
            method: action.method,
            arguments: args,
          },
          input.signal,
        )
      : undefined;
    if (decision !== 'allow') {
      const code =
        decision === undefined
          ? 'CONFIRMATION_REQUIRED'
          : decision === 'timeout'
            ? 'CONFIRMATION_TIMEOUT'
            : 'REFUSED_BY_USER';
      deps.log.info({ actionId: action.id, code }, 'action not run: not confirmed');
      input.events.action({ name: action.name, status: 'refused' });
      return {
        call: {
          actionId: action.id,
          name: action.name,
          arguments: args,
          status: 'refused',
          error: code,
          durationMs: 0,
        },
        text: REFUSALS[code],
        waitedMs: Date.now() - started,
      };
    }
  }
  const waitedMs = Date.now() - started;
  input.events.action({ name: action.name, status: 'running' });
  const outcome = await runAction(deps.registry, action, args, {
    userId: input.userId,
    signal: input.signal,
    ...(input.sessionId && { sessionId: input.sessionId }),
    ...(input.requestId && { requestId: input.requestId }),
  });
  input.events.action({ name: action.name, status: outcome.call.status });
  return { ...outcome, waitedMs };
}

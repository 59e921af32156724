import {
  type ActionRequestSpec,
  type ActionResult,
  type ArgumentValues,
  RUNNER_INTERNAL_ROUTES,
} from '@chatty/contracts';
import { AppError, callRoute, notFound, type ServiceClient } from '@chatty/shared';
import type { FastifyBaseLogger } from 'fastify';
import { findAction } from '../db/action.repository.js';
import { recordActionRun } from '../db/action-run.repository.js';
import type { Db } from '../db/index.js';
import type { ActionRow, ActionRunTable } from '../db/schema.js';
import type { ActionFields } from './action-input.js';
import { hostOf } from './action-input.js';
import { checkArguments } from './check-arguments.js';
import { redactSecrets } from './redact-secrets.js';
import { SecretDecryptionError, type SecretKeys } from './secret-box.js';
import { splitHeaders, splitParameters } from './secret-headers.js';
import { openAction } from './stored-action.js';

export interface ActionCall {
  /** Who runs it (recorded in the run). */
  userId: string;
  /** The GPT's owner when someone it is shared with runs it from a chat (access checked by the caller). */
  ownerId?: string | undefined;
  actionId: string;
  arguments: ArgumentValues;
  sessionId?: string | undefined;
  requestId: string;
  log: FastifyBaseLogger;
}

/** How the registry runs an action; the public and the internal execute routes share it. */
export type ActionExecutor = (call: ActionCall) => Promise<ActionResult>;

/**
 * Finds the caller's action, checks the arguments, decrypts the secrets just for this call, hands the
 * resolved request to the action-runner, masks any secret the target echoed back, and records the run (who, where, how it went; never secret
 * values or bodies), whether it succeeded, was refused or failed.
 */
export function createActionExecutor({
  db,
  key,
  runner,
}: {
  db: Db;
  key: SecretKeys;
  runner: ServiceClient;
}) {
  const execute: ActionExecutor = async (call) => {
    const row = await findAction(db, call.ownerId ?? call.userId, call.actionId);
    if (!row) throw notFound('Action');
    checkArguments(row.arguments, call.arguments);
    const fields = readSecrets(row, key, call.log);
    const spec = specOf(fields, call.arguments);

    const started = performance.now();
    let result: ActionResult | undefined;
    let failure: unknown;
    try {
      result = await callRoute(runner, RUNNER_INTERNAL_ROUTES.execute, {
        body: spec,
        requestId: call.requestId,
      });
    } catch (error) {
      failure = error;
    }
    const run = runOf(row, call, result, failure, Math.round(performance.now() - started));
    await recordActionRun(db, run);
    call.log.info(
      {
        gptId: row.gpt_id,
        actionId: row.id,
        targetHost: run.target_host,
        outcome: run.outcome,
        status: run.status,
        durationMs: run.duration_ms,
      },
      'action run',
    );
    if (failure !== undefined) throw failure;
    const secretValues = [
      ...Object.values(splitHeaders(fields.headers).secret),
      ...Object.values(splitParameters(fields.parameters).secret),
    ];
    return redactSecrets(result!, secretValues);
  };
  return execute;
}

function readSecrets(row: ActionRow, key: SecretKeys, log: FastifyBaseLogger): ActionFields {
  try {
    return openAction(row, key);
  } catch (error) {
    if (!(error instanceof SecretDecryptionError)) throw error;
    log.error({ actionId: row.id }, 'action secrets failed to decrypt');
    throw new AppError(
      409,
      'ACTION_SECRETS_UNREADABLE',
      "The action's secret headers cannot be decrypted; enter them again",
    );
  }
}

/** Parameters travel as the query of a GET or DELETE and as the JSON body of a POST or PUT. */
function specOf(fields: ActionFields, args: ArgumentValues): ActionRequestSpec {
  const inBody = fields.method === 'POST' || fields.method === 'PUT';
  const hasParameters = Object.keys(fields.parameters).length > 0;
  return {
    method: fields.method,
    url: fields.url,
    headers: fields.headers,
    query: inBody ? {} : fields.parameters,
    body: inBody && hasParameters ? fields.parameters : null,
    arguments: args,
  };
}

const OUTCOMES: Record<string, ActionRunTable['outcome']> = {
  EGRESS_DENIED: 'denied',
  ACTION_TIMEOUT: 'timeout',
  ACTION_UNREACHABLE: 'unreachable',
  ACTION_TOO_MANY_REDIRECTS: 'unreachable',
  ACTION_BAD_REDIRECT: 'unreachable',
};

function runOf(
  row: ActionRow,
  call: ActionCall,
  result: ActionResult | undefined,
  failure: unknown,
  durationMs: number,
) {
  const code = failure instanceof AppError ? failure.code : failure ? 'INTERNAL_ERROR' : null;
  return {
    gpt_id: row.gpt_id,
    action_id: row.id,
    action_name: row.name,
    user_id: call.userId,
    session_id: call.sessionId ?? null,
    method: row.method,
    target_host: hostOf(row.url),
    outcome: result ? ('ok' as const) : (OUTCOMES[code ?? ''] ?? ('error' as const)),
    status: result?.status ?? null,
    error_code: code,
    response_bytes: result ? Buffer.byteLength(result.body) : null,
    duration_ms: durationMs,
  };
}

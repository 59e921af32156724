import { type Action, type ActionRun, needsConfirmation, type RuntimeAction } from '@chatty/contracts';
import type { ActionRow, ActionRunRow } from '../db/schema.js';

/** The public form: `headers` as stored, where secret values are already `***`. */
export function toAction(row: ActionRow): Action {
  return {
    id: row.id,
    gptId: row.gpt_id,
    name: row.name,
    toolName: row.tool_name,
    description: row.description,
    url: row.url,
    method: row.method,
    headers: row.headers,
    parameters: row.parameters,
    arguments: row.arguments,
    isActive: row.is_active,
    confirmation: row.confirmation,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toRuntimeAction(row: ActionRow): RuntimeAction {
  return {
    id: row.id,
    name: row.name,
    toolName: row.tool_name,
    description: row.description,
    arguments: row.arguments,
    method: row.method,
    needsConfirmation: needsConfirmation(row.method, row.confirmation),
  };
}

export function toActionRun(row: ActionRunRow): ActionRun {
  return {
    id: row.id,
    actionId: row.action_id,
    actionName: row.action_name,
    userId: row.user_id,
    sessionId: row.session_id,
    method: row.method,
    targetHost: row.target_host,
    outcome: row.outcome,
    status: row.status,
    errorCode: row.error_code,
    responseBytes: row.response_bytes,
    durationMs: row.duration_ms,
    createdAt: row.created_at.toISOString(),
  };
}

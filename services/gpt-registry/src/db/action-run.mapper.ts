import type { ActionRun } from '@chatty/contracts';
import type { ActionRunRow } from './schema.js';

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

import { type Action, needsConfirmation, type RuntimeAction } from '@chatty/contracts';
import type { ActionRow } from './schema.js';

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

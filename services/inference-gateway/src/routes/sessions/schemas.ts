import type { Message, Session } from '@chatty/contracts';
import type { MessageRow, SessionRow } from '../../db/schema.js';

export function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    gptId: row.gpt_id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    role: row.role,
    content: row.content,
    ...(row.model && { model: row.model }),
    ...(row.citations && { citations: row.citations }),
    ...(row.action_calls && { actionCalls: row.action_calls }),
    ...(row.web_searches && { searches: row.web_searches }),
    createdAt: row.created_at.toISOString(),
  };
}

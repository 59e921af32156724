import type { ColumnType, Generated, Kysely, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

export interface Citation {
  fileId: string;
  fileName: string;
  page: number | null;
  /** Source code: its language, and the start of the cited passage, so it can be shown highlighted. */
  language?: string;
  excerpt?: string;
}

export interface ActionCall {
  actionId: string;
  name: string;
  arguments: Record<string, unknown>;
  status: 'ok' | 'error';
  /** The HTTP status the action answered with, when it answered. */
  httpStatus?: number;
  error?: string;
  durationMs: number;
}

export interface ChatSessionTable {
  id: Generated<string>;
  user_id: string;
  gpt_id: string;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface ChatMessageTable {
  id: Generated<string>;
  seq: Generated<string>;
  session_id: string;
  role: 'user' | 'assistant';
  content: string;
  citations: Json<Citation[]> | null;
  action_calls: Json<ActionCall[]> | null;
  model: string | null;
  created_at: CreatedAt;
}

export interface GatewayDatabase {
  chat_session: ChatSessionTable;
  chat_message: ChatMessageTable;
}

export type Db = Kysely<GatewayDatabase>;
export type SessionRow = Selectable<ChatSessionTable>;
export type MessageRow = Selectable<ChatMessageTable>;

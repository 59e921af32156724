// A message stores what the API shows: the chat contracts' shapes.
import type { ActionCall, Citation, WebSearchRecord } from '@chatty/contracts';
import type { ColumnType, Generated, Kysely, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

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
  web_searches: Json<WebSearchRecord[]> | null;
  model: string | null;
  created_at: CreatedAt;
}

export interface ModelUsageTable {
  /** The UTC day, `YYYY-MM-DD`. */
  day: ColumnType<string, string, never>;
  user_id: string;
  gpt_id: string | null;
  model: string;
  provider: string;
  requests: Generated<number>;
  prompt_tokens: ColumnType<string, number | undefined, number>;
  completion_tokens: ColumnType<string, number | undefined, number>;
}

export interface GatewayDatabase {
  chat_session: ChatSessionTable;
  chat_message: ChatMessageTable;
  model_usage: ModelUsageTable;
}

export type Db = Kysely<GatewayDatabase>;
export type SessionRow = Selectable<ChatSessionTable>;
export type MessageRow = Selectable<ChatMessageTable>;

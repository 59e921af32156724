import type { ColumnType, Generated, Kysely, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

export interface FileCitation {
  fileId: string;
  fileName: string;
  page: number | null;
  /** Source code: its language, and the start of the cited passage, so it can be shown highlighted. */
  language?: string;
  excerpt?: string;
}

/** A web page among the results of a web search the answer drew on. */
export interface WebCitation {
  url: string;
  title: string;
}

export type Citation = FileCitation | WebCitation;

/** A web search made while answering: what was asked, and how many results came back. */
export interface WebSearchRecord {
  query: string;
  status: 'ok' | 'error';
  results: number;
  error?: string;
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

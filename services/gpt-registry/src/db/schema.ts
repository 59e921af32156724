import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

export interface AppUserTable {
  id: Generated<string>;
  email: string;
  name: string | null;
  password_hash: string;
  role: 'admin' | 'user';
  created_at: CreatedAt;
}

export interface ApiKeyTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  key_hash: string;
  key_prefix: string;
  created_at: CreatedAt;
  last_used_at: Date | null;
}

export interface GptCapabilities {
  webSearch: boolean;
  canvas: boolean;
  imageGeneration: boolean;
  codeInterpreter: boolean;
}

export interface GptTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  description: string;
  instructions: string;
  conversation_starters: Json<string[]>;
  avatar: string | null;
  capabilities: Json<GptCapabilities>;
  model_id: string;
  is_active: boolean;
  version: number;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface GptVersionTable {
  gpt_id: string;
  version: number;
  snapshot: Json<Record<string, unknown>>;
  created_at: CreatedAt;
}

/** Carried over from the seed; the knowledge-file issue fills it. Blobs live in object storage. */
export interface GptFileTable {
  id: Generated<string>;
  gpt_id: string;
  filename: string;
  original_name: string;
  mime_type: string;
  size: number;
  storage_key: string;
  sha256: string;
  status: 'queued' | 'processing' | 'ready' | 'failed';
  progress: number;
  error: string | null;
  page_count: number | null;
  char_count: number | null;
  chunk_count: number | null;
  is_active: boolean;
  uploaded_at: CreatedAt;
}

/** Carried over from the seed; the actions issue fills it. */
export interface GptActionTable {
  id: Generated<string>;
  gpt_id: string;
  name: string;
  description: string;
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers: Json<Record<string, string>>;
  parameters: Json<Record<string, string>>;
  is_active: boolean;
  created_at: CreatedAt;
}

export interface RegistryDatabase {
  app_user: AppUserTable;
  api_key: ApiKeyTable;
  gpt: GptTable;
  gpt_version: GptVersionTable;
  gpt_file: GptFileTable;
  gpt_action: GptActionTable;
}

export type UserRow = Selectable<AppUserTable>;
export type GptRow = Selectable<GptTable>;
export type NewGpt = Insertable<GptTable>;
export type GptPatch = Updateable<GptTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;

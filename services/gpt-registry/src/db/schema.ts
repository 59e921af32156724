import type { ColumnType, Generated, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

export interface AppUserTable {
  id: Generated<string>;
  email: string;
  name: string | null;
  password_hash: string;
  role: 'admin' | 'user';
  created_at: CreatedAt;
  /** Set by an admin: the account cannot sign in, its sessions are ended and its keys stop working. */
  disabled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** A signed-in session; its id is the token's `jti`, so ending the row ends the token. */
export interface UserSessionTable {
  id: Generated<string>;
  user_id: string;
  user_agent: string | null;
  created_at: CreatedAt;
  expires_at: Date;
  revoked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface ApiKeyTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  key_hash: string;
  key_prefix: string;
  created_at: CreatedAt;
  last_used_at: Date | null;
  scope: ColumnType<ApiKeyScope, ApiKeyScope | undefined, ApiKeyScope>;
  expires_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export type ApiKeyScope = 'chat' | 'read' | 'full';

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
  /** Chat sessions ever started with it (the gateway reports each); the catalogue shows it. */
  conversation_count: Generated<number>;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
  /** Set while the GPT is being deleted: it is gone to every lookup, and no new session may start. */
  deleting_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** A GPT as it was at one version; its avatar is not in `snapshot` but in gpt_avatar, by hash. */
export interface GptVersionTable {
  gpt_id: string;
  version: number;
  snapshot: Json<Record<string, unknown>>;
  avatar_sha256: string | null;
  /** Who saved this version; null once that account is deleted. */
  author_id: ColumnType<string | null, string | null | undefined, never>;
  created_at: CreatedAt;
}

/** Each distinct avatar of a GPT once, keyed by the SHA-256 (hex) of its data URL. */
export interface GptAvatarTable {
  gpt_id: string;
  sha256: string;
  data_url: string;
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

/** An action of a GPT. Secret headers live only in `secret_headers`, encrypted (see secret-box.ts). */
export interface GptActionTable {
  id: string;
  gpt_id: string;
  /** The display name: any text. */
  name: string;
  /** What a model calls it by: derived from the name, unique within the GPT. */
  tool_name: string;
  description: string;
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The non-secret headers. */
  headers: Json<Record<string, string>>;
  parameters: Json<Record<string, string>>;
  arguments: Json<ActionArgumentColumn[]>;
  /** AES-256-GCM ciphertext of a JSON map of the secret headers, or null when there are none. */
  secret_headers: string | null;
  /** The same for parameters that carry credentials; `parameters` shows them as `***`. */
  secret_parameters: ColumnType<string | null, string | null | undefined, string | null>;
  is_active: boolean;
  /** Whether a chat asks the user first: `auto` for POST, PUT and DELETE. */
  confirmation: ColumnType<ActionConfirmation, ActionConfirmation | undefined, ActionConfirmation>;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export type ActionConfirmation = 'auto' | 'always' | 'never';

export interface ActionArgumentColumn {
  name: string;
  type: 'string' | 'number' | 'integer' | 'boolean';
  description: string;
  required: boolean;
}

/** One execution of an action: who, what, where, how it went. Never secret values or bodies. */
export interface ActionRunTable {
  id: Generated<string>;
  gpt_id: string;
  action_id: string | null;
  action_name: string;
  user_id: string;
  session_id: string | null;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  target_host: string;
  outcome: 'ok' | 'denied' | 'timeout' | 'unreachable' | 'error';
  status: number | null;
  error_code: string | null;
  response_bytes: number | null;
  duration_ms: number;
  created_at: CreatedAt;
  /** When its GPT was deleted: the run is kept (the audit) until ACTION_RUN_RETENTION_DAYS after. */
  gpt_deleted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** A GPT's persistent context for one user (GET/PUT /api/gpts/:id/context). */
export interface GptContextTable {
  gpt_id: string;
  user_id: string;
  context: string;
  updated_at: Generated<Date>;
}

/** Object-storage prefixes whose rows are deleted and whose objects still have to go. */
export interface BlobDeletionTable {
  prefix: string;
  attempts: Generated<number>;
  created_at: CreatedAt;
}

export type WorkspaceRole = 'owner' | 'admin' | 'member';
export type SharePermission = 'chat' | 'edit';

export interface WorkspaceTable {
  id: Generated<string>;
  name: string;
  /** The account whose personal workspace this is; null for a team. */
  personal_user_id: string | null;
  created_at: CreatedAt;
}

export interface WorkspaceMemberTable {
  workspace_id: string;
  user_id: string;
  role: WorkspaceRole;
  created_at: CreatedAt;
}

/** An invitation link bound to one email address; only the hash of its token is stored. */
export interface WorkspaceInvitationTable {
  id: Generated<string>;
  workspace_id: string;
  email: string;
  role: 'admin' | 'member';
  token_hash: string;
  invited_by: string | null;
  expires_at: Date;
  accepted_at: Date | null;
  created_at: CreatedAt;
}

/**
 * An admin's invitation to make an account: a link bound to one email address, used once, before it
 * expires, unless revoked. Only the hash of its token is stored.
 */
export interface AccountInvitationTable {
  id: Generated<string>;
  email: string;
  name: string | null;
  role: 'admin' | 'user';
  token_hash: string;
  invited_by: string | null;
  created_at: CreatedAt;
  expires_at: Date;
  accepted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  accepted_user_id: ColumnType<string | null, string | null | undefined, string | null>;
  revoked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** A GPT shared with a workspace or with one user (exactly one of the two). */
export interface GptShareTable {
  id: Generated<string>;
  gpt_id: string;
  workspace_id: string | null;
  user_id: string | null;
  permission: SharePermission;
  created_at: CreatedAt;
}

/** A GPT published to a workspace's catalogue at one fixed version. */
export interface CatalogueEntryTable {
  workspace_id: string;
  gpt_id: string;
  version: number;
  category: string;
  published_by: string | null;
  published_at: Generated<Date>;
}

export interface CatalogueReviewTable {
  workspace_id: string;
  gpt_id: string;
  user_id: string;
  rating: number;
  review: string;
  updated_at: Generated<Date>;
}

export interface RegistryDatabase {
  workspace: WorkspaceTable;
  workspace_member: WorkspaceMemberTable;
  workspace_invitation: WorkspaceInvitationTable;
  account_invitation: AccountInvitationTable;
  gpt_share: GptShareTable;
  catalogue_entry: CatalogueEntryTable;
  catalogue_review: CatalogueReviewTable;
  app_user: AppUserTable;
  api_key: ApiKeyTable;
  user_session: UserSessionTable;
  gpt: GptTable;
  gpt_version: GptVersionTable;
  gpt_avatar: GptAvatarTable;
  gpt_file: GptFileTable;
  gpt_action: GptActionTable;
  action_run: ActionRunTable;
  gpt_context: GptContextTable;
  blob_deletion: BlobDeletionTable;
}

export type UserRow = Selectable<AppUserTable>;
export type GptRow = Selectable<GptTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;
export type UserSessionRow = Selectable<UserSessionTable>;
export type ActionRow = Selectable<GptActionTable>;
export type ActionRunRow = Selectable<ActionRunTable>;

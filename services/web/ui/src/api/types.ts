// The UI's types come from the API's own contracts, so a changed field breaks the build, not the page.
import type {
  Action,
  ActionArgument,
  ActionResult,
  ActionRun,
  ApiKeySummary,
  CreatedApiKey,
  Gpt,
  GptVersion,
  GptVersionList,
  TokenUsage,
  User,
} from '@chatty/contracts';
import type { Static } from 'typebox';

export type { Action, ActionArgument, ActionResult, ActionRun, Gpt, TokenUsage, User };
export type ApiKey = Static<typeof ApiKeySummary>;
export type NewApiKey = Static<typeof CreatedApiKey>;
export type Version = Static<typeof GptVersion>;
/** A page of GET /api/gpts/:id/versions: summaries; a whole snapshot is GET .../versions/:version. */
export type VersionPage = Static<typeof GptVersionList>;

export interface Model {
  id: string;
  key?: string;
  role: string;
  kind?: string;
  available?: boolean;
  workers?: string[];
}

export type FileStatus = 'queued' | 'processing' | 'ready' | 'failed';

export interface KnowledgeFile {
  id: string;
  gptId: string;
  filename: string;
  originalName: string;
  mimeType: string;
  size: number;
  status: FileStatus;
  progress: number;
  error: string | null;
  pageCount: number | null;
  charCount: number | null;
  chunkCount: number | null;
  /** Source code: its language, as a Markdown fence names it. */
  language?: string | null;
  uploadedAt: string;
}

/** A knowledge file (fileName, page; code: language, excerpt) or a web page from a web search (url, title). */
export interface Citation {
  fileId?: string;
  fileName?: string;
  page?: number | null;
  url?: string;
  title?: string;
  /** Source code: its language and the start of the cited passage. */
  language?: string;
  excerpt?: string;
}

/** A web search made while answering: streamed as `search` events, then stored with the answer. */
export interface WebSearch {
  query: string;
  status: 'running' | 'ok' | 'error';
  results?: number;
}

export interface ActionCall {
  name: string;
  status: string | number;
  arguments?: Record<string, unknown>;
  durationMs?: number;
  [key: string]: unknown;
}

export interface Message {
  id: string;
  role: 'user' | 'assistant' | 'system' | 'tool';
  content: string;
  citations?: Citation[];
  actionCalls?: ActionCall[];
  searches?: WebSearch[];
  createdAt: string;
}

export interface Session {
  id: string;
  gptId: string;
  title?: string | null;
  createdAt: string;
  messages?: Message[];
}

/** A place the account is signed in (GET /api/auth/sessions). */
export interface SignedInSession {
  id: string;
  createdAt: string;
  expiresAt: string;
  userAgent: string | null;
  current: boolean;
}

/** An account as an admin sees it (GET /api/admin/users). */
export interface AdminUser {
  id: string;
  email: string;
  name: string | null;
  role: 'admin' | 'user';
  createdAt: string;
  disabledAt: string | null;
}

/** GET /api/workspaces (services/gpt-registry/src/routes/workspaces/schemas.ts). */
export interface Workspace {
  id: string;
  name: string;
  personal: boolean;
  role: 'owner' | 'admin' | 'member';
  memberCount: number;
  createdAt: string;
}

export interface Member {
  userId: string;
  email: string;
  name: string | null;
  role: Workspace['role'];
  joinedAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: 'admin' | 'member';
  expiresAt: string;
  expired: boolean;
  token?: string;
  url?: string;
}

export interface Share {
  id: string;
  permission: 'chat' | 'edit';
  workspace: { id: string; name: string } | null;
  user: { id: string; email: string; name: string | null } | null;
}

export interface Publication {
  workspaceId: string;
  workspaceName: string;
  version: number;
  category: string;
  publishedAt: string;
}

export interface CatalogueItem {
  gptId: string;
  version: number;
  name: string;
  description: string;
  category: string;
  modelId: string;
  avatar: string | null;
  publishedAt: string;
  publishedBy: string | null;
  conversationCount: number;
  rating: { average: number | null; count: number; mine: number | null };
}

export interface Review {
  userId: string;
  name: string | null;
  email: string;
  rating: number;
  review: string;
  updatedAt: string;
}

export interface Template {
  key: string;
  name: string;
  description: string;
  category: string;
  actionCount: number;
}

/** GET /api/admin/invitations (services/gpt-registry/src/routes/admin/schemas.ts). */
export interface AccountInvitation {
  id: string;
  email: string;
  name: string | null;
  role: 'admin' | 'user';
  createdAt: string;
  expiresAt: string;
  expired: boolean;
  invitedBy: string | null;
}

/** POST /api/auth/invitations/check: what an account invitation offers. */
export interface AccountInvitationPreview {
  email: string;
  name: string | null;
  role: 'admin' | 'user';
  expiresAt: string;
}

import type {
  Action,
  ActionResult,
  CreateGptBody,
  Gpt,
  ImportReport,
  KnowledgeFile,
  UpdateGptBody,
  User,
} from '@chatty/contracts';

/**
 * The public API's shapes. Those the registry declares come from its contracts (type-only imports:
 * nothing of the server is loaded at run time); the chat shapes mirror the gateway's route schemas,
 * and test/openapi-agreement.test.ts checks them against the OpenAPI document the origin serves.
 */
export type { Action, ActionResult, CreateGptBody, Gpt, ImportReport, KnowledgeFile, UpdateGptBody, User };

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface GptVersionSummary {
  version: number;
  createdAt: string;
  name: string;
  description: string;
  modelId: string;
}

export interface CreateActionBody {
  name: string;
  description?: string;
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  parameters?: Record<string, string>;
  arguments?: Action['arguments'];
  isActive?: boolean;
}

export interface Citation {
  fileId: string;
  fileName: string;
  page: number | null;
  language?: string;
  excerpt?: string;
}

export interface ActionCall {
  actionId: string;
  name: string;
  arguments: Record<string, unknown>;
  status: 'ok' | 'error';
  httpStatus?: number;
  error?: string;
  durationMs: number;
}

export interface Message {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  model?: string;
  citations?: Citation[];
  actionCalls?: ActionCall[];
  createdAt: string;
}

export interface Session {
  id: string;
  gptId: string;
  createdAt: string;
  updatedAt: string;
}

export interface SessionWithMessages extends Session {
  messages: Message[];
}

/** One event of a streamed answer (`Accept: text/event-stream`). */
export type ChatEvent =
  | { type: 'delta'; content: string }
  | { type: 'action'; name: string; status: string }
  | { type: 'done'; message: Message };

export interface Model {
  id: string;
  key: string;
  role: string;
  kind: string;
  aliases: string[];
  available: boolean;
}

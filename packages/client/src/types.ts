import type { AnswerOf, ChatStreamEventData, ChatStreamEventName } from '@chatty/contracts';
import type { ROUTES, RouteName } from './routes.js';

/**
 * The public API's shapes are the contracts' (@chatty/contracts): type-only, nothing of a server is
 * loaded. They are re-exported so a program using the client needs one import.
 */
export type {
  Action,
  ActionCall,
  ActionResult,
  Citation,
  CreateActionBody,
  CreateGptBody,
  FileCitation,
  Gpt,
  GptVersionSummary,
  ImportReport,
  KnowledgeFile,
  Message,
  ModelItem as Model,
  Session,
  SessionWithMessages,
  UpdateActionBody,
  UpdateGptBody,
  User,
  WebCitation,
} from '@chatty/contracts';

/**
 * One entry of `GET /v1/models` (OpenAI's shape): a GPT the caller may chat with, with its `name`, or
 * a base model (`owned_by: "chatty"`).
 */
export interface OpenAiModel {
  id: string;
  object: 'model';
  /** Seconds since the epoch (a GPT's creation; 0 for a base model). */
  created: number;
  /**
   * A GPT's: `user` (the caller's own), `shared` (shared with them or a workspace of theirs),
   * `catalogue` (in a workspace catalogue of theirs); a base model's: `chatty`.
   */
  owned_by: string;
  name?: string;
}

/** What a route answers when it succeeds. */
export type Answer<N extends RouteName> = AnswerOf<(typeof ROUTES)[N]>;

/** One event of a streamed answer (`Accept: text/event-stream`): its name in `type`, its data beside it. */
export type ChatEvent = {
  [N in ChatStreamEventName]: N extends 'error' ? never : { type: N } & ChatStreamEventData<N>;
}[ChatStreamEventName];

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

/** What a route answers when it succeeds. */
export type Answer<N extends RouteName> = AnswerOf<(typeof ROUTES)[N]>;

/** One event of a streamed answer (`Accept: text/event-stream`): its name in `type`, its data beside it. */
export type ChatEvent = {
  [N in ChatStreamEventName]: N extends 'error' ? never : { type: N } & ChatStreamEventData<N>;
}[ChatStreamEventName];

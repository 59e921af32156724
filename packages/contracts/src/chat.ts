import Type, { type Static } from 'typebox';
import { ActionMethod } from './action.js';
import { ErrorResponse, ItemPage, PageCursor, Uuid } from './common.js';

/** A chat with a GPT: its messages are stored by the inference gateway. */
export const Session = Type.Object({
  id: Type.String(),
  gptId: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type Session = Static<typeof Session>;

/** A passage of a knowledge file the answer drew on. */
export const FileCitation = Type.Object({
  fileId: Type.String(),
  fileName: Type.String(),
  page: Type.Union([Type.Integer(), Type.Null()]),
  /** Source code: its language (a Markdown fence's name) and the cited passage's start. */
  language: Type.Optional(Type.String()),
  excerpt: Type.Optional(Type.String()),
});
export type FileCitation = Static<typeof FileCitation>;

/** A web page from a web search. */
export const WebCitation = Type.Object({ url: Type.String(), title: Type.String() });
export type WebCitation = Static<typeof WebCitation>;

export const Citation = Type.Union([FileCitation, WebCitation]);
export type Citation = Static<typeof Citation>;

/** How an action call ended; `refused`: it changes something and the user did not allow it, so it never ran. */
export const ActionCallStatus = Type.Union([
  Type.Literal('ok'),
  Type.Literal('error'),
  Type.Literal('refused'),
]);

/** An action the model called while answering. */
export const ActionCall = Type.Object({
  actionId: Type.String(),
  name: Type.String(),
  arguments: Type.Object({}, { additionalProperties: true }),
  status: ActionCallStatus,
  /** The HTTP status the action answered with, when it answered. */
  httpStatus: Type.Optional(Type.Integer()),
  error: Type.Optional(Type.String()),
  durationMs: Type.Integer(),
});
export type ActionCall = Static<typeof ActionCall>;

/** A web search made while answering: what was asked, and how many results came back. */
export const WebSearchRecord = Type.Object({
  query: Type.String(),
  status: Type.Union([Type.Literal('ok'), Type.Literal('error')]),
  results: Type.Integer(),
  error: Type.Optional(Type.String()),
});
export type WebSearchRecord = Static<typeof WebSearchRecord>;

export const Message = Type.Object({
  id: Type.String(),
  role: Type.Union([Type.Literal('user'), Type.Literal('assistant')]),
  content: Type.String(),
  model: Type.Optional(Type.String()),
  citations: Type.Optional(Type.Array(Citation)),
  actionCalls: Type.Optional(Type.Array(ActionCall)),
  /** Web searches made while answering. */
  searches: Type.Optional(Type.Array(WebSearchRecord)),
  createdAt: Type.String(),
});
export type Message = Static<typeof Message>;

/** GET /api/gpts/:id/sessions: a page of the caller's sessions with a GPT, newest first. */
export const SessionPage = ItemPage(Session);
export type SessionPage = Static<typeof SessionPage>;
export const SessionListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  cursor: PageCursor,
});

/**
 * A session with one page of its messages, oldest first within the page: the newest ones, or those just
 * before `before`. `olderCursor`, when older messages exist, is passed back as `before` for them.
 */
export const SessionWithMessages = Type.Object({
  ...Session.properties,
  messages: Type.Array(Message),
  olderCursor: Type.Optional(Type.String()),
});
export type SessionWithMessages = Static<typeof SessionWithMessages>;

/** GET /api/sessions/:sessionId: how many messages, and from where (an olderCursor) back. */
export const SessionMessagesQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  before: Type.Optional(
    Type.String({ description: 'olderCursor of the page shown, as it was given: the messages before it' }),
  ),
});

export const SessionIdParams = Type.Object({ sessionId: Uuid });

export const MessageBody = Type.Object(
  { content: Type.String({ minLength: 1, maxLength: 32_000 }) },
  { additionalProperties: false },
);
export type MessageBody = Static<typeof MessageBody>;

/** The answer without streaming (and the `done` event's data). */
export const MessageAnswer = Type.Object({ message: Message });

/** The user's word on an action call waiting for it (a `confirm` event). */
export const ConfirmationParams = Type.Object({ sessionId: Uuid, confirmationId: Uuid });
export const ConfirmationBody = Type.Object({ allow: Type.Boolean() });
export const Decision = Type.Union([Type.Literal('allow'), Type.Literal('refuse')]);
export type Decision = Static<typeof Decision>;
export const ConfirmationAnswer = Type.Object({ id: Type.String(), decision: Decision });

/**
 * The events of a streamed answer (`Accept: text/event-stream` on POST /api/sessions/:id/messages),
 * each an SSE `event:` name and its JSON `data:`. Lines starting with `:` are keep-alives.
 */
export const ChatStreamEvents = {
  /** Text as the model writes it. */
  delta: Type.Object({ content: Type.String() }),
  /** An action starting (`running`) and ending. */
  action: Type.Object({
    name: Type.String(),
    status: Type.Union([
      Type.Literal('running'),
      Type.Literal('ok'),
      Type.Literal('error'),
      Type.Literal('refused'),
    ]),
  }),
  /** A web search starting (`running`) and ending. */
  search: Type.Object({
    query: Type.String(),
    status: Type.Union([Type.Literal('running'), Type.Literal('ok'), Type.Literal('error')]),
    results: Type.Optional(Type.Integer()),
  }),
  /**
   * The model wants to run an action that changes something: answer with
   * POST /api/sessions/:sessionId/confirmations/:id (the turn waits for it).
   */
  confirm: Type.Object({
    id: Type.String(),
    actionId: Type.String(),
    action: Type.String(),
    method: ActionMethod,
    arguments: Type.Record(Type.String(), Type.Unknown()),
  }),
  /** The stored reply; the stream ends. */
  done: MessageAnswer,
  /** The answer failed after it started; the stream ends. */
  error: ErrorResponse,
} as const;

export type ChatStreamEventName = keyof typeof ChatStreamEvents;
export type ChatStreamEventData<N extends ChatStreamEventName> = Static<(typeof ChatStreamEvents)[N]>;
/** One streamed event: its name in `event`, its data beside it. */
export type ChatStreamEvent = {
  [N in ChatStreamEventName]: { event: N; data: ChatStreamEventData<N> };
}[ChatStreamEventName];

import { Uuid } from '@chatty/contracts';
import Type from 'typebox';
import type { MessageRow, SessionRow } from '../../db/schema.js';

export const SessionIdParams = Type.Object({ sessionId: Uuid });

export const Session = Type.Object({
  id: Type.String(),
  gptId: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const Message = Type.Object({
  id: Type.String(),
  role: Type.Union([Type.Literal('user'), Type.Literal('assistant')]),
  content: Type.String(),
  model: Type.Optional(Type.String()),
  citations: Type.Optional(
    Type.Array(
      Type.Union([
        Type.Object({
          fileId: Type.String(),
          fileName: Type.String(),
          page: Type.Union([Type.Integer(), Type.Null()]),
          /** Source code: its language (a Markdown fence's name) and the cited passage's start. */
          language: Type.Optional(Type.String()),
          excerpt: Type.Optional(Type.String()),
        }),
        /** A web page from a web search. */
        Type.Object({ url: Type.String(), title: Type.String() }),
      ]),
    ),
  ),
  actionCalls: Type.Optional(
    Type.Array(
      Type.Object({
        actionId: Type.String(),
        name: Type.String(),
        arguments: Type.Object({}, { additionalProperties: true }),
        status: Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Literal('refused')]),
        httpStatus: Type.Optional(Type.Integer()),
        error: Type.Optional(Type.String()),
        durationMs: Type.Integer(),
      }),
    ),
  ),
  /** Web searches made while answering. */
  searches: Type.Optional(
    Type.Array(
      Type.Object({
        query: Type.String(),
        status: Type.Union([Type.Literal('ok'), Type.Literal('error')]),
        results: Type.Integer(),
        error: Type.Optional(Type.String()),
      }),
    ),
  ),
  createdAt: Type.String(),
});

export const SessionWithMessages = Type.Object({ ...Session.properties, messages: Type.Array(Message) });

export const MessageBody = Type.Object(
  { content: Type.String({ minLength: 1, maxLength: 32_000 }) },
  { additionalProperties: false },
);

export function toSession(row: SessionRow) {
  return {
    id: row.id,
    gptId: row.gpt_id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toMessage(row: MessageRow) {
  return {
    id: row.id,
    role: row.role,
    content: row.content,
    ...(row.model && { model: row.model }),
    ...(row.citations && { citations: row.citations }),
    ...(row.action_calls && { actionCalls: row.action_calls }),
    ...(row.web_searches && { searches: row.web_searches }),
    createdAt: row.created_at.toISOString(),
  };
}

import Type, { type Static } from 'typebox';
import { Timestamp, Uuid } from './common.js';

/**
 * What an API key may do. `chat`: the chat routes (sessions, messages, `/v1`) and nothing else;
 * `read`: every GET, no change and no chat; `full`: what the account may do, keys included.
 */
export const ApiKeyScope = Type.Union([Type.Literal('chat'), Type.Literal('read'), Type.Literal('full')]);
export type ApiKeyScope = Static<typeof ApiKeyScope>;

export const ApiKeySummary = Type.Object({
  id: Uuid,
  name: Type.String(),
  /** The first characters of the key, enough to recognise it. */
  prefix: Type.String(),
  scope: ApiKeyScope,
  createdAt: Timestamp,
  /** After this the key stops working; null: it does not expire. */
  expiresAt: Type.Union([Timestamp, Type.Null()]),
  lastUsedAt: Type.Union([Timestamp, Type.Null()]),
});

export const CreatedApiKey = Type.Object({
  id: Uuid,
  name: Type.String(),
  /** Shown once, at creation; only its hash is stored. */
  key: Type.String(),
  scope: ApiKeyScope,
  createdAt: Timestamp,
  expiresAt: Type.Union([Timestamp, Type.Null()]),
});

export const CreateApiKeyBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  /** `full` when not given, as keys were before scopes. */
  scope: Type.Optional(ApiKeyScope),
  /** Days until the key expires (at most ten years); without it the key lasts until revoked. */
  expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
});
export type ApiKeySummary = Static<typeof ApiKeySummary>;
export type CreatedApiKey = Static<typeof CreatedApiKey>;
export type CreateApiKeyBody = Static<typeof CreateApiKeyBody>;

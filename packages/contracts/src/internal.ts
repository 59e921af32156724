import Type, { type Static } from 'typebox';
import { RuntimeAction } from './action.js';
import { ApiKeyScope } from './api-key.js';
import { Uuid } from './common.js';
import { Gpt, GptAccess } from './gpt.js';
import { UserRole } from './user.js';

/*
 * What the services ask each other under /internal/* (guarded by a service token; see
 * docs/internal-contracts.md). Callers type their answers with these, so a changed field breaks the
 * build of both sides.
 */

/** `?userId=`: the user a service acts for. */
export const UserQuery = Type.Object({ userId: Type.String({ format: 'uuid' }) });

/** `GET /internal/gpts/:id/runtime`: the GPT and its active actions, when the user may chat with it. */
export const GptRuntime = Type.Object({ gpt: Gpt, actions: Type.Array(RuntimeAction) });
export type GptRuntime = Static<typeof GptRuntime>;

/**
 * `GET /internal/gpts/:id/turn?userId=&known=`: what one chat turn needs of a GPT, access checked on
 * every call. `stamp` names the runtime's content (the GPT as the user sees it and its active
 * actions); `runtime` is left out when it equals `known`, the stamp of the runtime the caller holds.
 * `hasFiles`: whether the GPT has knowledge files at all (none: nothing to search). `knowledge` names
 * the chunks of its files once every file has settled (ready or failed): equal names, equal chunks;
 * absent while a file is queued or being ingested. `source` names the database the answer was read
 * from (its name and its server's start): a gateway holds answers only from the database whose change
 * notices it hears (GPT_CHANGE_NOTICES).
 */
export const TurnQuery = Type.Object({
  userId: Type.String({ format: 'uuid' }),
  known: Type.Optional(Type.String({ maxLength: 64 })),
});
export const TurnView = Type.Object({
  stamp: Type.String(),
  context: Type.String(),
  hasFiles: Type.Boolean(),
  knowledge: Type.Optional(Type.String()),
  source: Type.Optional(Type.String()),
  runtime: Type.Optional(GptRuntime),
});
export type TurnView = Static<typeof TurnView>;

/**
 * The registry's database announces, at commit, every change to what a turn answer is made of, on
 * Postgres channel `channel` (payload: the GPT's id, or `*` for any GPT); `trigger` is the function
 * that sends them. While it hears them, a gateway holds turn answers per GPT and user (gpt-runtimes.ts).
 */
export const GPT_CHANGE_NOTICES = { channel: 'gpt_changes', trigger: 'notify_gpt_changed' } as const;

/** `POST /internal/gpts/:id/conversations`: a new chat session, for the catalogue's count. */
export const ConversationBody = Type.Object({ userId: Type.String({ format: 'uuid' }) });

/**
 * `GET /internal/gpts?userId=&id=`: every GPT the user may chat with (their own, shared with them or a
 * workspace of theirs, in a catalogue of theirs) with their `access`, for `/v1/models`; `id` narrows it
 * to that one GPT (none: the user may not chat with it). A catalogue's GPT is named as its published
 * version, the one they chat with.
 */
export const GptSummaryQuery = Type.Object({
  userId: Type.String({ format: 'uuid' }),
  id: Type.Optional(Uuid),
});
export const GptSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  modelId: Type.String(),
  createdAt: Type.String(),
  access: GptAccess,
});
export type GptSummary = Static<typeof GptSummary>;
export const GptSummaryList = Type.Object({ items: Type.Array(GptSummary) });

/** `POST /internal/lookup`: users' emails and roles and GPTs' names, for reports. */
export const LookupBody = Type.Object({
  userIds: Type.Array(Uuid, { maxItems: 1000 }),
  gptIds: Type.Optional(Type.Array(Uuid, { maxItems: 1000 })),
});
export type LookupBody = Static<typeof LookupBody>;

/** Unknown ids are left out. */
export const LookedUp = Type.Object({
  users: Type.Array(
    Type.Object({
      id: Type.String(),
      email: Type.String(),
      name: Type.Union([Type.String(), Type.Null()]),
      role: UserRole,
    }),
  ),
  gpts: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), userId: Type.String() })),
});
export type LookedUp = Static<typeof LookedUp>;

/** `POST /internal/auth/api-key`: what a key is, for a service that accepts API keys. */
export const ApiKeyBody = Type.Object({ key: Type.String({ maxLength: 200 }) });
export const ApiKeyOwner = Type.Object({ userId: Type.String(), keyId: Type.String(), scope: ApiKeyScope });
export type ApiKeyOwner = Static<typeof ApiKeyOwner>;

/** `POST /internal/auth/session`: whether a signed session token's session is still live. */
export const SessionCheckBody = Type.Object({ sessionId: Uuid, userId: Uuid });
export const SessionLiveness = Type.Object({ live: Type.Boolean() });

/** `GET /internal/users/:id/role`: a disabled admin is no admin. */
export const RoleAnswer = Type.Object({ role: UserRole });

/** `DELETE /internal/gpts/:id/sessions` on the gateway: a deleted GPT's chat sessions go with it. */
export const DeletedSessions = Type.Object({ deleted: Type.Integer() });
export type SessionLiveness = Static<typeof SessionLiveness>;

import Type, { type Static } from 'typebox';
import { Timestamp, Uuid } from './common.js';

export const MAX_CONVERSATION_STARTERS = 10;
export const MAX_INSTRUCTIONS_CHARS = 32_000;
/** Raster avatars up to 1 MiB, as a base64 data URL (4/3 of the bytes, plus the prefix). */
export const MAX_AVATAR_BYTES = 1024 * 1024;
/** The longest avatar data URL a GPT body may hold. */
const MAX_AVATAR_DATA_URL = Math.ceil((MAX_AVATAR_BYTES * 4) / 3) + 100;
/**
 * Every JSON body the services and the origin accept: room for a GPT with the largest avatar and the
 * longest instructions, so the avatar's own limit (413 AVATAR_TOO_LARGE) is the one a user meets,
 * never a generic body limit below it.
 */
export const MAX_JSON_BODY_BYTES = MAX_AVATAR_DATA_URL + 512 * 1024;

export const Capabilities = Type.Object({
  webSearch: Type.Boolean(),
  canvas: Type.Boolean(),
  imageGeneration: Type.Boolean(),
  codeInterpreter: Type.Boolean(),
});
export type Capabilities = Static<typeof Capabilities>;

/** How far a user may go with a GPT: their own, shared as can edit or can chat, or in a catalogue. */
export const GptAccess = Type.Union([
  Type.Literal('owner'),
  Type.Literal('edit'),
  Type.Literal('chat'),
  Type.Literal('catalogue'),
]);
export type GptAccess = Static<typeof GptAccess>;

export const Gpt = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.String(),
  instructions: Type.String(),
  conversationStarters: Type.Array(Type.String()),
  avatar: Type.Union([Type.String(), Type.Null()]),
  capabilities: Capabilities,
  modelId: Type.String(),
  isActive: Type.Boolean(),
  userId: Uuid,
  version: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  /**
   * The caller's access when it is not their own GPT: `edit` or `chat` (shared with them), or
   * `catalogue` (published to a workspace of theirs: this is then the published version).
   */
  access: Type.Optional(GptAccess),
});
export type Gpt = Static<typeof Gpt>;

const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
const Description = Type.String({ maxLength: 2000 });
const Instructions = Type.String({ maxLength: MAX_INSTRUCTIONS_CHARS });
const Starters = Type.Array(Type.String({ minLength: 1, maxLength: 500 }), {
  maxItems: MAX_CONVERSATION_STARTERS,
});
const ModelId = Type.String({ minLength: 1, maxLength: 200 });
const AvatarDataUrl = Type.String({
  pattern: '^data:image/',
  maxLength: MAX_AVATAR_DATA_URL,
  description: 'A PNG, JPEG or GIF data URL up to 1 MiB; omit or null for a generated avatar',
});

export const CreateGptBody = Type.Object({
  name: Name,
  description: Type.Optional(Description),
  instructions: Type.Optional(Instructions),
  conversationStarters: Type.Optional(Starters),
  capabilities: Type.Optional(Type.Partial(Capabilities)),
  modelId: ModelId,
  avatar: Type.Optional(Type.Union([AvatarDataUrl, Type.Null()])),
  isActive: Type.Optional(Type.Boolean()),
});
export type CreateGptBody = Static<typeof CreateGptBody>;

export const UpdateGptBody = Type.Object({
  name: Type.Optional(Name),
  description: Type.Optional(Description),
  instructions: Type.Optional(Instructions),
  conversationStarters: Type.Optional(Starters),
  capabilities: Type.Optional(Type.Partial(Capabilities)),
  modelId: Type.Optional(ModelId),
  avatar: Type.Optional(Type.Union([AvatarDataUrl, Type.Null()])),
  isActive: Type.Optional(Type.Boolean()),
  /** When given, the update applies only if the GPT is still at this version (else 409). */
  version: Type.Optional(Type.Integer({ minimum: 1 })),
});
export type UpdateGptBody = Static<typeof UpdateGptBody>;

export const GptVersion = Type.Object({
  version: Type.Integer(),
  createdAt: Timestamp,
  gpt: Gpt,
});

/** A version in the paged list: enough to tell versions apart; the whole snapshot is one GET away. */
export const GptVersionSummary = Type.Object({
  version: Type.Integer(),
  createdAt: Timestamp,
  name: Type.String(),
  description: Type.String(),
  modelId: Type.String(),
  /** Who saved it; null when unknown (the account was deleted). */
  author: Type.Optional(
    Type.Union([
      Type.Object({ id: Uuid, name: Type.Union([Type.String(), Type.Null()]), email: Type.String() }),
      Type.Null(),
    ]),
  ),
});

export const GptVersionList = Type.Object({
  items: Type.Array(GptVersionSummary),
  nextCursor: Type.Optional(Type.String()),
});

export const GptList = Type.Object({
  items: Type.Array(Gpt),
  nextCursor: Type.Optional(Type.String()),
});

export type GptVersion = Static<typeof GptVersion>;
export type GptVersionSummary = Static<typeof GptVersionSummary>;
export type GptVersionList = Static<typeof GptVersionList>;
export type GptList = Static<typeof GptList>;

export const GptListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  cursor: Type.Optional(Type.String({ description: 'nextCursor of the previous page, as it was given' })),
});

export const VersionsQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  cursor: Type.Optional(Type.String({ description: 'nextCursor of the previous page, as it was given' })),
});

export const VersionParams = Type.Object({
  id: Uuid,
  version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
});

/** `POST /api/gpts/:id/copy`: a copy of a GPT the caller may chat with, under another name if given. */
export const CopyBody = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' })) },
  { additionalProperties: false },
);

/** `POST /api/gpts/:id/avatar`: the avatar now set, as a data URL. */
export const AvatarAnswer = Type.Object({ avatar: Type.String() });

/** What a GPT remembers across sessions for its user; the chat puts it into every prompt. */
export const GptContext = Type.Object(
  { context: Type.String({ maxLength: 20_000 }) },
  { additionalProperties: false },
);

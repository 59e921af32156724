import Type, { type Static } from 'typebox';

/** One quota: how much the caller uses and how much is allowed (a limit of 0 allows none). */
export const QuotaUsage = Type.Object({ used: Type.Integer(), limit: Type.Integer() });
export type QuotaUsage = Static<typeof QuotaUsage>;

/** A per-GPT quota: its limit, and the named GPT's use when `?gptId=` is given. */
export const PerGptQuota = Type.Object({ used: Type.Optional(Type.Integer()), limit: Type.Integer() });

/** GET /api/usage (gpt-registry): what the caller stores against its limits. */
export const RegistryUsage = Type.Object({
  gpts: QuotaUsage,
  apiKeys: QuotaUsage,
  /** Bytes of knowledge files over all the caller's GPTs. */
  fileBytes: QuotaUsage,
  /** Team workspaces the caller owns. */
  workspaces: QuotaUsage,
  filesPerGpt: PerGptQuota,
  actionsPerGpt: PerGptQuota,
});
export type RegistryUsage = Static<typeof RegistryUsage>;

/** GET /api/sessions/usage (inference-gateway): the caller's chat sessions against their limit. */
export const SessionUsage = Type.Object({ sessions: QuotaUsage });

/** One user's use of one model through one GPT (or a base model through /v1: no GPT) over the period. */
export const TokenUsageItem = Type.Object({
  userId: Type.String(),
  userEmail: Type.Union([Type.String(), Type.Null()]),
  gptId: Type.Union([Type.String(), Type.Null()]),
  gptName: Type.Union([Type.String(), Type.Null()]),
  /** The model that answered (after any fallback), and who served it. */
  model: Type.String(),
  provider: Type.String(),
  requests: Type.Integer(),
  promptTokens: Type.Integer(),
  completionTokens: Type.Integer(),
});

/** GET /api/usage/tokens (inference-gateway): tokens per user, GPT and model; everyone's for an admin. */
export const TokenUsage = Type.Object({
  /** The first day counted (UTC, YYYY-MM-DD); the period runs to today. */
  since: Type.String(),
  /** `all` for an admin (every user), `own` for anyone else. */
  scope: Type.Union([Type.Literal('all'), Type.Literal('own')]),
  items: Type.Array(TokenUsageItem),
  totals: Type.Object({
    requests: Type.Integer(),
    promptTokens: Type.Integer(),
    completionTokens: Type.Integer(),
  }),
});
export type TokenUsage = Static<typeof TokenUsage>;

export const RegistryUsageQuery = Type.Object({
  gptId: Type.Optional(
    Type.String({ format: 'uuid', description: "Also count this GPT's files and actions" }),
  ),
});

export const TokenUsageQuery = Type.Object({
  days: Type.Integer({ minimum: 1, maximum: 366, default: 30, description: 'Days counted, today included' }),
});

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
  filesPerGpt: PerGptQuota,
  actionsPerGpt: PerGptQuota,
});
export type RegistryUsage = Static<typeof RegistryUsage>;

/** GET /api/sessions/usage (inference-gateway): the caller's chat sessions against their limit. */
export const SessionUsage = Type.Object({ sessions: QuotaUsage });

import {
  ActionRunnerTokenEnv,
  DatabaseEnv,
  LogEnv,
  loadConfig,
  ModelsEnv,
  RedisEnv,
  SecretEnv,
  ServerLimitsEnv,
  SessionKeyEnv,
  StorageEnv,
  TrustProxyEnv,
} from '@chatty/shared';
import Type, { type Static } from 'typebox';

export const RegistryEnv = Type.Object({
  REGISTRY_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 5010 }),
  REGISTRY_HOST: Type.String({ default: '127.0.0.1' }),
  ...DatabaseEnv,
  ...RedisEnv,
  ...SecretEnv,
  ...SessionKeyEnv,
  ...ActionRunnerTokenEnv,
  ...ModelsEnv,
  ...LogEnv,
  ...TrustProxyEnv,
  ...ServerLimitsEnv,
  ...StorageEnv,
  /** Bytes per uploaded knowledge file. */
  MAX_FILE_SIZE: Type.Integer({ minimum: 1, default: 10_485_760 }),
  /**
   * Per-user quotas (src/quotas/): what one account may store. 0 allows none; admins count like anyone
   * (the operator who sets these can raise them, and an admin key should not be able to fill the disk).
   */
  QUOTA_GPTS: Type.Integer({ minimum: 0, default: 100 }),
  QUOTA_API_KEYS: Type.Integer({ minimum: 0, default: 20 }),
  QUOTA_FILES_PER_GPT: Type.Integer({ minimum: 0, default: 20 }),
  /** Bytes of knowledge files over all of a user's GPTs (1 GiB). */
  QUOTA_FILE_BYTES: Type.Integer({ minimum: 0, default: 1_073_741_824 }),
  QUOTA_ACTIONS_PER_GPT: Type.Integer({ minimum: 0, default: 50 }),
  /** Team workspaces one user owns (made by them; the personal one does not count). */
  QUOTA_WORKSPACES: Type.Integer({ minimum: 0, default: 20 }),
  /** Invitations to one workspace not yet accepted nor revoked, expired ones included. */
  QUOTA_PENDING_INVITATIONS: Type.Integer({ minimum: 0, default: 100 }),
  ALLOW_SIGNUP: Type.Boolean({ default: true }),
  SESSION_TTL: Type.String({ pattern: '^\\d+\\s?[smhdw]$', default: '7d' }),
  /** Live sessions one account keeps; a sign-in past it ends the oldest (a script that signs in per request). */
  SESSION_MAX_PER_USER: Type.Integer({ minimum: 1, default: 50 }),
  /** Login and signup attempts allowed per client address in each window. */
  AUTH_RATE_LIMIT_PER_ADDRESS: Type.Integer({ minimum: 1, default: 30 }),
  /**
   * Wrong passwords from one address for one account before that pair backs off (1 s, doubling up to
   * AUTH_BACKOFF_MAX_SECONDS). Per pair, so failing on purpose cannot lock the account's owner out.
   */
  AUTH_RATE_LIMIT_PER_ACCOUNT: Type.Integer({ minimum: 1, default: 5 }),
  AUTH_BACKOFF_MAX_SECONDS: Type.Integer({ minimum: 1, default: 300 }),
  AUTH_RATE_LIMIT_WINDOW_SECONDS: Type.Integer({ minimum: 1, default: 900 }),
  /**
   * Action executions per user per minute, the public execute route and the chat's tool calls counted
   * together; 0 turns the limit off.
   */
  ACTION_RATE_PER_MINUTE: Type.Integer({ minimum: 0, default: 60 }),
  /** Days the action runs of a deleted GPT are kept (the audit a delete cannot erase). */
  ACTION_RUN_RETENTION_DAYS: Type.Integer({ minimum: 1, default: 90 }),
  /**
   * The keys of action secrets, `id:key` separated by commas (each key 32 characters or more; ids of
   * letters and digits): the first seals new values, all of them open old ones. Unset: one key (id
   * `0`) derived from SECRET_KEY. Rotation: docs/security.md.
   */
  ACTION_SECRETS_KEYS: Type.Optional(
    Type.String({ pattern: '^[A-Za-z0-9]+:[^,]{32,}(,[A-Za-z0-9]+:[^,]{32,})*$' }),
  ),
  /** Where actions are executed (services/action-runner). */
  ACTION_RUNNER_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:5030' }),
  /** The inference gateway, told when a GPT is deleted so its chat sessions go too; unset when none runs. */
  GATEWAY_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
});

export type RegistryConfig = Static<typeof RegistryEnv>;

export function loadRegistryConfig(env: Record<string, string | undefined> = process.env): RegistryConfig {
  return loadConfig(RegistryEnv, env);
}

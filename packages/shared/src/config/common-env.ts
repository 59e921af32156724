import Type from 'typebox';
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from '../http/server-limits.js';
import { urlPassword } from './url-password.js';

/** Environment keys shared by every service. Each service spreads the groups it uses into its schema. */
export const LogEnv = {
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
  /** The seed's switch: `DEBUG=gpt:*` turns on debug logging. */
  DEBUG: Type.Optional(Type.String()),
};

export const DatabaseEnv = {
  DATABASE_URL: Type.String({
    pattern: '^postgres(ql)?://',
    default: 'postgres://postgres@127.0.0.1:5432/chatty',
  }),
  /** Goes into DATABASE_URL, so the URL can stay plain configuration and only this be a secret. */
  DATABASE_PASSWORD: urlPassword('DATABASE_URL'),
  DB_POOL_MAX: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
};

export const RedisEnv = {
  REDIS_URL: Type.String({ pattern: '^rediss?://', default: 'redis://127.0.0.1:6379' }),
  /** Goes into REDIS_URL (`requirepass`, or the password of the URL's ACL user). */
  REDIS_PASSWORD: urlPassword('REDIS_URL'),
  /**
   * Starts every key Chatty writes (queues, rate-limit counters), so several deployments — or test
   * stacks — can share one Redis. Every service of one deployment must use the same.
   */
  REDIS_PREFIX: Type.String({ pattern: '^[\\w.-]{1,64}$', default: 'chatty' }),
};

export const SecretEnv = {
  /** Unset: generated once into DATA_DIR. */
  SECRET_KEY: Type.Optional(Type.String({ minLength: 32 })),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
};

/**
 * Signs session tokens (registry and gateway). Unset: derived from SECRET_KEY. Kept apart from the
 * keys of action secrets, so rotating it leaves those readable. SESSION_SIGNING_KEY_PREVIOUS holds the
 * keys it replaced (comma-separated): tokens they signed keep verifying until they are removed, so a
 * rotation signs nobody out during its overlap (docs/security.md).
 */
export const SessionKeyEnv = {
  SESSION_SIGNING_KEY: Type.Optional(Type.String({ minLength: 32 })),
  SESSION_SIGNING_KEY_PREVIOUS: Type.Optional(Type.String({ pattern: '^[^,]{32,}(,[^,]{32,})*$' })),
};

/** The action-runner's own credential: the registry presents it, the runner accepts only it. */
export const ActionRunnerTokenEnv = {
  ACTION_RUNNER_TOKEN: Type.Optional(Type.String({ minLength: 32 })),
};

/** file-ingest's own credential: the gateway presents it, file-ingest accepts only it. */
export const IngestTokenEnv = {
  INGEST_SERVICE_TOKEN: Type.Optional(Type.String({ minLength: 32 })),
};

export const ModelsEnv = {
  MODELS_CONFIG: Type.String({ minLength: 1, default: './models.json' }),
};

/** Which peers may set X-Forwarded-For; internal services sit behind the public origin. */
export const TrustProxyEnv = {
  TRUST_PROXY: Type.String({ default: 'loopback,uniquelocal' }),
};

export function parseTrustProxy(value: string): boolean | string[] {
  if (value === 'true') return true;
  if (value === 'false' || value === '') return false;
  return value.split(',').map((part) => part.trim());
}

/**
 * How long clients may take (http/server-limits.ts). Every service has the defaults through the
 * service frame; a service that spreads these into its schema lets them be set, and passes
 * `serverLimitsOf(config)` to createServiceApp.
 */
export const ServerLimitsEnv = {
  HEADERS_TIMEOUT_MS: Type.Integer({ minimum: 100, default: DEFAULT_SERVER_LIMITS.headersTimeoutMs }),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 100, default: DEFAULT_SERVER_LIMITS.requestTimeoutMs }),
  KEEP_ALIVE_TIMEOUT_MS: Type.Integer({ minimum: 100, default: DEFAULT_SERVER_LIMITS.keepAliveTimeoutMs }),
  SOCKET_IDLE_TIMEOUT_MS: Type.Integer({ minimum: 100, default: DEFAULT_SERVER_LIMITS.socketIdleTimeoutMs }),
  BODY_TIMEOUT_MS: Type.Integer({ minimum: 100, default: DEFAULT_SERVER_LIMITS.bodyTimeoutMs }),
  BODY_MIN_BYTES_PER_SECOND: Type.Integer({
    minimum: 1,
    default: DEFAULT_SERVER_LIMITS.bodyMinBytesPerSecond,
  }),
};

export function serverLimitsOf(
  config: {
    [Key in keyof typeof ServerLimitsEnv]: number;
  },
): ServerLimits {
  return {
    headersTimeoutMs: config.HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: config.KEEP_ALIVE_TIMEOUT_MS,
    socketIdleTimeoutMs: config.SOCKET_IDLE_TIMEOUT_MS,
    bodyTimeoutMs: config.BODY_TIMEOUT_MS,
    bodyMinBytesPerSecond: config.BODY_MIN_BYTES_PER_SECOND,
  };
}

import Type from 'typebox';
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

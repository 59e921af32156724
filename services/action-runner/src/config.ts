import { ActionRunnerTokenEnv, LogEnv, loadConfig, SecretEnv, ServerLimitsEnv } from '@chatty/shared';
import Type, { type Static } from 'typebox';

/**
 * Deliberately no database, Redis or S3 settings: the runner talks to the outside world on behalf of
 * users, so it holds nothing that opens the data stores (test/compose.test.ts asserts it).
 */
export const ActionRunnerEnv = Type.Object({
  ACTION_RUNNER_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 5030 }),
  ACTION_RUNNER_HOST: Type.String({ default: '127.0.0.1' }),
  /** Only a fallback for one machine: with ACTION_RUNNER_TOKEN set the runner needs no SECRET_KEY. */
  ...SecretEnv,
  ...ActionRunnerTokenEnv,
  ...LogEnv,
  ...ServerLimitsEnv,
  /** `host:port` pairs actions may reach even though they are private (on-prem APIs, tests), comma-separated. */
  ACTION_EGRESS_ALLOW: Type.String({ default: '' }),
  /** Ports actions may use on public hosts, comma-separated; other ports only through ACTION_EGRESS_ALLOW. */
  ACTION_EGRESS_PORTS: Type.String({ pattern: '^\\d{1,5}(\\s*,\\s*\\d{1,5})*$', default: '80,443' }),
  /** Whole-call deadline (resolution, connection, redirects, body), unless a call asks for less. */
  ACTION_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
  /** DNS servers (`address[:port]`, IPv6 as `[address]:port`), comma-separated; empty: /etc/resolv.conf's. */
  ACTION_DNS_SERVERS: Type.String({ default: '' }),
  /** How long resolving one name (A and AAAA at once) may take before the call fails. */
  ACTION_DNS_TIMEOUT_MS: Type.Integer({ minimum: 50, maximum: 30_000, default: 2000 }),
  /** Ceiling on how long a DNS answer is reused (its TTL otherwise); 0 turns the cache off. */
  ACTION_DNS_MAX_TTL_SECONDS: Type.Integer({ minimum: 0, maximum: 86_400, default: 300 }),
  /**
   * A PEM file of certificate authorities that actions trust besides the default ones (an on-prem API
   * signed by the team's own CA); read once at start. Empty: the defaults only.
   */
  ACTION_TLS_CA_FILE: Type.String({ default: '' }),
  /** Response bodies longer than this are cut and marked `truncated`. */
  ACTION_MAX_RESPONSE_BYTES: Type.Integer({ minimum: 1024, maximum: 16 * 1024 * 1024, default: 1024 * 1024 }),
});

export type ActionRunnerConfig = Static<typeof ActionRunnerEnv>;

export function loadActionRunnerConfig(
  env: Record<string, string | undefined> = process.env,
): ActionRunnerConfig {
  return loadConfig(ActionRunnerEnv, env);
}

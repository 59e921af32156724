import {
  ActionRunnerTokenEnv,
  DatabaseEnv,
  IngestTokenEnv,
  LogEnv,
  loadConfig,
  ModelsEnv,
  OllamaUrlsEnv,
  type OllamaWorkerEntry,
  parseOllamaUrls,
  RedisEnv,
  SecretEnv,
  ServerLimitsEnv,
  SessionKeyEnv,
  TrustProxyEnv,
} from '@chatty/shared';
import Type, { type Static } from 'typebox';

export const GatewayEnv = Type.Object({
  GATEWAY_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 5040 }),
  GATEWAY_HOST: Type.String({ default: '127.0.0.1' }),
  ...DatabaseEnv,
  ...RedisEnv,
  ...SecretEnv,
  ...SessionKeyEnv,
  ...IngestTokenEnv,
  ...ActionRunnerTokenEnv,
  ...ModelsEnv,
  ...LogEnv,
  ...TrustProxyEnv,
  ...ServerLimitsEnv,
  ...OllamaUrlsEnv,
  REGISTRY_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:5010' }),
  /** file-ingest's search; unset, GPTs answer without retrieved knowledge. */
  INGEST_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /**
   * Generations one worker runs at once (Ollama's OLLAMA_NUM_PARALLEL defaults to 4), for the workers
   * whose OLLAMA_URLS entry sets no `#parallel=N` of its own.
   */
  WORKER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 1024, default: 4 }),
  /** Requests that may wait for a free worker slot; past that, 503 with Retry-After. */
  WORKER_QUEUE_LIMIT: Type.Integer({ minimum: 0, maximum: 100_000, default: 64 }),
  /**
   * Of those, how many may be one user's: each user waits in a queue of their own and free slots go
   * round the users, so one user's burst is refused for its own excess, never someone else's request.
   */
  WORKER_QUEUE_LIMIT_PER_USER: Type.Integer({ minimum: 0, maximum: 100_000, default: 16 }),
  /** How long a request may wait in that queue. */
  WORKER_QUEUE_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 30_000 }),
  /** How often each worker's health, models and loaded models are checked. */
  WORKER_HEALTH_INTERVAL_MS: Type.Integer({ minimum: 100, default: 2000 }),
  /** A generation that produces no token (or no headers) for this long is abandoned. */
  GENERATION_IDLE_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 120_000 }),
  /** The tool-call loop: at most this many model → action rounds, and this much time in all. */
  TOOL_MAX_STEPS: Type.Integer({ minimum: 1, maximum: 20, default: 4 }),
  TOOL_LOOP_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 60_000 }),
  /**
   * How long a call that changes something (a POST, PUT or DELETE action) waits for the user to allow
   * it in the chat; no answer by then is a refusal. The wait does not count against TOOL_LOOP_TIMEOUT_MS.
   */
  CONFIRMATION_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 300_000 }),
  /** Chat sessions one user may keep (0: none); the next is refused with 409 QUOTA_EXCEEDED. */
  QUOTA_SESSIONS: Type.Integer({ minimum: 0, default: 1000 }),
  /**
   * Fair use, counted in Redis across every gateway replica (0 turns a limit off). Chat requests
   * (messages and /v1 completions) per minute and at once, per user; and per API key, so that one
   * script cannot use up its owner's whole allowance.
   */
  CHAT_RATE_PER_MINUTE: Type.Integer({ minimum: 0, default: 60 }),
  CHAT_MAX_CONCURRENT: Type.Integer({ minimum: 0, default: 8 }),
  CHAT_KEY_RATE_PER_MINUTE: Type.Integer({ minimum: 0, default: 30 }),
  CHAT_KEY_MAX_CONCURRENT: Type.Integer({ minimum: 0, default: 4 }),
  /** How long a slot outlives the replica holding it (it is renewed while the answer runs). */
  CHAT_LEASE_TTL_MS: Type.Integer({ minimum: 300, default: 30_000 }),
  /** The most tokens one generation may produce; larger max_tokens are lowered to it. */
  MAX_OUTPUT_TOKENS: Type.Integer({ minimum: 1, default: 4096 }),
  /** A hosted model's API found unreachable rests this long before it is tried again. */
  HOSTED_MODEL_RETRY_MS: Type.Integer({ minimum: 100, default: 30_000 }),
  /** SearXNG, for GPTs with web search on; unset, web search is off (the capability does nothing). */
  SEARXNG_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** Results of one web search given to the model. */
  WEB_SEARCH_RESULTS: Type.Integer({ minimum: 1, maximum: 20, default: 5 }),
  /**
   * The action-runner: the model may read a page of its search results, fetched there under the
   * egress policy (never from the gateway). Unset, the model gets the results' snippets only.
   */
  ACTION_RUNNER_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
});

export type GatewayConfig = Static<typeof GatewayEnv>;

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const config = loadConfig(GatewayEnv, env);
  // A bad `#parallel=` stops the start here, with the other configuration errors' shape.
  parseOllamaUrls(config.OLLAMA_URLS);
  return config;
}

/** The Ollama workers, each with the generations it runs at once (its own, or WORKER_CONCURRENCY). */
export function ollamaWorkers(config: GatewayConfig): Required<OllamaWorkerEntry>[] {
  return parseOllamaUrls(config.OLLAMA_URLS).map(({ url, parallel }) => ({
    url,
    parallel: parallel ?? config.WORKER_CONCURRENCY,
  }));
}

import type { AddressInfo } from 'node:net';
import { buildGateway, gatewayMigrationSet, loadGatewayConfig } from '@chatty/inference-gateway';
import {
  createLogger,
  createSessionTokens,
  deriveKey,
  parseModelCatalog,
  prepareDatabase,
} from '@chatty/shared';
import {
  databaseUrl,
  dropDatabase,
  startAnthropicServer,
  startOllamaServer,
  startOpenAiServer,
  testDatabaseName,
  tokensOf,
} from '../packages/testkit/src/index.js';

/*
 * The cost of each provider adapter on the streaming path: the same 256-token answer, sent with no
 * delay by the Ollama, OpenAI and Anthropic test servers, streamed through the gateway's /v1 (SSE
 * out) at concurrency 1 and 16. No delay means what is measured is the gateway's own work per token:
 * NDJSON parsing for Ollama (the baseline), SSE parsing and translation for the hosted protocols.
 * The servers run in this process with the gateway, alike for all three.
 */
const TOKENS = 256;
const CONCURRENCIES = [1, 16];
const SECRET_KEY = 'bench-secret-key-that-is-long-enough-0123456789';
const ANSWER = tokensOf(Array.from({ length: TOKENS }, (_, index) => `word${index}`).join(' '));

function seconds(): number {
  const raw = Number(process.env.BENCH_DURATION ?? '5');
  if (!Number.isInteger(raw) || raw < 2) throw new Error('BENCH_DURATION must be a whole number ≥ 2');
  return raw;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

export async function run(): Promise<void> {
  const ollama = await startOllamaServer({ models: ['local'], reply: () => ({ tokens: ANSWER }) });
  const openai = await startOpenAiServer({
    models: ['up-openai'],
    apiKey: 'k',
    reply: () => ({ tokens: ANSWER }),
  });
  const anthropic = await startAnthropicServer({
    models: ['up-claude'],
    apiKey: 'k',
    reply: () => ({ tokens: ANSWER }),
  });
  const name = testDatabaseName('bench_providers');
  const config = loadGatewayConfig({
    DATABASE_URL: databaseUrl(name),
    SECRET_KEY,
    OLLAMA_URLS: ollama.url,
    LOG_LEVEL: 'silent',
    CHAT_RATE_PER_MINUTE: '0',
    CHAT_MAX_CONCURRENT: '0',
    CHAT_KEY_RATE_PER_MINUTE: '0',
    CHAT_KEY_MAX_CONCURRENT: '0',
    WORKER_CONCURRENCY: '64',
    MAX_OUTPUT_TOKENS: String(TOKENS * 2),
  });
  const logger = createLogger({ name: 'bench', level: 'silent' });
  const db = await prepareDatabase(gatewayMigrationSet, { url: config.DATABASE_URL, log: logger });
  const models = parseModelCatalog({
    ollama: { tag: 'local', role: 'ollama' },
    openai: {
      tag: 'openai',
      role: 'hosted',
      provider: 'openai-compatible',
      baseUrl: openai.baseUrl,
      apiKeyEnv: 'BENCH_KEY',
      upstreamModel: 'up-openai',
      concurrency: 64,
    },
    anthropic: {
      tag: 'anthropic',
      role: 'hosted',
      provider: 'anthropic',
      baseUrl: anthropic.url,
      apiKeyEnv: 'BENCH_KEY',
      upstreamModel: 'up-claude',
      concurrency: 64,
    },
  });
  const gateway = await buildGateway(config, { db, models, logger, env: { BENCH_KEY: 'k' } });
  await gateway.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}/v1/chat/completions`;
  const token = await createSessionTokens(deriveKey(SECRET_KEY, 'session-token')).sign(crypto.randomUUID());
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  const once = async (model: string) => {
    const started = performance.now();
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'Count.' }] }),
    });
    if (response.status !== 200) throw new Error(`${model}: ${response.status} ${await response.text()}`);
    const text = await response.text();
    const pieces = text.split('\n\n').filter((line) => line.includes('"content":"')).length;
    if (pieces < TOKENS) throw new Error(`${model}: ${pieces} of ${TOKENS} tokens arrived`);
    return performance.now() - started;
  };

  try {
    console.log(
      `providers: one ${TOKENS}-token answer streamed through /v1, no delay at the source; ${seconds()} s per run`,
    );
    for (const concurrency of CONCURRENCIES) {
      const figures: Record<string, { rps: number; p50: number; p99: number }> = {};
      for (const model of ['local', 'openai', 'anthropic']) {
        await once(model); // warm the connections
        const latencies: number[] = [];
        const until = performance.now() + seconds() * 1000;
        const started = performance.now();
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (performance.now() < until) latencies.push(await once(model));
          }),
        );
        const rps = latencies.length / ((performance.now() - started) / 1000);
        figures[model] = { rps, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
      }
      const base = figures.local!;
      for (const [model, each] of Object.entries(figures)) {
        console.log(
          `  concurrency ${String(concurrency).padStart(2)} ${model.padEnd(9)} ${each.rps.toFixed(1).padStart(6)} answers/s` +
            ` (${((each.rps * TOKENS) / 1000).toFixed(1)}k tokens/s), p50 ${each.p50.toFixed(1)} ms, p99 ${each.p99.toFixed(1)} ms` +
            ` — ${(each.rps / base.rps).toFixed(2)}× Ollama's rate`,
        );
      }
    }
  } finally {
    await gateway.close();
    await db.destroy();
    await Promise.all([ollama.close(), openai.close(), anthropic.close()]);
    await dropDatabase(name);
  }
}

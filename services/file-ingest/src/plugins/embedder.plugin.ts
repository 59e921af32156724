import { displayUrl, type Logger } from '@chatty/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type IngestConfig, ollamaUrlsOf } from '../config.js';
import type { Embedder } from '../embed/embed-file.js';
import { type EmbeddingClient, ollamaEmbeddingClient } from '../embed/embedding-client.js';
import { openAiEmbeddingClient } from '../embed/openai-embedding-client.js';
import { prepareVectorStore } from '../embed/vector-store.js';
import type { MeaningSearch } from '../fused-search.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The configured embedding model and where its vectors are kept; undefined without EMBEDDING_MODEL. */
    embedder: Embedder | undefined;
    /** Search by meaning, fused with the word ranking; undefined without EMBEDDING_MODEL. */
    meaning: MeaningSearch | undefined;
  }
}

/**
 * Retrieval by meaning: the embedding model on the Ollama workers (or the OpenAI-compatible API of
 * EMBEDDING_URL), and the vectors in Postgres.
 */
export const embedderPlugin = fp(
  async (app: FastifyInstance, { logger }: { logger: Logger }) => {
    const { ingestConfig: config } = app;
    const embedder = config.EMBEDDING_MODEL
      ? await embedderOf(app, config.EMBEDDING_MODEL, logger)
      : undefined;
    app.decorate('embedder', embedder);
    app.decorate(
      'meaning',
      embedder && {
        client: embedder.client,
        store: embedder.store,
        log: logger,
        queryTimeoutMs: config.EMBEDDING_QUERY_TIMEOUT_MS,
      },
    );
    app.addHook('onClose', async () => {
      await embedder?.store.settle();
    });
  },
  { name: 'ingest-embedder', dependencies: ['ingest-config', 'ingest-db'] },
);

async function embedderOf(app: FastifyInstance, model: string, log: Logger): Promise<Embedder> {
  const { ingestConfig: config } = app;
  log.info(
    { model, ...(config.EMBEDDING_URL && { api: displayUrl(config.EMBEDDING_URL) }) },
    'retrieval by meaning and words',
  );
  return {
    client: embeddingClientOf(config, model),
    store: await prepareVectorStore(app.ingestDb, {
      pgvector: config.EMBEDDING_PGVECTOR,
      scanLimit: config.EMBEDDING_SCAN_LIMIT,
      cacheMb: config.EMBEDDING_SCAN_CACHE_MB,
      log,
    }),
    batchSize: config.EMBEDDING_BATCH_SIZE,
  };
}

function embeddingClientOf(config: IngestConfig, model: string): EmbeddingClient {
  const timeoutMs = config.EMBEDDING_TIMEOUT_MS;
  if (config.EMBEDDING_URL)
    return openAiEmbeddingClient({
      url: config.EMBEDDING_URL,
      apiKey: config.EMBEDDING_API_KEY,
      model,
      timeoutMs,
    });
  return ollamaEmbeddingClient({ urls: ollamaUrlsOf(config), model, timeoutMs });
}

import type { Logger } from '@chatty/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ollamaUrlsOf } from '../config.js';
import type { Embedder } from '../embed/embed-file.js';
import { ollamaEmbeddingClient } from '../embed/embedding-client.js';
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

/** Retrieval by meaning: the embedding model on the Ollama workers, and the vectors in Postgres. */
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
  log.info({ model }, 'retrieval by meaning and words');
  return {
    client: ollamaEmbeddingClient({
      urls: ollamaUrlsOf(config),
      model,
      timeoutMs: config.EMBEDDING_TIMEOUT_MS,
    }),
    store: await prepareVectorStore(app.ingestDb, {
      pgvector: config.EMBEDDING_PGVECTOR,
      scanLimit: config.EMBEDDING_SCAN_LIMIT,
      cacheMb: config.EMBEDDING_SCAN_CACHE_MB,
      log,
    }),
    batchSize: config.EMBEDDING_BATCH_SIZE,
  };
}

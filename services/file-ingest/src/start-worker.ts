import type { IngestApp } from './app.js';
import type { IngestConfig } from './config.js';
import { startIngestWorker } from './worker.js';

/**
 * Starts the `ingest` consumer on a built app, with the app's database, store and embedder; the app
 * closes it. Called by server.ts (INGEST_WORKER), and by the tests that need a worker.
 */
export async function startWorker(app: IngestApp, config: IngestConfig) {
  const worker = await startIngestWorker(config, {
    db: app.ingestDb,
    store: app.storage,
    log: app.log,
    embedder: app.embedder,
  });
  app.ingestWorker = worker;
  return worker;
}

// One-shot: pulls every model models.json can route to, and file-ingest's EMBEDDING_MODEL, into every
// worker in OLLAMA_URLS, then exits (non-zero when a pull failed). Compose runs it as `ollama-pull`
// after the bundled worker is healthy.
import {
  createLogger,
  LogEnv,
  loadConfig,
  loadModelCatalog,
  ModelsEnv,
  parseOllamaUrls,
} from '@chatty/shared';
import Type from 'typebox';
import { GatewayEnv } from './config.js';
import { modelsToPull } from './pull/models-to-pull.js';
import { pullAll } from './pull/pull-all.js';

const PullEnv = Type.Object({
  ...ModelsEnv,
  ...LogEnv,
  OLLAMA_URLS: GatewayEnv.properties.OLLAMA_URLS,
  /** Tries per model and worker; Ollama resumes a broken download on the next one. */
  PULL_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 20, default: 3 }),
  /** file-ingest's embedding model, pulled too when set, unless EMBEDDING_URL says a hosted API has it. */
  EMBEDDING_MODEL: Type.Optional(Type.String({ minLength: 1 })),
  EMBEDDING_URL: Type.Optional(Type.String({ minLength: 1 })),
});

const config = loadConfig(PullEnv, process.env);
const log = createLogger({ name: 'ollama-pull', level: config.LOG_LEVEL, debug: config.DEBUG });
try {
  const tags = modelsToPull(loadModelCatalog(config.MODELS_CONFIG));
  const embedding = config.EMBEDDING_URL ? undefined : config.EMBEDDING_MODEL;
  if (embedding && !tags.includes(embedding)) tags.push(embedding);
  const workers = parseOllamaUrls(config.OLLAMA_URLS).map((worker) => worker.url);
  log.info({ workers, models: tags }, 'pulling models');
  const outcomes = await pullAll({ workers, tags, log, attempts: config.PULL_ATTEMPTS });
  const failed = outcomes.filter((outcome) => !outcome.ok);
  if (failed.length > 0) {
    log.error({ failed }, 'some models could not be pulled');
    process.exit(1);
  }
  log.info({ pulled: outcomes.length }, 'every model is pulled');
} catch (error) {
  log.fatal({ err: error }, 'pulling models failed');
  process.exit(1);
}

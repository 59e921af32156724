import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadModelCatalog, parseModelCatalog } from '@chatty/shared';
import { captureLogs, type OllamaTestServer, startOllamaServer } from '@chatty/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { modelsToPull } from '../src/pull/models-to-pull.js';
import { pullAll } from '../src/pull/pull-all.js';

const run = promisify(execFile);
const servers: OllamaTestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function worker(models: string[] = []) {
  const server = await startOllamaServer({ models });
  servers.push(server);
  return server;
}

async function tagsOf(server: OllamaTestServer): Promise<string[]> {
  const response = await fetch(`${server.url}/api/tags`);
  const { models } = (await response.json()) as { models: Array<{ name: string }> };
  return models.map((model) => model.name).sort();
}

describe('models to pull', () => {
  it('takes every tag of the repository models file, synth members included, and no synth model', () => {
    const tags = modelsToPull(loadModelCatalog('models.json'));
    expect(tags.sort()).toEqual(['deepseek-coder', 'mistral', 'phi3']);
  });

  it('resolves aliases and keys to tags', () => {
    const catalog = parseModelCatalog({
      tiny: { tag: 'qwen2.5:0.5b', role: 'tiny' },
      fast: { tag: 'llama3.2:1b', role: 'fast', aliases: ['small'], fallback: ['tiny'] },
      core: { tag: 'core', role: 'synth', kind: 'synth', members: ['small', 'fast'], synthesizer: 'fast' },
    });
    expect(modelsToPull(catalog).sort()).toEqual(['llama3.2:1b', 'qwen2.5:0.5b']);
  });

  it('leaves out models a hosted API serves, as a model and as a fallback', () => {
    const catalog = parseModelCatalog({
      local: { tag: 'phi3', role: 'local', fallback: ['hosted'] },
      hosted: {
        tag: 'gpt-mini',
        role: 'hosted',
        provider: 'openai-compatible',
        baseUrl: 'https://api.example.com/v1',
      },
    });
    expect(modelsToPull(catalog)).toEqual(['phi3']);
  });
});

describe('pulling', () => {
  it('pulls every tag into every worker and logs progress', async () => {
    const [a, b] = [await worker(), await worker(['phi3'])];
    const logs = captureLogs('ollama-pull', 'info');
    const outcomes = await pullAll({ workers: [a.url, b.url], tags: ['phi3', 'mistral'], log: logs.logger });
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(await tagsOf(a)).toEqual(['mistral:latest', 'phi3:latest']);
    expect(await tagsOf(b)).toEqual(['mistral:latest', 'phi3:latest']);
    expect(logs.lines.filter((line) => line.msg === 'pulled')).toHaveLength(4);
    expect(logs.lines.some((line) => line.status === 'success')).toBe(true);
  });

  it('retries a worker that is down and reports the failure after the last try', async () => {
    const down = await worker();
    await down.setFault('refuse');
    const logs = captureLogs('ollama-pull', 'info');
    const outcomes = await pullAll({
      workers: [down.url],
      tags: ['phi3'],
      log: logs.logger,
      attempts: 2,
      retryDelayMs: 10,
    });
    expect(outcomes).toEqual([expect.objectContaining({ ok: false, tag: 'phi3', worker: down.url })]);
    expect(logs.lines.filter((line) => line.msg === 'pull failed')).toHaveLength(2);
  });

  it('runs as a program: exit 0 when every model is pulled, 1 when a worker fails', async () => {
    const up = await worker();
    const dir = mkdtempSync(join(tmpdir(), 'chatty-pull-'));
    const models = join(dir, 'models.json');
    writeFileSync(models, JSON.stringify({ chat: { tag: 'phi3', role: 'chat' } }));
    const entry = 'services/inference-gateway/src/pull-models.ts';
    const env = { ...process.env, MODELS_CONFIG: models, LOG_LEVEL: 'info', PULL_ATTEMPTS: '1' };
    await run(process.execPath, ['--import', 'tsx', entry], { env: { ...env, OLLAMA_URLS: up.url } });
    expect(await tagsOf(up)).toEqual(['phi3:latest']);
    // file-ingest's embedding model is pulled too, unless a hosted API embeds it (EMBEDDING_URL).
    await run(process.execPath, ['--import', 'tsx', entry], {
      env: {
        ...env,
        OLLAMA_URLS: up.url,
        EMBEDDING_MODEL: 'text-embedding-3-small',
        EMBEDDING_URL: 'https://api.openai.com/v1',
      },
    });
    expect(await tagsOf(up)).toEqual(['phi3:latest']);
    await run(process.execPath, ['--import', 'tsx', entry], {
      env: { ...env, OLLAMA_URLS: up.url, EMBEDDING_MODEL: 'nomic-embed-text' },
    });
    expect(await tagsOf(up)).toEqual(['nomic-embed-text:latest', 'phi3:latest']);

    const failed = run(process.execPath, ['--import', 'tsx', entry], {
      env: { ...env, OLLAMA_URLS: 'http://127.0.0.1:9' },
    });
    await expect(failed).rejects.toMatchObject({ code: 1 });
  }, 60_000);
});

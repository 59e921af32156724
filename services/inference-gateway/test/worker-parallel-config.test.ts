import { ConfigError } from '@chatty/shared';
import { describe, expect, it } from 'vitest';
import { loadGatewayConfig, ollamaWorkers } from '../src/config.js';

describe('per-worker parallelism in OLLAMA_URLS', () => {
  it('gives each worker its #parallel=N, and WORKER_CONCURRENCY to those without one', () => {
    const config = loadGatewayConfig({
      OLLAMA_URLS: 'http://ollama-a:11434#parallel=4,http://ollama-b:11434#parallel=64,http://ollama-c:11434',
      WORKER_CONCURRENCY: '2',
    });
    expect(ollamaWorkers(config)).toEqual([
      { url: 'http://ollama-a:11434', parallel: 4 },
      { url: 'http://ollama-b:11434', parallel: 64 },
      { url: 'http://ollama-c:11434', parallel: 2 },
    ]);
  });

  it('refuses to start on a bad value, saying which worker and what is allowed', () => {
    expect(() => loadGatewayConfig({ OLLAMA_URLS: 'http://a:11434,http://b:11434#parallel=lots' })).toThrow(
      ConfigError,
    );
    expect(() => loadGatewayConfig({ OLLAMA_URLS: 'http://a:11434,http://b:11434#parallel=lots' })).toThrow(
      /OLLAMA_URLS: worker 2 .*#parallel=N with N from 1 to 1024/,
    );
  });
});

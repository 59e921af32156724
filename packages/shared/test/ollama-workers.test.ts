import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/load-config.js';
import { parseOllamaUrls } from '../src/config/ollama-workers.js';

describe('OLLAMA_URLS', () => {
  it('reads each worker with its own #parallel=N, and none where the entry sets none', () => {
    expect(
      parseOllamaUrls('http://ollama-a:11434#parallel=4, http://ollama-b:11434/#parallel=64,http://c:11434/'),
    ).toEqual([
      { url: 'http://ollama-a:11434', parallel: 4 },
      { url: 'http://ollama-b:11434', parallel: 64 },
      { url: 'http://c:11434' },
    ]);
  });

  it.each(['#parallel=0', '#parallel=1025', '#parallel=', '#parallel=4x', '#paralel=4', '#4'])(
    'refuses %s with an error that names the worker by its place, never its URL',
    (fragment) => {
      const secret = 'http://user:s3cret@gpu-2:11434';
      let error: unknown;
      try {
        parseOllamaUrls(`http://gpu-1:11434,${secret}${fragment}`);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toContain('OLLAMA_URLS: worker 2');
      expect((error as ConfigError).message).toContain('#parallel=N');
      expect((error as ConfigError).message).not.toContain('s3cret');
    },
  );
});

import { readFileSync } from 'node:fs';
import { ModelsConfigError, parseModelCatalog } from '@chatty/shared';
import { describe, expect, it } from 'vitest';

const SEED_MODELS = {
  coding: { tag: 'deepseek-coder', role: 'coding assistant' },
  creative: { tag: 'mistral', role: 'creative assistant' },
  smalltalk: { tag: 'phi3', role: 'conversational assistant' },
};

describe('the models config', () => {
  it("accepts the seed's models.json as is", () => {
    const catalog = parseModelCatalog(SEED_MODELS);
    expect(catalog.models.map((model) => model.id)).toEqual(['deepseek-coder', 'mistral', 'phi3']);
    expect(catalog.resolve('deepseek-coder')?.role).toBe('coding assistant');
    expect(catalog.resolve('coding')?.id).toBe('deepseek-coder');
    expect(catalog.resolve('gpt-4')).toBeUndefined();
  });

  it("answers to an Ollama model's `:latest` tag as Ollama does, and the other way round", () => {
    const catalog = parseModelCatalog({
      ...SEED_MODELS,
      tagged: { tag: 'llama3:latest', role: 'tagged' },
      versioned: { tag: 'qwen2:7b', role: 'versioned' },
      hosted: {
        tag: 'gpt-4o',
        role: 'hosted',
        provider: 'openai-compatible',
        baseUrl: 'https://api.example.com/v1',
      },
      core: { tag: 'chatty-core', role: 'synth', members: ['mistral', 'phi3'], synthesizer: 'mistral' },
    });
    expect(catalog.resolve('phi3:latest')?.id).toBe('phi3');
    expect(catalog.resolve('llama3')?.id).toBe('llama3:latest');
    // Another version is another model; hosted and synthesizing models have no Ollama tags.
    expect(catalog.resolve('phi3:3.8b')).toBeUndefined();
    expect(catalog.resolve('qwen2')).toBeUndefined();
    expect(catalog.resolve('gpt-4o:latest')).toBeUndefined();
    expect(catalog.resolve('chatty-core:latest')).toBeUndefined();
  });

  it('resolves aliases and keeps fallbacks, options and synth members', () => {
    const catalog = parseModelCatalog({
      ...SEED_MODELS,
      creative: {
        ...SEED_MODELS.creative,
        aliases: ['mistral:7b'],
        fallback: ['phi3'],
        options: { num_ctx: 8192 },
      },
      core: { tag: 'chatty-core', role: 'synth', members: ['mistral', 'phi3'], synthesizer: 'mistral' },
    });
    expect(catalog.resolve('mistral:7b')).toMatchObject({
      id: 'mistral',
      fallback: ['phi3'],
      options: { num_ctx: 8192 },
    });
    expect(catalog.resolve('core')).toMatchObject({ kind: 'synth', members: ['mistral', 'phi3'] });
  });

  it.each([
    ['a missing tag', { coding: { role: 'x' } }, 'tag'],
    [
      'a name used twice',
      { a: { tag: 'x', role: '' }, b: { tag: 'y', role: '', aliases: ['x'] } },
      '"x" names both',
    ],
    ['an unknown fallback', { a: { tag: 'x', role: '', fallback: ['nope'] } }, 'unknown model "nope"'],
    [
      'a synth without a synthesizer',
      { a: { tag: 'x', role: '', kind: 'synth', members: ['x'] } },
      'synthesizer',
    ],
    [
      'an openai-compatible model without a base URL',
      { a: { tag: 'x', role: '', provider: 'openai-compatible' } },
      'needs "baseUrl"',
    ],
    [
      'an anthropic model without a key source',
      { a: { tag: 'x', role: '', provider: 'anthropic' } },
      'needs "apiKeyEnv" or "apiKeyFile"',
    ],
    [
      'a key in both an environment variable and a file',
      {
        a: {
          tag: 'x',
          role: '',
          provider: 'openai-compatible',
          baseUrl: 'http://h/v1',
          apiKeyEnv: 'K',
          apiKeyFile: '/k',
        },
      },
      'not both',
    ],
    [
      'hosted settings on an Ollama model',
      { a: { tag: 'x', role: '', baseUrl: 'http://h/v1' } },
      'apply to hosted providers only',
    ],
  ])('refuses %s with a readable reason', (_label, raw, reason) => {
    expect(() => parseModelCatalog(raw, 'models.json')).toThrow(ModelsConfigError);
    expect(() => parseModelCatalog(raw, 'models.json')).toThrow(reason);
  });

  it('reads hosted providers, with Ollama as the default provider', () => {
    const catalog = parseModelCatalog({
      local: { tag: 'phi3', role: '', fallback: ['hosted'] },
      hosted: {
        tag: 'gpt-mini',
        role: '',
        provider: 'openai-compatible',
        baseUrl: 'https://api.openai.com/v1',
        apiKeyEnv: 'OPENAI_API_KEY',
        upstreamModel: 'gpt-4o-mini',
      },
    });
    expect(catalog.resolve('phi3')).toMatchObject({ provider: 'ollama', fallback: ['hosted'] });
    expect(catalog.resolve('hosted')).toMatchObject({
      provider: 'openai-compatible',
      upstreamModel: 'gpt-4o-mini',
    });
  });

  it('the shipped models.json is valid and holds the seed’s models', () => {
    const shipped = JSON.parse(readFileSync(new URL('../../../models.json', import.meta.url), 'utf8'));
    const catalog = parseModelCatalog(shipped);
    for (const [key, entry] of Object.entries(SEED_MODELS)) expect(catalog.resolve(key)?.id).toBe(entry.tag);
  });
});

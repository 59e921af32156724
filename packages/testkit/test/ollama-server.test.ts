import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conceptEmbedding } from '../src/concept-embedding.js';
import { type OllamaTestServer, startOllamaServer } from '../src/ollama-server.js';

let ollama: OllamaTestServer;
beforeAll(async () => {
  ollama = await startOllamaServer({
    models: ['phi3', 'mistral:7b'],
    loaded: ['phi3'],
    withoutTools: ['mistral:7b'],
  });
});
afterAll(() => ollama.close());

const post = (path: string, body: unknown) =>
  fetch(`${ollama.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
const lines = async (response: Response) =>
  (await response.text())
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('the Ollama test server', () => {
  it('lists tags, loaded models, version and model details like Ollama', async () => {
    const tags = (await (await fetch(`${ollama.url}/api/tags`)).json()) as {
      models: Array<{ name: string }>;
    };
    expect(tags.models.map((model) => model.name)).toEqual(['phi3:latest', 'mistral:7b']);
    const ps = (await (await fetch(`${ollama.url}/api/ps`)).json()) as { models: Array<{ name: string }> };
    expect(ps.models.map((model) => model.name)).toEqual(['phi3:latest']);
    expect(await (await fetch(`${ollama.url}/api/version`)).json()).toEqual({ version: '0.13.5' });
    const show = (await (await post('/api/show', { model: 'mistral:7b' })).json()) as {
      capabilities: string[];
    };
    expect(show.capabilities).toEqual(['completion']);
  });

  it('streams /api/generate as NDJSON and answers /api/embed', async () => {
    const chunks = await lines(await post('/api/generate', { model: 'phi3', prompt: 'hi' }));
    expect(chunks.map((chunk) => chunk.response).join('')).toBe('Hello from phi3');
    expect(chunks.at(-1)).toMatchObject({ done: true, done_reason: 'stop' });
    const embed = (await (await post('/api/embed', { model: 'phi3', input: ['a', 'b'] })).json()) as {
      embeddings: number[][];
    };
    expect(embed.embeddings).toHaveLength(2);
    expect(ollama.embedRequests.at(-1)).toEqual({ model: 'phi3', inputs: 2 });
    expect(ollama.requests.at(-1)).toMatchObject({ path: '/api/generate', body: { prompt: 'hi' } });
  });

  it('embeds by meaning: other words for the same thing land close, unrelated text far', async () => {
    const embed = async (input: string[]) =>
      ((await (await post('/api/embed', { model: 'phi3', input })).json()) as { embeddings: number[][] })
        .embeddings;
    const [doc, question, unrelated] = await embed([
      'Employees get a reimbursement for a laptop they buy.',
      'Will staff get a refund when they purchase a notebook computer?',
      'The weather forecast says rain.',
    ]);
    const cosine = (a: number[], b: number[]) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);
    expect(cosine(doc!, question!)).toBeGreaterThan(0.5);
    expect(cosine(doc!, unrelated!)).toBeLessThan(0.2);
    expect(cosine(doc!, doc!)).toBeCloseTo(1, 5);
    const legacy = (await (await post('/api/embeddings', { model: 'phi3', prompt: 'a cat' })).json()) as {
      embedding: number[];
    };
    expect(legacy.embedding).toEqual(conceptEmbedding('a cat'));
    expect((await post('/api/embed', { model: 'nomic-embed-text', input: 'x' })).status).toBe(404);
  });

  it('answers like Ollama for a missing model, tools on a model without them, and a busy server', async () => {
    expect(
      (await post('/api/chat', { model: 'llama9', messages: [{ role: 'user', content: 'x' }] })).status,
    ).toBe(404);
    const tools = [{ type: 'function', function: { name: 'f' } }];
    const noTools = await post('/api/chat', {
      model: 'mistral:7b',
      messages: [{ role: 'user', content: 'x' }],
      tools,
    });
    expect(noTools.status).toBe(400);
    await ollama.setFault('busy');
    expect(
      (await post('/api/chat', { model: 'phi3', messages: [{ role: 'user', content: 'x' }] })).status,
    ).toBe(503);
    await ollama.setFault('refuse');
    await expect(fetch(`${ollama.url}/api/tags`)).rejects.toThrow();
    await ollama.setFault(null);
    expect((await fetch(`${ollama.url}/api/tags`)).status).toBe(200);
  });

  it('loads a model for an empty chat and unloads it with keep_alive 0', async () => {
    const load = (await (await post('/api/chat', { model: 'mistral:7b', messages: [] })).json()) as Record<
      string,
      unknown
    >;
    expect(load).toMatchObject({ done: true, done_reason: 'load' });
    expect(ollama.loaded.has('mistral:7b')).toBe(true);
    await post('/api/chat', { model: 'mistral:7b', messages: [], keep_alive: 0 });
    expect(ollama.loaded.has('mistral:7b')).toBe(false);
  });
});

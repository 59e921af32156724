// An Ollama-protocol worker for compose runs on machines that cannot pull the real image or any model:
// the test server from packages/testkit (real HTTP and NDJSON streaming, /api/pull, /api/tags, /api/ps),
// answering every chat with a short scripted text. Node runs the TypeScript source as is.
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';

// The testkit's sources import each other as `./x.js`, as TypeScript compiles them; here Node runs the
// `.ts` files themselves, so a `.js` that is not there resolves to its `.ts` twin.
registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (!specifier.startsWith('.') || !specifier.endsWith('.js')) throw error;
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
  },
});
// In the image the testkit's files sit beside this one; in a checkout they are in packages/testkit.
const beside = new URL('./', import.meta.url);
const source = existsSync(new URL('ollama-server.ts', beside))
  ? beside
  : new URL('../../../../packages/testkit/src/', import.meta.url);
const { startOllamaServer } = await import(new URL('ollama-server.ts', source).href);
const { tokensOf } = await import(new URL('scripted-http.ts', source).href);

const [host, port] = (process.env.OLLAMA_HOST || '0.0.0.0:11434').split(':');
const models = (process.env.STAND_IN_MODELS || '').split(',').filter(Boolean);
const server = await startOllamaServer({
  models,
  host,
  port: Number(port),
  tokenDelayMs: Number(process.env.STAND_IN_TOKEN_DELAY_MS || 5),
  reply: (request) => {
    const question = request.messages?.findLast((message) => message.role === 'user')?.content ?? '';
    return {
      tokens: tokensOf(
        `Stand-in ${request.model} on ${process.env.HOSTNAME} read: ${question.slice(0, 200)}`,
      ),
    };
  },
});
process.stdout.write(`ollama stand-in listening on ${host}:${port} (${server.url})\n`);
const stop = () => server.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

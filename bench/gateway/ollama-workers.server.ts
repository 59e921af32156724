import { createServer } from 'node:http';
import { type OllamaTestServer, startOllamaServer } from '../../packages/testkit/src/ollama-server.js';
import { tokensOf } from '../../packages/testkit/src/scripted-http.js';
import { ONE_TOKEN_ANSWER } from './one-token-answer.js';

/*
 * The bench's model workers, in a process of their own: WORKER_PORTS Ollama test servers, each
 * streaming TOKENS tokens TOKEN_DELAY_MS apart (one to a question ending with ONE_TOKEN_ANSWER), and on PORT a control server: `/health/*` for the
 * readiness wait (and the origin's probe of its registry, which the measured path never calls), and
 * `POST /kill?worker=N`, which stops worker N as a crashed node would: connections cut mid-stream,
 * then connection refused; `POST /revive?worker=N` starts it again on its port.
 */
const tokens = tokensOf(
  Array.from({ length: Number(process.env.TOKENS ?? 64) }, (_, index) => `t${index}`).join(' '),
);
const workers: OllamaTestServer[] = await Promise.all(
  (process.env.WORKER_PORTS ?? '').split(',').map((port) =>
    startOllamaServer({
      port: Number(port),
      models: ['phi3'],
      tokenDelayMs: Number(process.env.TOKEN_DELAY_MS ?? 20),
      reply: (request) =>
        request.messages?.at(-1)?.content.endsWith(ONE_TOKEN_ANSWER)
          ? { tokens: tokens.slice(0, 1) }
          : { tokens },
    }),
  ),
);

const control = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://control');
  if (url.pathname.startsWith('/health/')) {
    response.writeHead(200, { 'content-type': 'application/json' });
    return response.end('{"status":"ok"}');
  }
  if ((url.pathname === '/kill' || url.pathname === '/revive') && request.method === 'POST') {
    const worker = workers[Number(url.searchParams.get('worker'))];
    if (!worker) {
      response.writeHead(404);
      return response.end();
    }
    void worker.setFault(url.pathname === '/kill' ? 'refuse' : null).then(() => {
      response.writeHead(204);
      response.end();
    });
    return;
  }
  response.writeHead(404);
  response.end();
});
control.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => {
  control.close();
  void Promise.all(workers.map((worker) => worker.close())).then(() => process.exit(0));
});

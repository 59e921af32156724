import fastify from 'fastify';

/**
 * The registry bench's baseline, run as its own process like the services: a bare `fastify()` with one
 * JSON route, the ceiling for a Fastify route on this machine. `/health/ready` lets the bench wait for it.
 */
const app = fastify({ logger: false });
app.get('/hello', async () => ({ hello: 'world' }));
app.get('/health/ready', async () => ({ status: 'ok' }));

const stop = () => void app.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });

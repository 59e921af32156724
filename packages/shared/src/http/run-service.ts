import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

const SHUTDOWN_TIMEOUT_MS = 15_000;

/**
 * Listens, then on SIGTERM/SIGINT stops accepting, lets in-flight requests finish, runs the app's
 * onClose hooks (pools, queues) and exits. A shutdown that hangs is cut after a deadline.
 */
export async function runService(
  app: Pick<FastifyInstance, 'listen' | 'close' | 'server'>,
  { port, host, log }: { port: number; host: string; log: Logger },
): Promise<void> {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    // close() drops connections idle at that moment; a keep-alive connection whose response finishes
    // later would hold the server open until the client hangs up, so idle ones are swept until done.
    const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
    try {
      await app.close();
      clearInterval(sweep);
      log.info('stopped');
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, 'error while shutting down');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  process.on('unhandledRejection', (reason) => {
    log.fatal({ err: reason }, 'unhandled rejection');
    process.exit(1);
  });
  await app.listen({ port, host });
}

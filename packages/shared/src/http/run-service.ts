import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

const SHUTDOWN_TIMEOUT_MS = 15_000;

export interface ListenAddress {
  port: number;
  host: string;
}

export interface RunServiceOptions extends ListenAddress {
  log: Logger;
  /** Where `app.ops` listens: required when the app was built with `opsListener`, refused otherwise. */
  ops?: ListenAddress;
}

/**
 * Listens, then on SIGTERM/SIGINT stops accepting, lets in-flight requests finish, runs the app's
 * onClose hooks (pools, queues, the ops listener) and exits. A shutdown that hangs is cut after a deadline.
 */
export async function runService(
  app: Pick<FastifyInstance, 'listen' | 'close' | 'server' | 'ops'>,
  { port, host, log, ops }: RunServiceOptions,
): Promise<void> {
  // Before any handler is installed: a mismatch is a wiring bug, and /health/ready served nowhere
  // (or an ops address nobody listens on) would only show as a container that never becomes healthy.
  if (Boolean(app.ops) !== Boolean(ops)) {
    throw new Error(
      app.ops
        ? 'this app serves /metrics and /health/ready apart: give runService an ops address'
        : 'an ops address was given, but the app was not built with opsListener',
    );
  }
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
    const sweep = setInterval(() => {
      app.server.closeIdleConnections();
      app.ops?.server.closeIdleConnections();
    }, 100);
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
  // The ops side second: its readiness must not say "ready" before the service itself accepts.
  if (app.ops && ops) await app.ops.listen(ops);
}

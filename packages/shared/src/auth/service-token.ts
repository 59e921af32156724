import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { deriveKey } from '../config/secret-key.js';
import { notFound } from '../errors.js';

export const SERVICE_TOKEN_HEADER = 'x-service-token';

export type ServiceName = 'gpt-registry' | 'inference-gateway' | 'file-ingest' | 'action-runner';

/**
 * The credential that opens one service's `/internal/*` routes; its callers present it. Each service
 * has its own, so a credential taken from one (a compromised action-runner, say) opens nothing else.
 * `given` is the service's own setting (ACTION_RUNNER_TOKEN, INGEST_SERVICE_TOKEN: the services that
 * hold no SECRET_KEY); without it the token is derived from the master secret, so a deployment that
 * shares SECRET_KEY everywhere (one machine) needs no other setting.
 */
export function serviceToken(secret: string | undefined, service: ServiceName, given?: string): string {
  if (given) return given;
  if (!secret) throw new Error(`No credential for ${service}: set its token or SECRET_KEY`);
  return deriveKey(secret, `service-token:${service}`).toString('base64url');
}

/**
 * onRequest hook for `/internal/*` routes: checked before the body is read or parsed, so a caller
 * without the credential costs nothing. A wrong or missing token answers 404, as if the route did not
 * exist: the public origin never forwards `/internal`, and a caller without the token learns nothing.
 */
export function requireServiceToken(token: string) {
  const expected = Buffer.from(token);
  return async (request: FastifyRequest) => {
    const presented = request.headers[SERVICE_TOKEN_HEADER];
    const given = Buffer.from(typeof presented === 'string' ? presented : '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw notFound(`Route ${request.method} ${request.url.split('?')[0]}`);
    }
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook of this service's `/internal/*` routes: its own service token, or a 404. */
    checkServiceToken(request: FastifyRequest): Promise<void>;
  }
}

/** The service's own token, checked by `app.checkServiceToken` on its internal routes. */
export const serviceTokenPlugin = fp(
  async (app: FastifyInstance, { token }: { token: string }) => {
    app.decorate('checkServiceToken', requireServiceToken(token));
  },
  { name: 'chatty-service-token' },
);

import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { deriveKey } from '../config/secret-key.js';
import { notFound } from '../errors.js';

export const SERVICE_TOKEN_HEADER = 'x-service-token';

/**
 * The token services present to each other's `/internal/*` routes. Derived from SECRET_KEY, so every
 * service of one deployment agrees on it without another setting, and no user credential opens it.
 */
export function serviceToken(secret: string): string {
  return deriveKey(secret, 'service-token').toString('base64url');
}

/**
 * preHandler for `/internal/*` routes. A wrong or missing token answers 404, as if the route did not
 * exist: the public origin never forwards `/internal`, and a caller without the token learns nothing.
 */
export function requireServiceToken(secret: string) {
  const expected = Buffer.from(serviceToken(secret));
  return async (request: FastifyRequest) => {
    const presented = request.headers[SERVICE_TOKEN_HEADER];
    const given = Buffer.from(typeof presented === 'string' ? presented : '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw notFound(`Route ${request.method} ${request.url.split('?')[0]}`);
    }
  };
}

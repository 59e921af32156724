import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { unauthorized } from '../errors.js';
import { isApiKey } from './api-key.js';
import type { SessionTokens } from './session-token.js';

export interface Principal {
  userId: string;
  via: 'session' | 'api_key';
  /** The API key's id when the request used one, so limits can apply per key as well as per user. */
  keyId?: string;
}

/** Whom an API key belongs to, and which key it is. */
export interface ApiKeyOwner {
  userId: string;
  keyId: string;
}

export interface AuthOptions {
  sessions: SessionTokens;
  /** Resolves an API key to its owner and id, or null when unknown or revoked. */
  resolveApiKey(key: string): Promise<ApiKeyOwner | null>;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** preHandler for routes that need a caller; answers 401 otherwise. */
    authenticate(request: FastifyRequest): Promise<void>;
  }
}

export function bearerCredential(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

export const authPlugin = fp(
  async (app: FastifyInstance, options: AuthOptions) => {
    app.decorateRequest('principal', null);
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const credential = bearerCredential(request);
      if (!credential) throw unauthorized('Send Authorization: Bearer <session token or API key>');
      const principal = isApiKey(credential)
        ? await principalFromKey(credential, options)
        : await principalFromSession(credential, options);
      if (!principal) throw unauthorized('The token or API key is invalid, expired or revoked');
      request.principal = principal;
    });
  },
  { name: 'chatty-auth' },
);

async function principalFromKey(key: string, options: AuthOptions): Promise<Principal | null> {
  const owner = await options.resolveApiKey(key);
  return owner ? { userId: owner.userId, via: 'api_key', keyId: owner.keyId } : null;
}

async function principalFromSession(token: string, options: AuthOptions): Promise<Principal | null> {
  const userId = await options.sessions.verify(token);
  return userId ? { userId, via: 'session' } : null;
}

/** The caller of a route guarded by `app.authenticate`. */
export function callerOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}

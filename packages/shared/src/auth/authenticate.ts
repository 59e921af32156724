import type { ApiKeyOwner, ApiKeyScope } from '@chatty/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { forbidden, unauthorized } from '../errors.js';
import { isApiKey } from './api-key.js';
import type { SessionTokens } from './session-token.js';

export interface Principal {
  userId: string;
  via: 'session' | 'api_key';
  /** The API key's id when the request used one, so limits can apply per key as well as per user. */
  keyId?: string;
  /** The session's id when the request used a session token (sign-out ends this one). */
  sessionId?: string;
  /** What the credential may do; a session may do everything its account may. */
  scope: ApiKeyScope;
}

export interface AuthOptions {
  sessions: SessionTokens;
  /**
   * Whether the session a valid token names is still live (not signed out, not ended by a password
   * change or an admin, its account not disabled). The token's signature cannot say: it is checked
   * against the registry's session record on every request, through a cache.
   */
  sessionIsLive(claims: { sessionId: string; userId: string }): Promise<boolean>;
  /** Resolves an API key to its owner, id and scope, or null when unknown, expired or revoked. */
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
  interface FastifyContextConfig {
    /** A `chat`-scoped API key may call this route: the chat itself and what a chat client reads. */
    chatScope?: boolean;
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
      if (!scopeAllows(principal.scope, request)) {
        throw forbidden(
          'KEY_SCOPE',
          `This API key's scope (${principal.scope}) does not allow ${request.method} ${request.routeOptions.url ?? request.url}`,
        );
      }
      request.principal = principal;
    });
  },
  { name: 'chatty-auth' },
);

/** `full` may do anything; `read` only reads; `chat` only the routes marked `chatScope`. */
export function scopeAllows(scope: ApiKeyScope, request: FastifyRequest): boolean {
  if (scope === 'full') return true;
  if (scope === 'chat') return request.routeOptions.config?.chatScope === true;
  return request.method === 'GET' || request.method === 'HEAD';
}

async function principalFromKey(key: string, options: AuthOptions): Promise<Principal | null> {
  const owner = await options.resolveApiKey(key);
  return owner ? { userId: owner.userId, via: 'api_key', keyId: owner.keyId, scope: owner.scope } : null;
}

async function principalFromSession(token: string, options: AuthOptions): Promise<Principal | null> {
  const claims = await options.sessions.verify(token);
  if (!claims || !(await options.sessionIsLive(claims))) return null;
  return { userId: claims.userId, via: 'session', sessionId: claims.sessionId, scope: 'full' };
}

/** The caller of a route guarded by `app.authenticate`. */
export function callerOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}

/**
 * Marks every route registered after it in the plugin that registers it as open to `chat`-scoped API
 * keys: a fastify-plugin, so it applies to its caller's routes and no one else's.
 */
export const chatKeysPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), chatScope: true };
    });
  },
  { name: 'chatty-chat-keys' },
);

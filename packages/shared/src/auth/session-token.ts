import { createSecretKey } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';

const ISSUER = 'chatty';
const AUDIENCE = 'chatty-api';

export interface SessionTokens {
  sign(userId: string): Promise<string>;
  /** The user id, or null for a token that is malformed, forged or expired. */
  verify(token: string): Promise<string | null>;
}

const VERIFIED_CACHE_SIZE = 10_000;

/**
 * Stateless session tokens (HS256 JWT) signed with a key derived from SECRET_KEY. A token is
 * immutable and its signature fixes its contents, so a verified one is remembered until it expires:
 * a client's later requests skip the HMAC and the JWT parsing.
 */
export function createSessionTokens(rawKey: Uint8Array, ttl = '7d'): SessionTokens {
  // A KeyObject made once, rather than raw bytes that are imported again on every verification.
  const key = createSecretKey(rawKey);
  const verified = new Map<string, { userId: string; expiresAt: number }>();
  return {
    async sign(userId) {
      return new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(ttl)
        .sign(key);
    },
    async verify(token) {
      const known = verified.get(token);
      if (known && known.expiresAt > Date.now()) return known.userId;
      if (known) verified.delete(token);
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer: ISSUER,
          audience: AUDIENCE,
          algorithms: ['HS256'],
        });
        if (!payload.sub || !payload.exp) return null;
        // Map keeps insertion order: dropping the first entry drops the oldest.
        if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
        verified.set(token, { userId: payload.sub, expiresAt: payload.exp * 1000 });
        return payload.sub;
      } catch (error) {
        if (error instanceof errors.JOSEError) return null;
        throw error;
      }
    },
  };
}

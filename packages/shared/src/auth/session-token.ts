import { createSecretKey, randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';

const ISSUER = 'chatty';
const AUDIENCE = 'chatty-api';

/** What a valid session token says: whose it is, and which server-side session it belongs to. */
export interface SessionClaims {
  userId: string;
  /** The token's `jti`: the id of the session record a sign-out or an admin ends. */
  sessionId: string;
}

export interface SessionTokens {
  /** A token for the session `sessionId` (a fresh id when none is given). */
  sign(userId: string, sessionId?: string): Promise<string>;
  /** The claims, or null for a token that is malformed, forged, expired or from before sessions had ids. */
  verify(token: string): Promise<SessionClaims | null>;
  /** How long a token lives, in milliseconds. */
  readonly ttlMs: number;
}

const VERIFIED_CACHE_SIZE = 10_000;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `7d`, `12h`, `30 m` → milliseconds (the SESSION_TTL format; a negative one makes expired tokens). */
export function durationMs(text: string): number {
  const match = /^(-?\d+)\s?([smhdw])$/.exec(text.trim());
  if (!match) throw new Error(`Not a duration: ${text}`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/**
 * Session tokens (HS256 JWT) signed with a key derived from SECRET_KEY. A token is immutable and its
 * signature fixes its contents, so a verified one is remembered until it expires: a client's later
 * requests skip the HMAC and the JWT parsing. Whether its session was ended is a separate check
 * (`AuthOptions.sessionIsLive`), since that changes while the token does not.
 */
export function createSessionTokens(rawKey: Uint8Array, ttl = '7d'): SessionTokens {
  // A KeyObject made once, rather than raw bytes that are imported again on every verification.
  const key = createSecretKey(rawKey);
  const ttlMs = durationMs(ttl);
  const verified = new Map<string, SessionClaims & { expiresAt: number }>();
  return {
    ttlMs,
    async sign(userId, sessionId = randomUUID()) {
      return new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(userId)
        .setJti(sessionId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(Math.floor((Date.now() + ttlMs) / 1000))
        .sign(key);
    },
    async verify(token) {
      const known = verified.get(token);
      if (known && known.expiresAt > Date.now()) return { userId: known.userId, sessionId: known.sessionId };
      if (known) verified.delete(token);
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer: ISSUER,
          audience: AUDIENCE,
          algorithms: ['HS256'],
        });
        if (!payload.sub || !payload.exp || !payload.jti) return null;
        // Map keeps insertion order: dropping the first entry drops the oldest.
        if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
        const claims = { userId: payload.sub, sessionId: payload.jti };
        verified.set(token, { ...claims, expiresAt: payload.exp * 1000 });
        return claims;
      } catch (error) {
        if (error instanceof errors.JOSEError) return null;
        throw error;
      }
    },
  };
}

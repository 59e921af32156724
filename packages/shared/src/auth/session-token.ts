import { createHash, createSecretKey, type KeyObject, randomUUID } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose';
import { deriveKey } from '../config/secret-key.js';

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
 * The keys of session tokens: the current one signs (and verifies), the previous ones only verify,
 * so a rotation can keep the tokens already handed out working for an overlap window.
 */
export interface SessionSigningKeys {
  current: Uint8Array;
  previous: Uint8Array[];
}

/**
 * The keys SESSION_SIGNING_KEY (else SECRET_KEY) and SESSION_SIGNING_KEY_PREVIOUS (comma-separated)
 * name, each stretched through HKDF as before, so a key keeps verifying what it signed whichever
 * variable holds it — SECRET_KEY's value moved into SESSION_SIGNING_KEY_PREVIOUS included.
 */
export function sessionSigningKeys(
  config: { SESSION_SIGNING_KEY?: string | undefined; SESSION_SIGNING_KEY_PREVIOUS?: string | undefined },
  secret: string,
): SessionSigningKeys {
  const previous = (config.SESSION_SIGNING_KEY_PREVIOUS ?? '').split(',').filter(Boolean);
  return {
    current: deriveKey(config.SESSION_SIGNING_KEY ?? secret, 'session-token'),
    previous: previous.map((key) => deriveKey(key, 'session-token')),
  };
}

/** A short public name of a key (the token's `kid`): a hash, from which the key cannot be found. */
function keyId(key: Uint8Array): string {
  return createHash('sha256').update('chatty session key id').update(key).digest('base64url').slice(0, 12);
}

/**
 * Session tokens (HS256 JWT), signed with the current key and named by its `kid`; a token signed with
 * a previous key (or, without a `kid`, before keys had names) verifies while that key is configured.
 * A token is immutable and its signature fixes its contents, so a verified one is remembered until it
 * expires: a client's later requests skip the HMAC and the JWT parsing. Whether its session was ended
 * is a separate check (`AuthOptions.sessionIsLive`), since that changes while the token does not.
 */
export function createSessionTokens(keys: SessionSigningKeys | Uint8Array, ttl = '7d'): SessionTokens {
  const { current, previous } = keys instanceof Uint8Array ? { current: keys, previous: [] } : keys;
  // KeyObjects made once, rather than raw bytes that are imported again on every verification.
  const named = new Map<string, KeyObject>();
  for (const raw of [current, ...previous]) {
    const kid = keyId(raw);
    if (!named.has(kid)) named.set(kid, createSecretKey(raw));
  }
  const currentKid = keyId(current);
  const signingKey = named.get(currentKid)!;
  const ttlMs = durationMs(ttl);
  const verified = new Map<string, SessionClaims & { expiresAt: number }>();

  /** The keys that may have signed this token: the one its `kid` names, or all for a token without one. */
  function candidates(token: string): KeyObject[] {
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      return [];
    }
    if (kid === undefined) return [...named.values()];
    const key = typeof kid === 'string' ? named.get(kid) : undefined;
    return key ? [key] : [];
  }

  async function verifyWith(token: string, key: KeyObject) {
    try {
      const { payload } = await jwtVerify(token, key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
      });
      return payload;
    } catch (error) {
      if (error instanceof errors.JOSEError) return null;
      throw error;
    }
  }

  return {
    ttlMs,
    async sign(userId, sessionId = randomUUID()) {
      return new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', kid: currentKid })
        .setSubject(userId)
        .setJti(sessionId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(Math.floor((Date.now() + ttlMs) / 1000))
        .sign(signingKey);
    },
    async verify(token) {
      const known = verified.get(token);
      if (known && known.expiresAt > Date.now()) return { userId: known.userId, sessionId: known.sessionId };
      if (known) verified.delete(token);
      for (const key of candidates(token)) {
        const payload = await verifyWith(token, key);
        if (!payload) continue;
        if (!payload.sub || !payload.exp || !payload.jti) return null;
        // Map keeps insertion order: dropping the first entry drops the oldest.
        if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
        const claims = { userId: payload.sub, sessionId: payload.jti };
        verified.set(token, { ...claims, expiresAt: payload.exp * 1000 });
        return claims;
      }
      return null;
    },
  };
}

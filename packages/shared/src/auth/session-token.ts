import { errors, jwtVerify, SignJWT } from 'jose';

const ISSUER = 'chatty';
const AUDIENCE = 'chatty-api';

export interface SessionTokens {
  sign(userId: string): Promise<string>;
  /** The user id, or null for a token that is malformed, forged or expired. */
  verify(token: string): Promise<string | null>;
}

/** Stateless session tokens (HS256 JWT) signed with a key derived from SECRET_KEY. */
export function createSessionTokens(key: Uint8Array, ttl = '7d'): SessionTokens {
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
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer: ISSUER,
          audience: AUDIENCE,
          algorithms: ['HS256'],
        });
        return payload.sub ?? null;
      } catch (error) {
        if (error instanceof errors.JOSEError) return null;
        throw error;
      }
    },
  };
}

import { ACTION_SECRET_MASK } from '@chatty/shared';
import { decryptSecret, encryptSecret } from './secret-box.js';

const ALWAYS_SECRET = new Set(['authorization', 'proxy-authorization', 'cookie']);

/** API.md: Authorization, Proxy-Authorization, Cookie, and any header naming a key, token or secret. */
export function isSecretHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return ALWAYS_SECRET.has(lower) || /key|token|secret/.test(lower);
}

export function splitHeaders(headers: Record<string, string>) {
  const plain: Record<string, string> = {};
  const secret: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (isSecretHeader(name)) secret[name] = value;
    else plain[name] = value;
  }
  return { plain, secret };
}

/** The headers as responses show them: secret values replaced by `***`. */
export function maskedHeaders(plain: Record<string, string>, secretNames: string[]): Record<string, string> {
  return { ...plain, ...Object.fromEntries(secretNames.map((name) => [name, ACTION_SECRET_MASK])) };
}

export function sealSecretHeaders(
  key: Buffer,
  secret: Record<string, string>,
  actionId: string,
): string | null {
  return Object.keys(secret).length === 0 ? null : encryptSecret(key, JSON.stringify(secret), actionId);
}

export function openSecretHeaders(
  key: Buffer,
  sealed: string | null,
  actionId: string,
): Record<string, string> {
  return sealed ? (JSON.parse(decryptSecret(key, sealed, actionId)) as Record<string, string>) : {};
}

import { ACTION_SECRET_MASK } from '@chatty/contracts';
import { decryptSecret, encryptSecret, type SecretKeys } from './secret-box.js';

const ALWAYS_SECRET = new Set(['authorization', 'proxy-authorization', 'cookie']);
/**
 * Words that make a header or parameter name a credential: `api_key`, `X-Api-Key`, `token`,
 * `client_secret`, `password`, `X-Password`, `Authentication`, `X-Auth`, `session`, `signature`…
 * (`auth` only as a word of its own, so `author` stays plain).
 */
const CREDENTIAL_WORDS = /key|token|secret|passw|pwd|credential|signature|session|(^|[-_.])auth(?!or)/;

/** API.md: Authorization, Proxy-Authorization, Cookie, and any name that says it carries a credential. */
export function isSecretHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return ALWAYS_SECRET.has(lower) || CREDENTIAL_WORDS.test(lower);
}

/**
 * A parameter (query or body field) holding a credential: its name says so and its value is the
 * owner's, not a `{{placeholder}}` the model fills (a `page_token` the model passes on is no secret).
 */
export function isSecretParameter(name: string, value: string): boolean {
  return isSecretHeader(name) && !value.includes('{{');
}

/** Splits a map into what may be shown and what is write-only. */
function splitSecrets(values: Record<string, string>, isSecret: (name: string, value: string) => boolean) {
  const plain: Record<string, string> = {};
  const secret: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (isSecret(name, value)) secret[name] = value;
    else plain[name] = value;
  }
  return { plain, secret };
}

export const splitHeaders = (headers: Record<string, string>) => splitSecrets(headers, isSecretHeader);
export const splitParameters = (parameters: Record<string, string>) =>
  splitSecrets(parameters, isSecretParameter);

/** The map as responses show it: secret values replaced by `***`. */
export function maskedHeaders(plain: Record<string, string>, secretNames: string[]): Record<string, string> {
  return { ...plain, ...Object.fromEntries(secretNames.map((name) => [name, ACTION_SECRET_MASK])) };
}

/** Scheme, host and port: the only place an action's secrets may be sent. */
export function originOf(url: string): string {
  return new URL(url).origin;
}

/**
 * What a sealed secret is bound to: the action, and the origin of the URL it was saved with. Pointing
 * the row at another origin without sealing again (a database edit, a bug) leaves it unreadable.
 */
const bindingOf = (actionId: string, url: string) => `${actionId}|${originOf(url)}`;

export function sealSecrets(
  key: SecretKeys,
  secret: Record<string, string>,
  action: { id: string; url: string },
): string | null {
  return Object.keys(secret).length === 0
    ? null
    : encryptSecret(key, JSON.stringify(secret), bindingOf(action.id, action.url));
}

export function openSecrets(
  key: SecretKeys,
  sealed: string | null,
  action: { id: string; url: string },
): Record<string, string> {
  if (!sealed) return {};
  return JSON.parse(decryptSecret(key, sealed, bindingOf(action.id, action.url), action.id)) as Record<
    string,
    string
  >;
}

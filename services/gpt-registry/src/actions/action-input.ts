import { validateHeaderName } from 'node:http';
import {
  ACTION_SECRET_MASK,
  type ActionArgument,
  type ActionConfirmation,
  type ActionMethod,
  BRACED,
  PLACEHOLDER,
  RESERVED_ACTION_HEADERS,
} from '@chatty/contracts';
import { badRequest } from '@chatty/shared';
import { nameOf } from '../text/single-line.js';
import { isSecretHeader, isSecretParameter } from './secret-headers.js';

/** An action as stored, secrets in clear: only ever held in memory, on the way to or from the cipher. */
export interface ActionFields {
  name: string;
  description: string;
  url: string;
  method: ActionMethod;
  headers: Record<string, string>;
  parameters: Record<string, string>;
  arguments: ActionArgument[];
  isActive: boolean;
  confirmation: ActionConfirmation;
}

const ORIGIN = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)/i;
/** As the request schema allows (arguments: maxItems). */
const MAX_ARGUMENTS = 50;

/** The `host[:port]` an action's URL targets (placeholders are never in it). */
export function hostOf(url: string): string {
  return new URL(url).host;
}

/**
 * Checks what a schema cannot (the URL's shape, header names, the name) and returns the fields as
 * stored: the name trimmed, and an argument for every placeholder.
 */
export function checkActionFields(fields: ActionFields): ActionFields {
  const origin = ORIGIN.exec(fields.url)?.[1];
  let url: URL;
  try {
    url = new URL(fields.url);
  } catch {
    throw badRequest('INVALID_URL', 'url must be an absolute http(s) URL');
  }
  if (!origin || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw badRequest('INVALID_URL', 'url must be an absolute http(s) URL');
  }
  if (origin.includes('{{'))
    throw badRequest('INVALID_URL', 'Placeholders may not be used in the host of url');
  if (url.username || url.password) {
    throw badRequest(
      'INVALID_URL',
      'url may not hold credentials; use a secret header such as Authorization',
    );
  }
  // The URL is shown to anyone who reads the action; a credential in its query would be too.
  for (const [name, value] of url.searchParams) {
    if (isSecretParameter(name, value)) {
      throw badRequest(
        'SECRET_IN_URL',
        `The query parameter ${name} looks like a credential; give it under parameters, where it is stored encrypted and never shown`,
      );
    }
  }

  for (const [name, value] of Object.entries(fields.headers)) {
    try {
      validateHeaderName(name);
    } catch {
      throw badRequest('INVALID_HEADER', `"${name}" is not a valid header name`);
    }
    if (RESERVED_ACTION_HEADERS.has(name.toLowerCase())) {
      throw badRequest('INVALID_HEADER', `Header ${name} is set by the action-runner and may not be given`);
    }
    // The value is never echoed: it may be a secret.
    if (/[\r\n\0]/.test(value)) throw badRequest('INVALID_HEADER', `Header ${name} holds a line break`);
    if (isSecretHeader(name) && value.includes('{{')) {
      throw badRequest('INVALID_HEADER', `Secret header ${name} may not hold placeholders`);
    }
  }
  const lowerNames = Object.keys(fields.headers).map((name) => name.toLowerCase());
  if (new Set(lowerNames).size !== lowerNames.length) {
    throw badRequest('INVALID_HEADER', 'A header is given twice (header names ignore case)');
  }

  refuseMalformedPlaceholders(fields);

  const declared = new Set<string>();
  for (const argument of fields.arguments) {
    if (declared.has(argument.name)) {
      throw badRequest('INVALID_ARGUMENTS', `Argument ${argument.name} is declared twice`);
    }
    declared.add(argument.name);
  }
  return { ...fields, name: nameOf(fields.name), arguments: withPlaceholderArguments(fields) };
}

const WHOLE_PLACEHOLDER = new RegExp(`^${PLACEHOLDER.source}$`);

/**
 * `{{city-name}}` or `{{}}` would otherwise be sent as literal text and the model never asked for it.
 * Header and parameter values are not quoted back: they may be secrets.
 */
function refuseMalformedPlaceholders(fields: ActionFields): void {
  const malformed = (template: string) =>
    [...template.matchAll(BRACED)].find(([braced]) => !WHOLE_PLACEHOLDER.test(braced))?.[0];
  const rule = 'a placeholder is {{name}}: letters, digits and _, not starting with a digit';
  const inUrl = malformed(fields.url);
  if (inUrl)
    throw badRequest('INVALID_PLACEHOLDER', `url holds ${inUrl}, which is not a placeholder; ${rule}`);
  for (const [where, map] of [
    ['Header', fields.headers],
    ['Parameter', fields.parameters],
  ] as const) {
    for (const [name, template] of Object.entries(map)) {
      if (malformed(template))
        throw badRequest(
          'INVALID_PLACEHOLDER',
          `${where} ${name} holds {{...}} that is not a placeholder; ${rule}`,
        );
    }
  }
}

/**
 * The declared arguments, then one for each placeholder that has none: a required string, which is
 * what a `{{location}}` in a URL or a parameter means. Declared ones keep their type and description.
 */
function withPlaceholderArguments(fields: ActionFields): ActionArgument[] {
  const names = new Set(fields.arguments.map((argument) => argument.name));
  const added: ActionArgument[] = [];
  const templates = [fields.url, ...Object.values(fields.headers), ...Object.values(fields.parameters)];
  for (const template of templates) {
    for (const [, name] of template.matchAll(PLACEHOLDER)) {
      if (names.has(name!)) continue;
      names.add(name!);
      added.push({ name: name!, type: 'string', description: '', required: true });
    }
  }
  if (added.length > 0 && fields.arguments.length + added.length > MAX_ARGUMENTS) {
    throw badRequest('INVALID_ARGUMENTS', `An action may have at most ${MAX_ARGUMENTS} arguments`);
  }
  return [...fields.arguments, ...added];
}

/**
 * A new action has no stored secret for `***` to stand for: sent as a value (a client echoing what it
 * read back), it would reach the target as the literal `***`. Refused, naming what to send instead.
 */
export function refuseMaskedSecrets(fields: Pick<ActionFields, 'headers' | 'parameters'>): void {
  const masked = [
    ...Object.entries(fields.headers).flatMap(([name, value]) =>
      value === ACTION_SECRET_MASK && isSecretHeader(name) ? [`header ${name}`] : [],
    ),
    ...Object.entries(fields.parameters).flatMap(([name, value]) =>
      value === ACTION_SECRET_MASK && isSecretParameter(name, value) ? [`parameter ${name}`] : [],
    ),
  ];
  if (masked.length === 0) return;
  throw badRequest(
    'SECRET_NOT_SET',
    `The ${masked.join(' and the ')} ${masked.length > 1 ? 'are' : 'is'} "${ACTION_SECRET_MASK}", which stands for a stored secret; a new action has none. Send the value itself`,
  );
}

/**
 * Headers or parameters after an update. A secret left as `***` keeps its stored value, unless the
 * origin (scheme, host or port) changed: then it is dropped, since a secret meant for one origin must
 * not be sent to another. Secrets not listed at all are removed, like anything left out of the new map.
 */
function mergeSecrets(
  given: Record<string, string>,
  stored: Record<string, string>,
  originChanged: boolean,
  isSecret: (name: string, value: string) => boolean,
): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (value === ACTION_SECRET_MASK && isSecret(name, value)) {
      const kept = stored[name];
      if (kept !== undefined && !originChanged) merged[name] = kept;
      continue;
    }
    merged[name] = value;
  }
  return merged;
}

export const mergeHeaders = (
  given: Record<string, string>,
  stored: Record<string, string>,
  originChanged: boolean,
) => mergeSecrets(given, stored, originChanged, isSecretHeader);

export const mergeParameters = (
  given: Record<string, string>,
  stored: Record<string, string>,
  originChanged: boolean,
) => mergeSecrets(given, stored, originChanged, isSecretParameter);

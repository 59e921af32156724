import { validateHeaderName, validateHeaderValue } from 'node:http';
import {
  type ActionRequestSpec,
  type ArgumentValue,
  type ArgumentValues,
  PLACEHOLDER,
  RESERVED_ACTION_HEADERS,
} from '@chatty/contracts';
import { invalidAction, invalidArgument } from '../errors.js';

export const USER_AGENT = 'Chatty-Action-Runner/0.1';

export interface RenderedRequest {
  method: ActionRequestSpec['method'];
  url: URL;
  headers: Record<string, string>;
  body: Buffer | null;
}

const SCHEME_AND_AUTHORITY = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/is;
const ONLY_PLACEHOLDER = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}$/;

/**
 * Fills `{{name}}` placeholders from the arguments so that no argument can change where the request
 * goes or what it carries beyond its own slot: placeholders are refused in the scheme and authority,
 * values are percent-encoded in the path and query (so `@`, `/`, `?`, `#` stay data), a path segment
 * may not become `.` or `..`, and header values may not hold CR, LF or other control characters.
 */
export function renderRequest(spec: ActionRequestSpec): RenderedRequest {
  const args = spec.arguments;
  for (const [name, value] of Object.entries(args)) {
    const kind = typeof value;
    if (kind !== 'string' && kind !== 'boolean' && !(kind === 'number' && Number.isFinite(value))) {
      throw invalidArgument(`Argument ${name} must be a string, a number or a boolean`);
    }
    if (kind === 'string' && (value as string).length > 8192) {
      throw invalidArgument(`Argument ${name} is longer than 8192 characters`);
    }
  }
  const parts = SCHEME_AND_AUTHORITY.exec(spec.url);
  if (!parts) throw invalidAction('The action URL must be absolute (scheme://host/...)');
  const [, origin = '', path = '', search = ''] = parts;
  if (origin.includes('{{')) throw invalidAction('Placeholders are not allowed in the scheme or host');

  const renderedPath = path
    .split('/')
    .map((segment) => {
      if (!segment.includes('{{')) return segment;
      const rendered = fill(segment, args, encodeURIComponent);
      if (/^(\.|%2e){1,2}$/i.test(rendered))
        throw invalidArgument('An argument may not make a path segment "." or ".."');
      return rendered;
    })
    .join('/');
  const renderedSearch = search
    ? `?${search
        .slice(1)
        .split('&')
        .map((pair) => fill(pair, args, encodeURIComponent))
        .join('&')}`
    : '';

  let url: URL;
  try {
    url = new URL(`${origin}${renderedPath}${renderedSearch}`);
  } catch {
    throw invalidAction('The action URL is not a valid URL');
  }
  // Defence in depth: whatever was filled in, the target is the one the template names.
  if (url.origin !== new URL(origin).origin)
    throw invalidArgument('An argument may not change the target host');
  for (const [key, template] of Object.entries(spec.query)) {
    const value = wholeValue(template, args);
    if (value === undefined) continue;
    url.searchParams.append(key, String(value));
  }

  const headers: Record<string, string> = {};
  for (const [name, template] of Object.entries(spec.headers)) {
    checkHeaderName(name);
    const value = wholeValue(template, args);
    if (value === undefined) continue;
    const text = String(value);
    try {
      validateHeaderValue(name, text);
    } catch {
      throw invalidArgument(`Header ${name} would hold a control character (CR, LF...)`);
    }
    headers[name.toLowerCase()] = text;
  }
  headers['user-agent'] = USER_AGENT;

  let body: Buffer | null = null;
  if (spec.body && (spec.method === 'POST' || spec.method === 'PUT')) {
    const json: Record<string, ArgumentValue> = {};
    for (const [key, template] of Object.entries(spec.body)) {
      const value = wholeValue(template, args);
      if (value !== undefined) json[key] = value;
    }
    body = Buffer.from(JSON.stringify(json));
    headers['content-type'] ??= 'application/json';
  }
  return { method: spec.method, url, headers, body };
}

function checkHeaderName(name: string): void {
  try {
    validateHeaderName(name);
  } catch {
    throw invalidAction(`"${name}" is not a valid header name`);
  }
  if (RESERVED_ACTION_HEADERS.has(name.toLowerCase()))
    throw invalidAction(`Header ${name} is set by the runner`);
}

/**
 * A template that is exactly one placeholder yields the argument itself (typed, or undefined when it
 * was not given, so the entry is left out); anything else is text with each placeholder filled.
 */
function wholeValue(template: string, args: ArgumentValues): ArgumentValue | undefined {
  const only = ONLY_PLACEHOLDER.exec(template);
  if (only) return args[only[1]!];
  return fill(template, args, (text) => text);
}

function fill(template: string, args: ArgumentValues, encode: (text: string) => string): string {
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = args[name];
    return value === undefined ? '' : encode(String(value));
  });
}

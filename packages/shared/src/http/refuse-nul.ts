import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { badRequest } from '../errors.js';

/**
 * Whether any string in a parsed JSON body, query or params holds the NUL character (U+0000). Walked with
 * a stack of its own, so a deeply nested body cannot overflow the call stack.
 */
export function holdsNul(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      if (next.includes('\0')) return true;
    } else if (isParsedJson(next)) {
      for (const key in next) {
        if (key.includes('\0')) return true;
        pending.push((next as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}

/**
 * Arrays and plain objects only: a body the route did not parse (a Buffer or a stream the origin
 * passes on, an upload) is the business of the service that reads it.
 */
function isParsedJson(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

const nulRefused = () =>
  badRequest('NUL_CHARACTER', 'Text may not hold the NUL character (U+0000, "\\u0000")');

/**
 * Refuses a request whose JSON body, query or path holds U+0000 with a 400 before any route sees it:
 * Postgres text and jsonb cannot store the character, so it would otherwise fail at the first write
 * (after a model had answered, for a chat message) as a 500.
 */
export const refuseNulPlugin = fp(
  async (app: FastifyInstance) => {
    // A callback hook, not an async one: it runs on every request, and most have nothing to check.
    app.addHook('preValidation', (request, _reply, done) => {
      // The path and query reach a route decoded from the URL, where NUL can only be written `%00`.
      const url = request.raw.url ?? '';
      const inUrl =
        url.includes('%00') &&
        // Fastify's query and params objects are not plain ones: their own keys are what count.
        (holdsNul({ ...(request.params as object) }) || holdsNul({ ...(request.query as object) }));
      done(inUrl || holdsNul(request.body) ? nulRefused() : undefined);
    });
  },
  { name: 'chatty-refuse-nul' },
);

import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { badRequest } from '../errors.js';

/**
 * Whether any string in a parsed body, query or params holds the NUL character (U+0000). Walked with
 * a stack of its own, so a deeply nested body cannot overflow the call stack.
 */
export function holdsNul(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      if (next.includes('\0')) return true;
    } else if (next !== null && typeof next === 'object') {
      for (const key in next) {
        if (key.includes('\0')) return true;
        pending.push((next as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}

/**
 * Refuses a request whose JSON body, query or path holds U+0000 with a 400 before any route sees it:
 * Postgres text and jsonb cannot store the character, so it would otherwise fail at the first write
 * (after a model had answered, for a chat message) as a 500.
 */
export const refuseNulPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('preValidation', async (request) => {
      if (holdsNul(request.params) || holdsNul(request.query) || holdsNul(request.body))
        throw badRequest('NUL_CHARACTER', 'Text may not hold the NUL character (U+0000, "\\u0000")');
    });
  },
  { name: 'chatty-refuse-nul' },
);

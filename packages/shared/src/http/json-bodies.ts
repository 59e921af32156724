import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { badRequest } from '../errors.js';

/**
 * How request bodies are read: JSON, and nothing else (upload routes add multipart themselves).
 *
 * - `Content-Type: application/json` with no body is taken as no body where the route reads none: a
 *   DELETE, or a POST such as sign-out or a warm-up. HTTP clients that set the header on every request
 *   (a wrapper's defaults) send exactly that. A route that reads a body keeps the 400 `BAD_JSON`:
 *   there the header promises the body it needs. Fastify's own parser (prototype-poisoning checks
 *   included) does the rest.
 * - Fastify's `text/plain` parser is removed: JSON sent as text would reach the route as a string and
 *   fail as "body must be object"; it is 415 instead, naming the type to send.
 */
export const jsonBodiesPlugin = fp(
  async (app: FastifyInstance) => {
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser(['application/json', 'text/plain']);
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      if (body === '' && readsNoBody(request)) return done(null, undefined);
      parseJson(request, body as string, (error, parsed) => {
        // Fastify's parser gives one error for both; JSON.parse tells them apart (only on this path).
        if (error && isValidJson(body as string)) return done(badRequest('BAD_JSON', POISONED), undefined);
        done(error, parsed);
      });
    });
  },
  { name: 'chatty-json-bodies' },
);

/** Valid JSON, refused all the same: such keys are how prototype pollution starts. */
const POISONED = 'The request body holds a "__proto__" or "constructor.prototype" key, which is refused';

function isValidJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function readsNoBody(request: FastifyRequest): boolean {
  return request.method === 'DELETE' || request.routeOptions.schema?.body === undefined;
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

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
      parseJson(request, body as string, done);
    });
  },
  { name: 'chatty-json-bodies' },
);

function readsNoBody(request: FastifyRequest): boolean {
  return request.method === 'DELETE' || request.routeOptions.schema?.body === undefined;
}

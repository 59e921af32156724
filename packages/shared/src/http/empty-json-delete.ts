import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * A DELETE with `Content-Type: application/json` and no body is taken as having no body. HTTP clients
 * that set the header on every request (a wrapper's defaults) send exactly that, and nothing about a
 * delete is in its body. Other methods keep the 400 for an empty JSON body: there the header promises
 * a body the route needs. Fastify's own parser (prototype-poisoning checks included) does the rest.
 */
export const emptyJsonDeletePlugin = fp(
  async (app: FastifyInstance) => {
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      if (body === '' && request.method === 'DELETE') return done(null, undefined);
      parseJson(request, body as string, done);
    });
  },
  { name: 'chatty-empty-json-delete' },
);

import { openApiPath, type RouteContract } from '@chatty/contracts';
import swagger from '@fastify/swagger';
import Fastify from 'fastify';

/** The part of an OpenAPI document the comparison reads. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
  [key: string]: unknown;
}

interface Operation {
  parameters?: Array<{ in: string; name: string; required?: boolean; schema?: unknown }>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/** What a route accepts and answers, as a document states it: parameters, body and answers, refs resolved. */
export interface OperationShape {
  parameters: Array<{ in: string; name: string; required: boolean; schema: unknown }>;
  body: { required: boolean; schema: unknown } | null;
  /** Each status's schema; null for an answer without a body. Media types are left out (text/plain, zip). */
  responses: Record<string, unknown>;
}

export const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * The document @fastify/swagger makes of the given contracts, as the services' own documents are
 * made of their routes: the same conversion, so any difference is a difference of schema.
 */
export async function documentOfContracts(routes: RouteContract[]): Promise<OpenApiDocument> {
  const app = Fastify();
  await app.register(swagger, { openapi: { openapi: '3.1.0', info: { title: 'contracts', version: '0' } } });
  for (const route of routes) {
    app.route({ method: route.method, url: route.url, schema: route.schema, handler: async () => null });
  }
  await app.ready();
  const document = app.swagger() as unknown as OpenApiDocument;
  await app.close();
  return document;
}

export function shapeOf(document: OpenApiDocument, path: string, method: string): OperationShape | undefined {
  const operation = document.paths[path]?.[method];
  if (!operation) return undefined;
  const resolve = (schema: unknown): unknown => resolveRefs(schema, document.components?.schemas ?? {});
  const first = (content: Record<string, { schema?: unknown }> | undefined) =>
    content ? resolve(Object.values(content)[0]?.schema ?? null) : null;
  return {
    parameters: (operation.parameters ?? [])
      .map((parameter) => ({
        in: parameter.in,
        name: parameter.name,
        required: Boolean(parameter.required),
        schema: resolve(parameter.schema),
      }))
      .sort((a, b) => `${a.in}:${a.name}`.localeCompare(`${b.in}:${b.name}`)),
    body: operation.requestBody
      ? { required: Boolean(operation.requestBody.required), schema: first(operation.requestBody.content) }
      : null,
    responses: Object.fromEntries(
      Object.entries(operation.responses ?? {}).map(([status, answer]) => [status, first(answer.content)]),
    ),
  };
}

/** `{$ref: '#/components/schemas/X'}` replaced by X, everywhere; the names a document gives differ. */
function resolveRefs(value: unknown, schemas: Record<string, unknown>, seen = new Set<string>()): unknown {
  if (Array.isArray(value)) return value.map((each) => resolveRefs(each, schemas, seen));
  if (value === null || typeof value !== 'object') return value;
  const ref = (value as { $ref?: unknown }).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/') && !seen.has(ref)) {
    const target = schemas[ref.slice('#/components/schemas/'.length)];
    return resolveRefs(withoutTitle(target), schemas, new Set([...seen, ref]));
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, each]) => [key, resolveRefs(each, schemas, seen)]),
  );
}

/** A component's `title` is the name the document gave it, not part of the schema. */
function withoutTitle(schema: unknown): unknown {
  if (schema === null || typeof schema !== 'object') return schema;
  const { title: _title, ...rest } = schema as Record<string, unknown>;
  return rest;
}

/** Every `METHOD path` of a document. */
export function operationsOf(document: OpenApiDocument): string[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .filter((method) => (METHODS as readonly string[]).includes(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

export const operationOf = (route: RouteContract) => `${route.method} ${openApiPath(route.url)}`;

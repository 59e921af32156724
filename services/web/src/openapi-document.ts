import type { FastifyInstance } from 'fastify';

interface OpenApiDocument {
  paths?: Record<string, unknown>;
  components?: Record<string, Record<string, unknown> | undefined>;
  tags?: Array<{ name: string }>;
  [key: string]: unknown;
}

/**
 * The public API is served by several services, each generating the document of its own routes. The
 * origin answers `/api/openapi.json` (and the docs UI's `/api/docs/json`) with their union, so one
 * reference describes everything reachable here. The registry's document leads (title, security).
 */
export function registerMergedOpenApi(
  app: FastifyInstance,
  sources: Array<{ name: string; url: string }>,
): void {
  const handler = async () => {
    const documents = await Promise.all(
      sources.map(async (source) => {
        try {
          const response = await fetch(new URL('/api/openapi.json', source.url), {
            signal: AbortSignal.timeout(3000),
          });
          return response.ok ? ((await response.json()) as OpenApiDocument) : undefined;
        } catch {
          app.log.warn({ upstream: source.name }, 'OpenAPI document unavailable; left out');
          return undefined;
        }
      }),
    );
    return mergeDocuments(documents.filter((document): document is OpenApiDocument => Boolean(document)));
  };
  app.get('/api/openapi.json', handler);
  app.get('/api/docs/json', handler);
}

export function mergeDocuments([first, ...rest]: OpenApiDocument[]): OpenApiDocument {
  if (!first) return { openapi: '3.1.0', info: { title: 'Chatty API', version: 'unknown' }, paths: {} };
  const merged: OpenApiDocument = structuredClone(first);
  merged.paths ??= {};
  merged.components ??= {};
  for (const document of rest) {
    for (const [path, operations] of Object.entries(document.paths ?? {})) {
      merged.paths[path] = { ...(merged.paths[path] as object | undefined), ...(operations as object) };
    }
    for (const [kind, entries] of Object.entries(document.components ?? {})) {
      merged.components[kind] = { ...entries, ...merged.components[kind] };
    }
    const known = new Set((merged.tags ?? []).map((tag) => tag.name));
    merged.tags = [...(merged.tags ?? []), ...(document.tags ?? []).filter((tag) => !known.has(tag.name))];
  }
  return merged;
}

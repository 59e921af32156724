import { dereference } from '@apidevtools/json-schema-ref-parser';
import type { ActionArgument, ActionMethod } from '@chatty/contracts';
import { badRequest } from '@chatty/shared';
import { parse as parseYaml } from 'yaml';
import type { ActionFields } from './action-input.js';
import { isSecretHeader } from './secret-headers.js';

const MAX_IMPORTED_OPERATIONS = 100;
const METHODS: ActionMethod[] = ['GET', 'POST', 'PUT', 'DELETE'];

type Json = Record<string, unknown>;
interface Parameter {
  name: string;
  in: string;
  description?: string;
  required?: boolean;
  schema?: Json;
}
/** An operation as an action, with the secret headers it needs, whose values the user must enter. */
export interface ImportedAction {
  fields: ActionFields;
  secretHeaders: string[];
}

export interface SkippedOperation {
  method: string;
  path: string;
  reason: string;
}

/**
 * An OpenAPI 3 document (JSON or YAML text) as one action per operation. `$ref`s are resolved inside
 * the document only: an external reference is never fetched, since the registry must not be made to
 * reach arbitrary URLs while importing. Path and query parameters, non-secret header parameters and
 * the properties of a JSON request body become the action's arguments.
 */
export async function actionsFromOpenApi(
  text: string,
): Promise<{ actions: ImportedAction[]; skipped: SkippedOperation[] }> {
  const doc = await parseDocument(text);
  const actions: ImportedAction[] = [];
  const skipped: SkippedOperation[] = [];
  const paths = Object.entries((doc.paths ?? {}) as Record<string, Json>);
  if (paths.length === 0) throw badRequest('INVALID_OPENAPI', 'The document has no paths: nothing to import');
  for (const [path, item] of paths) {
    // Left as it is by the dereference: an external reference is never fetched.
    if (typeof item?.$ref === 'string' && !item.$ref.startsWith('#'))
      skipped.push({
        method: '*',
        path,
        reason: `an external $ref (${item.$ref.slice(0, 200)}), never fetched`,
      });
    for (const [methodKey, operation] of Object.entries(item ?? {})) {
      if (['parameters', 'servers', 'summary', 'description', '$ref'].includes(methodKey)) continue;
      const method = methodKey.toUpperCase();
      if (!METHODS.includes(method as ActionMethod)) {
        skipped.push({ method, path, reason: `${method} is not an action method (GET, POST, PUT, DELETE)` });
        continue;
      }
      const base = serverUrl((operation as Json).servers ?? item.servers ?? doc.servers);
      if (!base) {
        skipped.push({ method, path, reason: 'no absolute http(s) server URL' });
        continue;
      }
      const parameters = mergeParameters(item.parameters, (operation as Json).parameters);
      const name = nameOf(operation as Json, method, path);
      actions.push({
        fields: actionOf(name, method as ActionMethod, base, path, operation as Json, parameters),
        secretHeaders: secretHeadersOf(doc, operation as Json, parameters),
      });
      if (actions.length > MAX_IMPORTED_OPERATIONS) {
        throw badRequest(
          'TOO_MANY_OPERATIONS',
          `At most ${MAX_IMPORTED_OPERATIONS} operations can be imported at once`,
        );
      }
    }
  }
  return { actions, skipped };
}

async function parseDocument(text: string): Promise<Json> {
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw badRequest('INVALID_OPENAPI', `The document is neither JSON nor YAML: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || !String((parsed as Json).openapi ?? '').startsWith('3.')) {
    throw badRequest('INVALID_OPENAPI', 'Not an OpenAPI 3 document (its "openapi" field must be 3.x)');
  }
  try {
    return (await dereference(parsed as Json, {
      resolve: { external: false },
      dereference: { circular: 'ignore' },
    })) as Json;
  } catch (error) {
    throw badRequest('INVALID_OPENAPI', `A $ref could not be resolved: ${(error as Error).message}`);
  }
}

function serverUrl(servers: unknown): string | null {
  const server = Array.isArray(servers) ? (servers[0] as Json | undefined) : undefined;
  if (!server || typeof server.url !== 'string') return null;
  const variables = (server.variables ?? {}) as Record<string, { default?: unknown }>;
  const url = server.url.replace(/\{([^}]+)\}/g, (_m, name: string) =>
    String(variables[name]?.default ?? ''),
  );
  return /^https?:\/\/[^/?#{}]+/i.test(url) ? url.replace(/\/+$/, '') : null;
}

/**
 * The secret headers an operation needs: its secret header parameters, and what its security
 * requirement asks (the first of the alternatives, the operation's own or else the document's): an
 * API key in a header by that header's name, HTTP, OAuth 2 and OpenID Connect schemes as Authorization.
 * An API key in a query or a cookie is not a header an action can keep a secret in, and is left out.
 */
function secretHeadersOf(doc: Json, operation: Json, parameters: Parameter[]): string[] {
  const headers = new Set(
    parameters.filter((p) => p.in === 'header' && isSecretHeader(p.name)).map((p) => p.name),
  );
  const requirements = operation.security ?? doc.security;
  const first = Array.isArray(requirements) ? (requirements[0] as Json | undefined) : undefined;
  const schemes =
    (((doc.components as Json | undefined)?.securitySchemes ?? {}) as Record<string, Json>) ?? {};
  for (const name of Object.keys(first ?? {})) {
    const scheme = schemes[name];
    if (scheme?.type === 'apiKey' && scheme.in === 'header' && typeof scheme.name === 'string')
      headers.add(scheme.name);
    else if (['http', 'oauth2', 'openIdConnect'].includes(String(scheme?.type))) headers.add('Authorization');
  }
  return [...headers];
}

function mergeParameters(shared: unknown, own: unknown): Parameter[] {
  const byKey = new Map<string, Parameter>();
  for (const list of [shared, own]) {
    if (!Array.isArray(list)) continue;
    for (const parameter of list as Parameter[]) {
      if (parameter && typeof parameter.name === 'string')
        byKey.set(`${parameter.in}:${parameter.name}`, parameter);
    }
  }
  return [...byKey.values()];
}

function actionOf(
  name: string,
  method: ActionMethod,
  base: string,
  path: string,
  operation: Json,
  parameters: Parameter[],
): ActionFields {
  const args: ActionArgument[] = [];
  const argumentFor = (wanted: string, schema: Json | undefined, description: unknown, required: boolean) => {
    const argName = uniqueName(identifier(wanted), new Set(args.map((a) => a.name)), '_');
    args.push({
      name: argName,
      type: typeOf(schema),
      description: typeof description === 'string' ? description.slice(0, 1000) : '',
      required,
    });
    return `{{${argName}}}`;
  };

  let urlPath = path;
  const query: string[] = [];
  const headers: Record<string, string> = {};
  const fields: Record<string, string> = {};
  const inBody = method === 'POST' || method === 'PUT';
  for (const parameter of parameters) {
    if (parameter.in === 'path') {
      urlPath = urlPath.replaceAll(
        `{${parameter.name}}`,
        argumentFor(parameter.name, parameter.schema, parameter.description, true),
      );
    } else if (parameter.in === 'query') {
      const placeholder = argumentFor(
        parameter.name,
        parameter.schema,
        parameter.description,
        !!parameter.required,
      );
      if (inBody) query.push(`${encodeURIComponent(parameter.name)}=${placeholder}`);
      else fields[parameter.name] = placeholder;
    } else if (parameter.in === 'header' && !isSecretHeader(parameter.name)) {
      headers[parameter.name] = argumentFor(
        parameter.name,
        parameter.schema,
        parameter.description,
        !!parameter.required,
      );
    }
    // Secret headers (the user enters their values) and cookies are not arguments a model fills.
  }
  const body = jsonBodySchema(operation.requestBody);
  if (inBody && body) {
    const required = new Set(Array.isArray(body.required) ? (body.required as string[]) : []);
    for (const [property, schema] of Object.entries((body.properties ?? {}) as Record<string, Json>)) {
      fields[property] = argumentFor(property, schema, schema?.description, required.has(property));
    }
  }
  const description = [operation.summary, operation.description].find((text) => typeof text === 'string');
  return {
    name,
    description: String(description ?? `${method} ${path}`).slice(0, 2000),
    url: `${base}${urlPath}${query.length > 0 ? `?${query.join('&')}` : ''}`,
    method,
    headers,
    parameters: fields,
    arguments: args,
    isActive: true,
    confirmation: 'auto',
  };
}

function jsonBodySchema(requestBody: unknown): Json | undefined {
  const content = ((requestBody as Json | undefined)?.content ?? {}) as Record<string, Json>;
  const json = Object.entries(content).find(([type]) => /json/i.test(type))?.[1];
  const schema = json?.schema as Json | undefined;
  return schema && (schema.type === 'object' || schema.properties) ? schema : undefined;
}

function typeOf(schema: Json | undefined): ActionArgument['type'] {
  const type = schema?.type;
  return type === 'number' || type === 'integer' || type === 'boolean' ? type : 'string';
}

/**
 * The operationId, else `METHOD /path`. The tool name is derived from it when the action is stored
 * (`getPets` → `get_pets`, `GET /pets/{id}` → `get_pets_id`), unique within the GPT.
 */
function nameOf(operation: Json, method: string, path: string): string {
  const id =
    typeof operation.operationId === 'string' ? operation.operationId.replace(/\s+/g, ' ').trim() : '';
  return (id || `${method} ${path}`).slice(0, 100);
}

function identifier(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 60);
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

function uniqueName(wanted: string, taken: Set<string>, separator = '_'): string {
  let name = wanted;
  for (let n = 2; taken.has(name); n++) name = `${wanted.slice(0, 58)}${separator}${n}`;
  taken.add(name);
  return name;
}

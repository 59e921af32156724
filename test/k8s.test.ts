import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CHATTY,
  configFrom,
  configOf,
  DATA_STORES,
  entryOf,
  environmentOf,
  HOST_ENV,
  healthcheckArgs,
  healthcheckUrl,
  IMAGE_PORTS,
  listenPort,
  ONE_SHOTS,
  parseCompose,
  portOf,
  repoPath,
  schemaOf,
  serverNames,
  service,
  services,
  urlsIn,
} from './compose-model.js';
import {
  type Container,
  containersOf,
  type EnvVar,
  type K8sObject,
  kustomize,
  kustomizeComposed,
  type Labels,
  loadDeclarations,
  matches,
  NetworkPolicies,
  podLabelsOf,
  podSpecOf,
  unknownFields,
  validateAgainstSchema,
  WORKLOAD_KINDS,
} from './k8s-model.js';

/*
 * The Kubernetes manifests (infra/k8s/), checked on every `npm test` the way test/compose.test.ts
 * checks docker-compose.yml: every overlay builds with `kubectl kustomize`, every object is valid for
 * the Kubernetes schemas, and the images, commands, ports, environment, probes, limits and isolation
 * agree with docker-compose.yml and with what each service's config schema reads. No cluster is needed:
 * nothing here is applied (docs/operations.md and infra/k8s/README.md say how an operator does it).
 */

const k8sDir = (path: string) => fileURLToPath(repoPath(`infra/k8s/${path}`));
const NAMESPACE = 'chatty';
const SECRET = 'chatty-secrets';
/** What the operator puts in the Secret (infra/k8s/README.md), with compose's test values. */
const SECRET_VALUES: Record<string, string> = {
  SECRET_KEY: HOST_ENV.SECRET_KEY!,
  ACTION_RUNNER_TOKEN: HOST_ENV.ACTION_RUNNER_TOKEN!,
  INGEST_SERVICE_TOKEN: HOST_ENV.INGEST_SERVICE_TOKEN!,
  DATABASE_PASSWORD: HOST_ENV.POSTGRES_PASSWORD!,
  S3_ACCESS_KEY: 'chatty',
  S3_SECRET_KEY: HOST_ENV.MINIO_ROOT_PASSWORD!,
};
/** Secret keys a deployment may leave out. */
const OPTIONAL_SECRETS = [
  'REDIS_PASSWORD',
  'SESSION_SIGNING_KEY',
  'SESSION_SIGNING_KEY_PREVIOUS',
  'ACTION_SECRETS_KEYS',
  'EMBEDDING_API_KEY',
];
/** Settings that are secrets, wherever they are read: only ever from the Secret. */
const isSecretSetting = (key: string) => /SECRET|PASSWORD|TOKEN|API_KEY/.test(key);

/** Where a single-node deployment deliberately differs from compose, setting by setting, and why. */
const DIFFERENCES_FROM_COMPOSE: Record<string, Record<string, string>> = {
  web: { TRUST_PROXY: 'behind the ingress controller, the only peer its NetworkPolicy lets in' },
  'inference-gateway': { OLLAMA_URLS: "each StatefulSet worker by its own name, not compose's service" },
  'ollama-pull': { OLLAMA_URLS: 'the same workers as the gateway' },
  'file-ingest': { OLLAMA_URLS: 'the same workers as the gateway (embeddings)' },
};
/** Containers whose image cannot run with a read-only root file system. */
const WRITABLE_ROOT: Record<string, string> = {
  postgres: "the image's entrypoint writes its configuration next to the data at first start",
};

interface Build {
  name: string;
  objects: K8sObject[];
}

const overlays = readdirSync(k8sDir('overlays'));
const builds: Build[] = overlays.map((name) => ({ name, objects: kustomize(k8sDir(`overlays/${name}`)) }));
/** The GPU examples, on top of the single-node overlay. */
const gpuBuilds: Build[] = ['ollama-nvidia', 'ollama-amd'].map((component) => ({
  name: `single-node + ${component}`,
  objects: kustomizeComposed([k8sDir('overlays/single-node')], [k8sDir(`components/${component}`)]),
}));
loadDeclarations([...builds, ...gpuBuilds].flatMap((build) => build.objects));
const singleNode = builds.find((build) => build.name === 'single-node')!;
const production = builds.find((build) => build.name === 'production')!;

const ofKind = (build: Build, kind: string) => build.objects.filter((object) => object.kind === kind);
const named = (build: Build, kind: string, name: string) => {
  const found = ofKind(build, kind).find((object) => object.metadata.name === name);
  if (!found) throw new Error(`${build.name}: no ${kind} ${name}`);
  return found;
};
const workloads = (build: Build) => build.objects.filter((object) => WORKLOAD_KINDS.includes(object.kind));

/** The ConfigMap the build generated under its hashed name. */
function configMapData(build: Build, name: string): Record<string, string> {
  const found = ofKind(build, 'ConfigMap').find((map) => map.metadata.name.startsWith(`${name}-`));
  if (!found) throw new Error(`${build.name}: no ConfigMap ${name}`);
  return found.data ?? {};
}

/** A container's environment as the program sees it, the ConfigMap and the Secret resolved. */
function resolveEnv(build: Build, env: EnvVar[] = []): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const variable of env) {
    const { configMapKeyRef, secretKeyRef } = variable.valueFrom ?? {};
    if (configMapKeyRef) {
      const data = ofKind(build, 'ConfigMap').find((map) => map.metadata.name === configMapKeyRef.name)?.data;
      if (!data) throw new Error(`${variable.name}: no ConfigMap ${configMapKeyRef.name}`);
      if (!(configMapKeyRef.key in data))
        throw new Error(`${variable.name}: ConfigMap lacks ${configMapKeyRef.key}`);
      out[variable.name] = data[configMapKeyRef.key];
    } else if (secretKeyRef) {
      out[variable.name] = SECRET_VALUES[secretKeyRef.key];
    } else {
      out[variable.name] = variable.value ?? '';
    }
  }
  return out;
}

/** The Chatty program a container runs (`services/<name>/dist/<program>.js`), if any. */
function programOf(container: Container): { service: string; program: string; args: string[] } | undefined {
  const [node, entry, ...args] = container.command ?? [];
  const match = /^services\/([^/]+)\/dist\/(.+)\.js$/.exec(entry ?? '');
  if (node !== 'node' || !match) return undefined;
  return { service: match[1]!, program: match[2]!, args };
}

/** The compose service a Chatty container stands for: a server, a one-shot, or a migrate program. */
function composeNameOf(container: Container): string | undefined {
  const program = programOf(container);
  if (!program) return undefined;
  if (program.program === 'server') return program.service;
  return Object.keys(ONE_SHOTS).find((name) => entryOf(name) === container.command![1]) ?? program.service;
}

const chattyContainers = (build: Build) =>
  workloads(build).flatMap((workload) =>
    containersOf(workload)
      .filter(({ container }) => programOf(container))
      .map(({ container, init }) => ({ workload, container, init, name: composeNameOf(container)! })),
  );

const toBytes = (quantity: string) => {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|m|g|M|G)?$/.exec(quantity);
  if (!match) throw new Error(`not a memory quantity: ${quantity}`);
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, M: 1e6, G: 1e9 };
  return Number(match[1]) * (match[2] ? unit[match[2] as keyof typeof unit] : 1);
};

describe.each([...builds, ...gpuBuilds])('infra/k8s: $name', (build) => {
  it('builds, and every object is valid for the Kubernetes schemas, with no field they lack', () => {
    expect(build.objects.length).toBeGreaterThan(10);
    for (const object of build.objects) {
      const label = `${object.kind} ${object.metadata?.name}`;
      expect(() => validateAgainstSchema(object), label).not.toThrow();
      expect(unknownFields(object), label).toEqual([]);
    }
  });

  it('puts everything in the chatty namespace, which enforces the restricted pod security standard', () => {
    const namespace = named(build, 'Namespace', NAMESPACE);
    expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const object of build.objects.filter((o) => o.kind !== 'Namespace')) {
      expect(object.metadata.namespace, `${object.kind} ${object.metadata.name}`).toBe(NAMESPACE);
    }
    const keys = build.objects.map((object) => `${object.kind}/${object.metadata.name}`);
    expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
  });

  it('takes secrets only from the Secret, which it never ships', () => {
    expect(ofKind(build, 'Secret')).toEqual([]);
    for (const map of ofKind(build, 'ConfigMap')) {
      expect(Object.keys(map.data ?? {}).filter(isSecretSetting), map.metadata.name).toEqual([]);
    }
    for (const workload of workloads(build)) {
      for (const { container } of containersOf(workload)) {
        for (const variable of container.env ?? []) {
          const ref = variable.valueFrom?.secretKeyRef;
          if (isSecretSetting(variable.name)) {
            expect(ref?.name, `${container.name} ${variable.name}`).toBe(SECRET);
          }
          if (!ref) continue;
          expect(ref.name).toBe(SECRET);
          const optional = ref.optional === true;
          expect(optional ? OPTIONAL_SECRETS : Object.keys(SECRET_VALUES), variable.name).toContain(ref.key);
        }
      }
    }
  });

  it('runs every pod unprivileged: non-root, no escalation, no capabilities, read-only where it can', () => {
    for (const workload of workloads(build)) {
      const spec = podSpecOf(workload);
      const label = `${workload.kind} ${workload.metadata.name}`;
      expect(spec.securityContext?.runAsNonRoot, label).toBe(true);
      expect(spec.securityContext?.runAsUser, label).toBeGreaterThan(0);
      expect(spec.securityContext?.seccompProfile?.type, label).toBe('RuntimeDefault');
      expect(spec.automountServiceAccountToken, label).toBe(false);
      expect(spec.hostNetwork ?? false, label).toBe(false);
      for (const { container } of containersOf(workload)) {
        const context = container.securityContext ?? {};
        expect(context.allowPrivilegeEscalation, `${label} ${container.name}`).toBe(false);
        expect(context.privileged ?? false, `${label} ${container.name}`).toBe(false);
        expect(context.capabilities?.drop, `${label} ${container.name}`).toEqual(['ALL']);
        expect(context.capabilities?.add ?? [], `${label} ${container.name}`).toEqual([]);
        if (!(container.name in WRITABLE_ROOT)) {
          expect(context.readOnlyRootFilesystem, `${label} ${container.name}`).toBe(true);
        }
      }
    }
  });

  it('gives every container requests and limits of CPU and memory', () => {
    for (const workload of workloads(build)) {
      for (const { container } of containersOf(workload)) {
        const { requests = {}, limits = {} } = container.resources ?? {};
        const label = `${workload.metadata.name} ${container.name}`;
        for (const resource of ['cpu', 'memory']) {
          expect(requests[resource], `${label} requests ${resource}`).toBeDefined();
          expect(limits[resource], `${label} limits ${resource}`).toBeDefined();
        }
        expect(toBytes(String(requests.memory))).toBeLessThanOrEqual(toBytes(String(limits.memory)));
      }
    }
  });

  it('runs the one Chatty image, and only programs that exist', () => {
    const images = new Set(chattyContainers(build).map(({ container }) => container.image));
    expect(images.size).toBe(1);
    for (const { container } of chattyContainers(build)) {
      const source = container.command![1]!.replace(/^(services\/[^/]+)\/dist\/(.+)\.js$/, '$1/src/$2.ts');
      expect(existsSync(repoPath(source)), source).toBe(true);
      expect(container.imagePullPolicy).toBe('IfNotPresent');
    }
  });

  it('sets for each Chatty program only variables its config schema reads, and valid ones', () => {
    for (const { container, name } of chattyContainers(build)) {
      const env = resolveEnv(build, container.env);
      const keys = Object.keys(schemaOf(name).properties);
      expect(
        Object.keys(env).filter((key) => !keys.includes(key)),
        `${container.name} (${name})`,
      ).toEqual([]);
      expect(() => configFrom(name, env), `${container.name} (${name})`).not.toThrow();
    }
  });

  it('listens, probes and serves on the ports compose uses, with liveness and readiness on the health routes', () => {
    for (const name of serverNames) {
      const deployment = named(build, 'Deployment', name);
      const container = podSpecOf(deployment).containers.find((c: Container) => c.name === name) as Container;
      const config = configFrom(name, resolveEnv(build, container.env));
      const { portKey, ops } = CHATTY[name]!;
      const portNamed = (port: number | string) =>
        typeof port === 'number' ? port : container.ports!.find((p) => p.name === port)!.containerPort;
      expect(portNamed('http'), name).toBe(config[portKey]);
      expect(portNamed('http'), name).toBe(listenPort(name));
      const healthPort = ops ? config[ops.portKey] : config[portKey];
      if (ops) expect(portNamed('ops')).toBe(healthPort);

      const readiness = container.readinessProbe.httpGet;
      const compose = healthcheckUrl(service(name));
      expect(readiness.path).toBe(compose.pathname);
      expect(portNamed(readiness.port)).toBe(portOf(compose));
      for (const probe of ['livenessProbe', 'startupProbe']) {
        expect(container[probe].httpGet.path, `${name} ${probe}`).toBe('/health/live');
        expect(portNamed(container[probe].httpGet.port), `${name} ${probe}`).toBe(healthPort);
      }

      // The Service answers where compose's URLs point (http://<name>:<port>), never on the ops port.
      const svc = named(build, 'Service', name);
      expect(matches({ matchLabels: svc.spec.selector }, podLabelsOf(deployment))).toBe(true);
      expect(svc.spec.ports.map((p: { port: number }) => p.port)).toEqual([listenPort(name)]);
      expect(svc.spec.ports[0].targetPort).toBe('http');
    }
  });

  it('limits memory as compose does', () => {
    for (const name of serverNames) {
      const container = podSpecOf(named(build, 'Deployment', name)).containers[0] as Container;
      const composeLimit = String(service(name).deploy?.resources?.limits?.memory);
      expect(toBytes(container.resources.limits.memory), name).toBe(toBytes(composeLimit));
    }
  });

  it('keeps every service up through disruptions, and autoscales the stateless ones', () => {
    const pdbs = ofKind(build, 'PodDisruptionBudget');
    for (const workload of [...ofKind(build, 'Deployment'), ...ofKind(build, 'StatefulSet')]) {
      if (['postgres', 'redis', 'minio'].includes(workload.metadata.name)) continue;
      const covering = pdbs.filter((pdb) => matches(pdb.spec.selector, podLabelsOf(workload)));
      expect(covering.length, `${workload.metadata.name} has one PodDisruptionBudget`).toBe(1);
      // With one replica (single-node), minAvailable would block every node drain.
      expect(covering[0]!.spec.maxUnavailable).toBe(1);
    }
    const scaled = ofKind(build, 'HorizontalPodAutoscaler');
    expect(scaled.map((hpa) => hpa.spec.scaleTargetRef.name).sort()).toEqual(
      ['file-ingest', 'gpt-registry', 'inference-gateway', 'web'].sort(),
    );
    for (const hpa of scaled) {
      expect(hpa.spec.scaleTargetRef.kind).toBe('Deployment');
      named(build, 'Deployment', hpa.spec.scaleTargetRef.name);
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(1);
      expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
      // A CPU target is a share of the request: without one it cannot work.
      const container = podSpecOf(named(build, 'Deployment', hpa.spec.scaleTargetRef.name)).containers[0];
      expect(container.resources.requests.cpu).toBeDefined();
    }
  });

  it('migrates with a Job before the services run: each pod waits for its migrations', () => {
    const job = named(build, 'Job', 'chatty-migrate');
    const steps = containersOf(job).map(({ container }) => programOf(container)!);
    const migrating = readdirSync(repoPath('services/'))
      .filter((dir) => existsSync(repoPath(`services/${dir}/src/migrate.ts`)))
      .sort();
    // The registry first: the others' tables refer to its tables.
    expect(steps.map((step) => step.service)).toEqual(['gpt-registry', 'file-ingest', 'inference-gateway']);
    expect([...steps.map((step) => step.service)].sort()).toEqual(migrating);
    expect(steps.every((step) => step.program === 'migrate' && step.args.length === 0)).toBe(true);
    expect(podSpecOf(job).restartPolicy).toBe('OnFailure');
    for (const name of serverNames) {
      const deployment = named(build, 'Deployment', name);
      const uses = Object.keys(schemaOf(name).properties).includes('DATABASE_URL');
      const waits = (podSpecOf(deployment).initContainers ?? []).map((c: Container) => programOf(c));
      expect(waits, name).toEqual(uses ? [{ service: name, program: 'migrate', args: ['--wait'] }] : []);
    }
  });

  it('routes the public origin through an Ingress made for SSE and uploads, with TLS', () => {
    const [ingress, ...others] = ofKind(build, 'Ingress');
    expect(others).toEqual([]);
    const annotations = ingress!.metadata.annotations;
    expect(annotations['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
    expect(annotations['nginx.ingress.kubernetes.io/proxy-request-buffering']).toBe('off');
    expect(Number(annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(300);
    expect(Number(annotations['nginx.ingress.kubernetes.io/proxy-send-timeout'])).toBeGreaterThanOrEqual(300);
    const bodyLimit = toBytes(annotations['nginx.ingress.kubernetes.io/proxy-body-size']);
    const maxFileSize = Number(configMapData(build, 'chatty-config').MAX_FILE_SIZE);
    expect(bodyLimit).toBeGreaterThan(maxFileSize);
    const hosts = ingress!.spec.rules.map((rule: { host: string }) => rule.host);
    expect(ingress!.spec.tls.flatMap((tls: { hosts: string[] }) => tls.hosts)).toEqual(hosts);
    const [path] = ingress!.spec.rules[0].http.paths;
    expect(path.path).toBe('/');
    expect(path.backend.service).toEqual({ name: 'web', port: { name: 'http' } });
    const web = named(build, 'Service', 'web');
    expect(web.spec.ports.map((port: { name: string }) => port.name)).toEqual(['http']);
  });

  describe('NetworkPolicies', () => {
    const namespaceLabels: Labels = { 'kubernetes.io/metadata.name': NAMESPACE };
    const policies = new NetworkPolicies(ofKind(build, 'NetworkPolicy'), namespaceLabels);
    const pods = workloads(build).map((workload) => ({
      name: workload.metadata.name,
      labels: podLabelsOf(workload),
    }));
    const pod = (name: string) => pods.find((p) => p.name === name)!.labels;
    const outside = {
      ingressController: {
        pod: { 'app.kubernetes.io/name': 'ingress-nginx' },
        namespace: { 'kubernetes.io/metadata.name': 'ingress-nginx' },
      },
      monitoring: { pod: { app: 'prometheus' }, namespace: { 'kubernetes.io/metadata.name': 'monitoring' } },
      otherApp: { pod: { app: 'other' }, namespace: { 'kubernetes.io/metadata.name': 'default' } },
    };

    it('denies by default, and lets the Ingress reach web on its public port only', () => {
      const deny = ofKind(build, 'NetworkPolicy').find((p) => p.metadata.name === 'default-deny-ingress')!;
      expect(deny.spec.podSelector).toEqual({});
      expect(policies.ingressAllows(outside.ingressController, pod('web'), 5000)).toBe(true);
      expect(policies.ingressAllows(outside.ingressController, pod('web'), 5001)).toBe(false);
      expect(policies.ingressAllows(outside.otherApp, pod('web'), 5000)).toBe(false);
      for (const name of pods.map((p) => p.name).filter((n) => n !== 'web')) {
        expect(policies.ingressAllows(outside.ingressController, pod(name), 5000), name).toBe(false);
      }
    });

    it('lets every call a pod is configured to make through, on the port it uses', () => {
      let calls = 0;
      for (const { workload, container } of chattyContainers(build)) {
        for (const [key, url] of urlsIn(resolveEnv(build, container.env))) {
          const host = url.hostname.split('.');
          // A StatefulSet pod by its own name (ollama-0.ollama) or a Service by its name.
          const target = ofKind(build, 'Service').find(
            (svc) => svc.metadata.name === host.at(-1) || svc.metadata.name === host[0],
          );
          if (!target || host.length > 2) continue;
          const targets = workloads(build).filter((w) =>
            matches({ matchLabels: target.spec.selector }, podLabelsOf(w)),
          );
          expect(targets.length, `${key} → ${url.host}`).toBe(1);
          const label = `${workload.metadata.name} ${key} → ${url.host}`;
          expect(policies.allows(podLabelsOf(workload), podLabelsOf(targets[0]!), portOf(url)), label).toBe(
            true,
          );
          calls++;
        }
      }
      expect(calls).toBeGreaterThanOrEqual(build === production ? 6 : 10);
    });

    it('lets only its callers reach the action-runner: the registry (actions), the gateway (web pages)', () => {
      const runner = pod('action-runner');
      for (const { name, labels } of pods) {
        expect(policies.allows(labels, runner, 5030), name).toBe(
          name === 'gpt-registry' || name === 'inference-gateway',
        );
      }
      for (const peer of Object.values(outside))
        expect(policies.ingressAllows(peer, runner, 5030)).toBe(false);
    });

    it('lets the action-runner reach the internet and DNS, and nothing inside', () => {
      const runner = pod('action-runner');
      for (const { name, labels } of pods) {
        for (const port of [80, 443, 5432, 6379, 9000, 11434, 5000, 5001, 5010, 5020, 5040]) {
          expect(
            policies.egressAllows(runner, { pod: labels, namespace: namespaceLabels }, port),
            `${name}:${port}`,
          ).toBe(false);
        }
      }
      const dns = {
        pod: { 'k8s-app': 'kube-dns' },
        namespace: { 'kubernetes.io/metadata.name': 'kube-system' },
      };
      expect(policies.egressAllows(runner, dns, 53, 'UDP')).toBe(true);
      expect(policies.egressAllows(runner, dns, 443)).toBe(false);
      for (const ip of ['93.184.215.14', '8.8.8.8', '1.1.1.1']) {
        expect(policies.egressAllows(runner, { ip }, 443), ip).toBe(true);
      }
      // Pod and Service networks, node addresses, the cloud's metadata endpoint, wherever they are.
      for (const ip of [
        '10.244.1.7',
        '10.96.0.1',
        '172.17.0.2',
        '192.168.1.10',
        '100.64.0.5',
        '169.254.169.254',
        '127.0.0.1',
      ]) {
        expect(policies.egressAllows(runner, { ip }, 443), ip).toBe(false);
      }
    });

    it('keeps the bundled data stores to the services that hold their credentials, reaching nothing', () => {
      for (const store of DATA_STORES.filter((name) => pods.some((p) => p.name === name))) {
        const port = IMAGE_PORTS[store]!;
        for (const { name, labels } of pods) {
          const job = workloads(build).find((w) => w.metadata.name === name)!;
          const uses = chattyContainers({ name: build.name, objects: [job] }).some(({ container }) =>
            urlsIn(resolveEnv(build, container.env)).some(([, url]) => url.hostname === store),
          );
          expect(policies.allows(labels, pod(store), port), `${name} → ${store}`).toBe(
            uses && name !== store,
          );
        }
        for (const peer of Object.values(outside))
          expect(policies.ingressAllows(peer, pod(store), port)).toBe(false);
        expect(policies.egressAllows(pod(store), { ip: '8.8.8.8' }, 443), store).toBe(false);
      }
    });

    it('lets a scraper in the monitoring namespace read /metrics, except from the action-runner', () => {
      for (const name of serverNames) {
        const port = CHATTY[name]!.ops ? 5001 : listenPort(name);
        expect(policies.ingressAllows(outside.monitoring, pod(name), port), name).toBe(
          name !== 'action-runner',
        );
      }
    });
  });
});

describe('infra/k8s agrees with docker-compose.yml', () => {
  it('single-node: each Chatty program gets the configuration compose gives it, but for the listed differences', () => {
    const seen = new Set<string>();
    for (const { container, name } of chattyContainers(singleNode)) {
      const program = programOf(container)!;
      if (program.program === 'migrate') continue;
      seen.add(name);
      const k8s = configFrom(name, resolveEnv(singleNode, container.env));
      const compose = configOf(name);
      const differing = Object.keys({ ...k8s, ...compose }).filter(
        (key) => JSON.stringify(k8s[key]) !== JSON.stringify(compose[key]) && !isSecretSetting(key),
      );
      expect(differing.sort(), name).toEqual(Object.keys(DIFFERENCES_FROM_COMPOSE[name] ?? {}).sort());
      // Secrets reach the program as compose's do (DATABASE_PASSWORD goes into DATABASE_URL).
      for (const key of Object.keys(compose).filter(isSecretSetting)) {
        if (compose[key] !== undefined) expect(k8s[key], `${name} ${key}`).toEqual(compose[key]);
      }
    }
    expect([...seen].sort()).toEqual([...serverNames, ...Object.keys(ONE_SHOTS)].sort());
  });

  it('single-node: the data stores run the images, settings and probes compose runs', () => {
    for (const store of ['postgres', 'redis', 'minio']) {
      const set = named(singleNode, 'StatefulSet', store);
      const container = podSpecOf(set).containers[0] as Container;
      expect(container.image, store).toBe(service(store).image);
      expect(container.ports!.map((p) => p.containerPort)).toEqual([IMAGE_PORTS[store]]);
      const svc = named(singleNode, 'Service', store);
      expect(svc.spec.ports.map((p: { port: number }) => p.port)).toEqual([IMAGE_PORTS[store]]);
      expect(set.spec.volumeClaimTemplates.length, `${store} keeps its data on a volume`).toBe(1);
    }
    const postgres = podSpecOf(named(singleNode, 'StatefulSet', 'postgres')).containers[0] as Container;
    const pgEnv = environmentOf(service('postgres'));
    const env = resolveEnv(singleNode, postgres.env);
    expect(env.POSTGRES_USER).toBe(pgEnv.POSTGRES_USER);
    expect(env.POSTGRES_DB).toBe(pgEnv.POSTGRES_DB);
    expect(env.POSTGRES_PASSWORD).toBe(pgEnv.POSTGRES_PASSWORD);
    expect(postgres.readinessProbe.exec.command).toEqual(healthcheckArgs(service('postgres')));
    const redis = podSpecOf(named(singleNode, 'StatefulSet', 'redis')).containers[0] as Container;
    expect(redis.args).toEqual(service('redis').command);
    expect(redis.readinessProbe.exec.command).toEqual(healthcheckArgs(service('redis')));
    const minio = podSpecOf(named(singleNode, 'StatefulSet', 'minio')).containers[0] as Container;
    const minioEnv = resolveEnv(singleNode, minio.env);
    expect(minioEnv.MINIO_ROOT_USER).toBe(environmentOf(service('minio')).MINIO_ROOT_USER);
    expect(minioEnv.MINIO_ROOT_PASSWORD).toBe(environmentOf(service('minio')).MINIO_ROOT_PASSWORD);
    expect(minio.livenessProbe.httpGet.path).toBe(healthcheckUrl(service('minio')).pathname);
  });

  it('single-node: Ollama workers as a StatefulSet, each named in OLLAMA_URLS; GPU examples for NVIDIA and AMD', () => {
    const ollama = named(singleNode, 'StatefulSet', 'ollama');
    const container = podSpecOf(ollama).containers[0] as Container;
    expect(container.image).toBe(service('ollama').image);
    const headless = named(singleNode, 'Service', 'ollama');
    expect(headless.spec.clusterIP).toBe('None');
    const workers = configMapData(singleNode, 'chatty-config').OLLAMA_URLS!.split(',');
    expect(workers).toEqual(
      Array.from(
        { length: ollama.spec.replicas },
        (_, index) => `http://ollama-${index}.ollama:${IMAGE_PORTS.ollama}`,
      ),
    );
    const rocm = parseCompose('infra/compose/docker-compose.rocm.yml').services.ollama!.image;
    for (const [build, resource, image] of [
      [gpuBuilds[0]!, 'nvidia.com/gpu', service('ollama').image],
      [gpuBuilds[1]!, 'amd.com/gpu', rocm],
    ] as const) {
      const gpu = podSpecOf(named(build, 'StatefulSet', 'ollama')).containers[0] as Container;
      expect(gpu.resources.limits[resource], build.name).toBe(1);
      expect(gpu.resources.requests[resource], build.name).toBe(1);
      expect(gpu.image, build.name).toBe(image);
    }
  });

  it('production: no bundled data store; Postgres, Redis, S3 and the workers are configured, outside', () => {
    const stateful = ofKind(production, 'StatefulSet').map((set) => set.metadata.name);
    expect(stateful).toEqual([]);
    const config = configMapData(production, 'chatty-config');
    const inCluster = ofKind(production, 'Service').map((svc) => svc.metadata.name);
    for (const key of ['DATABASE_URL', 'REDIS_URL', 'S3_ENDPOINT', 'OLLAMA_URLS']) {
      for (const url of config[key]!.split(',')) {
        expect(inCluster, `${key} ${url}`).not.toContain(new URL(url).hostname.split('.')[0]);
      }
    }
    // The Chatty image comes from the operator's registry, pinned to a release.
    const images = new Set(chattyContainers(production).map(({ container }) => container.image));
    expect([...images]).toEqual([expect.stringMatching(/^[\w.-]+\/chatty:[\w.-]+$/)]);
    // file-ingest also scales on its queue's depth (chatty_ingest_jobs, services/file-ingest).
    const hpa = named(production, 'HorizontalPodAutoscaler', 'file-ingest');
    const external = hpa.spec.metrics.find((metric: { type: string }) => metric.type === 'External');
    expect(external.external.metric.name).toBe('chatty_ingest_jobs');
    expect(external.external.metric.selector.matchLabels).toEqual({ state: 'waiting' });
  });

  it('single-node runs the Chatty image compose builds', () => {
    const images = new Set(chattyContainers(singleNode).map(({ container }) => container.image));
    expect([...images]).toEqual([service('web').image]);
    expect(Object.keys(services)).toEqual(expect.arrayContaining(serverNames));
  });
});

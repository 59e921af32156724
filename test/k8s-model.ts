import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import * as models from 'kubernetes-models';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';

/*
 * The Kubernetes manifests under infra/k8s/ as the checks in test/k8s.test.ts see them: overlays built
 * by `kubectl kustomize` (infra/scripts/ensure-services.sh installs kubectl), each object checked
 * against the Kubernetes schemas, and a reading of NetworkPolicies precise enough to ask "may this pod
 * reach that one on this port".
 */

/** Manifests are free-form YAML, read field by field by the checks. */
// biome-ignore lint/suspicious/noExplicitAny: see above
type Free = any;
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: Record<string, Free>;
  [key: string]: Free;
};
export type Labels = Record<string, string>;

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  ports?: { name?: string; containerPort: number }[];
  [key: string]: Free;
}

/** Builds a kustomization directory with kubectl's built-in kustomize. */
export function kustomize(dir: string): K8sObject[] {
  let out: string;
  try {
    out = execFileSync('kubectl', ['kustomize', dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const { code, stderr } = error as { code?: string; stderr?: string };
    if (code === 'ENOENT') throw new Error('kubectl is missing: run infra/scripts/ensure-services.sh');
    throw new Error(`kubectl kustomize ${dir} failed:\n${stderr}`);
  }
  return parseAllDocuments(out).map((doc) => doc.toJS() as K8sObject);
}

/** Builds a kustomization made on the fly (resources and components given by absolute path). */
export function kustomizeComposed(resources: string[], components: string[]): K8sObject[] {
  const dir = mkdtempSync(join(tmpdir(), 'chatty-kustomize-'));
  try {
    // kustomize takes relative paths only.
    const list = (items: string[]) => items.map((item) => `  - ${relative(dir, item)}\n`).join('');
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n' +
        `resources:\n${list(resources)}` +
        (components.length ? `components:\n${list(components)}` : ''),
    );
    return kustomize(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// Schemas: kubernetes-models' JSON-schema validators (types, enums, required fields), plus the field
// names its TypeScript declarations allow, which those validators do not check (a misspelt `replica`
// would pass them, and the API server would drop it on the floor).

interface ModelClass {
  apiVersion: string;
  kind: string;
  new (data: object): { validate(): void };
}

const modelClasses = new Map<string, ModelClass>();
/** Groups hold versions (apps.v1), which hold the models; the core group is a version itself (v1). */
function collectModels(namespace: Record<string, unknown>) {
  for (const candidate of Object.values(namespace)) {
    const model = candidate as { apiVersion?: string; kind?: string };
    if (typeof candidate === 'function' && model.apiVersion && model.kind) {
      modelClasses.set(`${model.apiVersion}/${model.kind}`, candidate as unknown as ModelClass);
    } else if (candidate && typeof candidate === 'object') {
      collectModels(candidate as Record<string, unknown>);
    }
  }
}
collectModels(models);

/** Throws with the schema's complaint when `object` is not a valid object of its kind. */
export function validateAgainstSchema(object: K8sObject): void {
  const model = modelClasses.get(`${object.apiVersion}/${object.kind}`);
  if (!model) throw new Error(`no Kubernetes schema for ${object.apiVersion} ${object.kind}`);
  new model(object).validate();
}

const require = createRequire(import.meta.url);
const modelsRoot = dirname(require.resolve('kubernetes-models/package.json'));
let checker: ts.TypeChecker | undefined;
const declarations = new Map<string, ts.Type>();

const declarationFile = (object: Pick<K8sObject, 'apiVersion' | 'kind'>) => {
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion];
  return join(modelsRoot, group ? `${group}/${version}` : version!, `${object.kind}.d.ts`);
};

/** Reads the declared types of every kind among `objects`, in one TypeScript program (seconds). */
export function loadDeclarations(objects: K8sObject[]): void {
  const files = [...new Set(objects.map(declarationFile))];
  const program = ts.createProgram(files, { noEmit: true, skipLibCheck: true });
  checker = program.getTypeChecker();
  for (const path of files) {
    const source = program.getSourceFile(path);
    if (!source) throw new Error(`no declarations for ${path}`);
    const kind = path.slice(path.lastIndexOf('/') + 1, -'.d.ts'.length);
    const iface = source.statements.find(
      (statement): statement is ts.InterfaceDeclaration =>
        ts.isInterfaceDeclaration(statement) && statement.name.text === `I${kind}`,
    );
    if (!iface) throw new Error(`${path}: no interface I${kind}`);
    declarations.set(path, checker.getTypeAtLocation(iface));
  }
}

function declaredType(object: K8sObject): ts.Type {
  const type = declarations.get(declarationFile(object));
  if (!type) throw new Error(`${object.kind}: call loadDeclarations with it first`);
  return type;
}

/** Paths of fields that the kind's declared type does not have. */
export function unknownFields(object: K8sObject): string[] {
  const root = declaredType(object);
  const found: string[] = [];
  const walk = (value: unknown, type: ts.Type, path: string) => {
    const tc = checker!;
    const t = tc.getNonNullableType(type);
    if (Array.isArray(value)) {
      const element = tc.isArrayType(t) ? tc.getTypeArguments(t as ts.TypeReference)[0] : undefined;
      if (element) {
        for (const [index, item] of value.entries()) walk(item, element, `${path}[${index}]`);
      }
      return;
    }
    if (value === null || typeof value !== 'object') return;
    // An object among a union (IntOrString and the like): the members that are objects.
    const members = t.isUnion() ? t.types.filter((member) => member.flags & ts.TypeFlags.Object) : [t];
    for (const [key, child] of Object.entries(value)) {
      const property = members.map((member) => member.getProperty(key)).find(Boolean);
      if (property) {
        const declaration = property.valueDeclaration ?? property.declarations?.[0];
        walk(child, tc.getTypeOfSymbolAtLocation(property, declaration!), `${path}.${key}`);
        continue;
      }
      const index = members.map((member) => tc.getIndexTypeOfType(member, ts.IndexKind.String)).find(Boolean);
      if (index) walk(child, index, `${path}.${key}`);
      else found.push(`${path}.${key}`);
    }
  };
  walk(object, root, object.kind);
  return found;
}

// ---------------------------------------------------------------------------------------------------
// Workloads.

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'Job'];

/** The pod template of a workload. */
export const podSpecOf = (object: K8sObject) => object.spec.template.spec;
export const podLabelsOf = (object: K8sObject): Labels => object.spec.template.metadata?.labels ?? {};

export function containersOf(object: K8sObject): { container: Container; init: boolean }[] {
  const spec = podSpecOf(object);
  return [
    ...(spec.initContainers ?? []).map((container: Container) => ({ container, init: true })),
    ...spec.containers.map((container: Container) => ({ container, init: false })),
  ];
}

export function matches(selector: { matchLabels?: Labels; matchExpressions?: Expression[] }, labels: Labels) {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpressions = (selector.matchExpressions ?? []).every((expression) => {
    const value = labels[expression.key];
    switch (expression.operator) {
      case 'In':
        return value !== undefined && expression.values!.includes(value);
      case 'NotIn':
        return value === undefined || !expression.values!.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        throw new Error(`unknown selector operator ${expression.operator}`);
    }
  });
  return byLabels && byExpressions;
}

interface Expression {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

// ---------------------------------------------------------------------------------------------------
// NetworkPolicy, as the API defines it: a pod selected by no policy of a direction is open in that
// direction; once selected, a connection passes if any policy's rule allows it.

/** One end of a connection: a pod (its labels and namespace's labels) or an address outside. */
export type Peer = { pod: Labels; namespace: Labels } | { ip: string };

interface PolicyPeer {
  podSelector?: { matchLabels?: Labels; matchExpressions?: Expression[] };
  namespaceSelector?: { matchLabels?: Labels; matchExpressions?: Expression[] };
  ipBlock?: { cidr: string; except?: string[] };
}

interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: { port?: number | string; protocol?: string }[];
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipToNumber(base!) / size) * size;
  const value = ipToNumber(ip);
  return value >= start && value < start + size;
}

function peerMatches(peer: PolicyPeer, other: Peer, policyNamespace: Labels): boolean {
  if ('ip' in other) {
    if (!peer.ipBlock) return false;
    return (
      inCidr(other.ip, peer.ipBlock.cidr) &&
      !(peer.ipBlock.except ?? []).some((cidr) => inCidr(other.ip, cidr))
    );
  }
  if (peer.ipBlock) return false;
  // A podSelector alone means pods of the policy's own namespace.
  const namespaceOk = peer.namespaceSelector
    ? matches(peer.namespaceSelector, other.namespace)
    : matches({ matchLabels: policyNamespace }, other.namespace);
  const podOk = peer.podSelector ? matches(peer.podSelector, other.pod) : true;
  return namespaceOk && podOk;
}

function ruleAllows(
  rule: PolicyRule,
  peers: PolicyPeer[] | undefined,
  other: Peer,
  port: number,
  protocol: string,
  ns: Labels,
) {
  const portOk =
    !rule.ports?.length ||
    rule.ports.some(
      (p) => (p.protocol ?? 'TCP') === protocol && (p.port === undefined || Number(p.port) === port),
    );
  const peerOk = !peers?.length || peers.some((peer) => peerMatches(peer, other, ns));
  return portOk && peerOk;
}

export class NetworkPolicies {
  constructor(
    private readonly policies: K8sObject[],
    /** The labels of the namespace the policies live in. */
    private readonly namespace: Labels,
  ) {}

  private selecting(pod: Labels, type: 'Ingress' | 'Egress') {
    return this.policies.filter(
      (policy) =>
        matches(policy.spec.podSelector ?? {}, pod) &&
        (policy.spec.policyTypes ?? ['Ingress']).includes(type),
    );
  }

  /** May `from` open a connection to pod `to` (in the policies' namespace) on `port`? */
  ingressAllows(from: Peer, to: Labels, port: number, protocol = 'TCP'): boolean {
    const policies = this.selecting(to, 'Ingress');
    if (policies.length === 0) return true;
    return policies.some((policy) =>
      (policy.spec.ingress ?? []).some((rule: PolicyRule) =>
        ruleAllows(rule, rule.from, from, port, protocol, this.namespace),
      ),
    );
  }

  /** May pod `from` (in the policies' namespace) open a connection to `to` on `port`? */
  egressAllows(from: Labels, to: Peer, port: number, protocol = 'TCP'): boolean {
    const policies = this.selecting(from, 'Egress');
    if (policies.length === 0) return true;
    return policies.some((policy) =>
      (policy.spec.egress ?? []).some((rule: PolicyRule) =>
        ruleAllows(rule, rule.to, to, port, protocol, this.namespace),
      ),
    );
  }

  /** Both ends agree: `from`'s egress and `to`'s ingress. */
  allows(from: Labels, to: Labels, port: number): boolean {
    const here = (pod: Labels) => ({ pod, namespace: this.namespace });
    return this.egressAllows(from, here(to), port) && this.ingressAllows(here(from), to, port);
  }
}

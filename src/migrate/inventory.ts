// Builds the pod-identity inventory from raw Kubernetes objects. The live gatherer (LISTs) and the -f
// loader (files) both end here, so a cluster and a GitOps folder are read the same way. Tolerant of what
// real manifests contain (numbers where strings belong, missing optional fields, placeholders); strict
// about what the plan cannot do without (an identity's clientID, a binding's selector, a pod template).
import { InputError } from '../errors.js';
import type {
  AzureAssignedIdentity,
  AzureIdentity,
  AzureIdentityBinding,
  AzurePodIdentityException,
  IdentityType,
  KubeObject,
  OwnerReference,
  PodIdentityInventory,
  PodTemplateView,
  ServiceAccount,
  SourcedObject,
  Workload,
  WorkloadKind,
} from './types.js';

export const POD_IDENTITY_GROUP = 'aadpodidentity.k8s.io';
export const WEBHOOK_CONFIGURATION_NAME = 'azure-wi-webhook-mutating-webhook-configuration';
/** The pod label aad-pod-identity matches against AzureIdentityBinding spec.selector. */
export const POD_IDENTITY_LABEL = 'aadpodidbinding';
const BEHAVIOR_ANNOTATION = 'aadpodidentity.k8s.io/Behavior';
const AKS_MANAGED_LABEL = 'kubernetes.azure.com/managedby';

export interface InventoryOptions {
  /** Namespace of objects that have none: -n, else `default`, as kubectl apply would. */
  defaultNamespace: string;
  /** From the live gatherer; with files it is found from a MutatingWebhookConfiguration among them, else null. */
  webhookInstalled?: boolean | null;
  issuer?: string | null;
  notes?: string[];
  /**
   * Live clusters: an object the plan cannot use (say an AzureIdentity without clientID) is left out with a
   * note instead of failing the run. Files are strict: bad input is an error naming the file and object.
   */
  skipInvalid?: boolean;
}

const TEMPLATE_KINDS: Record<string, WorkloadKind> = {
  Deployment: 'Deployment',
  StatefulSet: 'StatefulSet',
  DaemonSet: 'DaemonSet',
  ReplicaSet: 'ReplicaSet',
  Job: 'Job',
  CronJob: 'CronJob',
  Pod: 'Pod',
};

export function buildInventory(objects: SourcedObject[], opts: InventoryOptions): PodIdentityInventory {
  const inv: PodIdentityInventory = {
    identities: [],
    bindings: [],
    exceptions: [],
    assignedIdentities: [],
    workloads: [],
    serviceAccounts: [],
    webhookInstalled: opts.webhookInstalled ?? null,
    issuer: opts.issuer ?? null,
    notes: [...(opts.notes ?? [])],
  };
  let webhookSeen = false;
  const candidates: Workload[] = [];

  for (const item of objects) {
    try {
      readObject(item);
    } catch (e) {
      if (!(opts.skipInvalid && e instanceof InputError)) throw e;
      inv.notes.push(`left out: ${e.message}`);
    }
  }

  function readObject({ object, source }: SourcedObject): void {
    const kind = object.kind;
    const group = apiGroup(object.apiVersion);
    const name = object.metadata?.name;
    if (typeof name !== 'string' || name === '') throw new InputError(`${where(source)}${kind} has no metadata.name`);
    const namespace = str(object.metadata.namespace) || opts.defaultNamespace;
    const ctx: Ctx = { source, what: `${kind} ${namespace}/${name}` };

    if (group === POD_IDENTITY_GROUP) {
      switch (kind) {
        case 'AzureIdentity':
          inv.identities.push(readIdentity(object, name, namespace, ctx));
          break;
        case 'AzureIdentityBinding':
          inv.bindings.push(readBinding(object, name, namespace, ctx));
          break;
        case 'AzurePodIdentityException':
          inv.exceptions.push(readException(object, name, namespace, ctx));
          break;
        case 'AzureAssignedIdentity':
          inv.assignedIdentities.push(readAssigned(object, name, namespace));
          break;
        default:
          throw new InputError(
            `${where(source)}unknown kind "${kind}" in ${POD_IDENTITY_GROUP} (${kind} ${namespace}/${name}): expected AzureIdentity, AzureIdentityBinding, AzurePodIdentityException or AzureAssignedIdentity`,
          );
      }
      return;
    }
    if (kind === 'ServiceAccount' && group === '') {
      inv.serviceAccounts.push(readServiceAccount(object, name, namespace));
      return;
    }
    if (kind === 'MutatingWebhookConfiguration' && name === WEBHOOK_CONFIGURATION_NAME) {
      webhookSeen = true;
      return;
    }
    const workloadKind = TEMPLATE_KINDS[kind];
    if (workloadKind && (group === 'apps' || group === 'batch' || group === '' || group === 'extensions')) {
      candidates.push(readWorkload(object, workloadKind, name, namespace, ctx));
    }
    // Everything else (Secrets included: their data is never kept) plays no part in the migration.
  }

  if (webhookSeen) inv.webhookInstalled = true;
  inv.workloads = followOwners(candidates);
  inv.identities = dedupe(inv.identities, (i) => `${i.namespace}/${i.name}`, 'AzureIdentity', inv.notes);
  inv.bindings = dedupe(inv.bindings, (b) => `${b.namespace}/${b.name}`, 'AzureIdentityBinding', inv.notes);
  inv.serviceAccounts = dedupe(inv.serviceAccounts, (s) => `${s.namespace}/${s.name}`, 'ServiceAccount', inv.notes);
  inv.workloads = dedupe(inv.workloads, (w) => `${w.kind}/${w.namespace}/${w.name}`, 'workload', inv.notes);
  return inv;
}

interface Ctx {
  source?: string;
  what: string;
}

function where(source: string | undefined): string {
  return source ? `${source}: ` : '';
}

function fail(ctx: Ctx, message: string): never {
  throw new InputError(`${where(ctx.source)}${ctx.what}: ${message}`);
}

function apiGroup(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A scalar as a string: YAML turns `clientID: 1234` or `selector: true` into non-strings. */
function str(v: unknown): string {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return '';
}

function optionalStr(v: unknown): string | undefined {
  const s = str(v);
  return s === '' ? undefined : s;
}

function stringMap(v: unknown): Record<string, string> {
  if (!isMap(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (val !== null && val !== undefined) out[k] = str(val);
  return out;
}

function spec(object: KubeObject, ctx: Ctx): Record<string, unknown> {
  const s = object.spec;
  if (!isMap(s)) fail(ctx, 'has no spec');
  return s;
}

function managedByAks(object: KubeObject): boolean {
  return stringMap(object.metadata.labels)[AKS_MANAGED_LABEL] === 'aks';
}

const TYPE_NAMES: Record<string, IdentityType> = {
  '0': 0,
  '1': 1,
  '2': 2,
  userassignedmsi: 0,
  serviceprincipal: 1,
  serviceprincipalcertificate: 2,
};

function readIdentity(object: KubeObject, name: string, namespace: string, ctx: Ctx): AzureIdentity {
  const s = spec(object, ctx);
  let type: IdentityType = 0; // the Go zero value: a manifest without spec.type is a user-assigned identity
  if (s.type !== undefined && s.type !== null && s.type !== '') {
    const t = TYPE_NAMES[str(s.type).toLowerCase()];
    if (t === undefined) fail(ctx, `spec.type must be 0 (user-assigned managed identity), 1 (service principal) or 2 (service principal certificate), not "${str(s.type)}"`);
    type = t;
  }
  const clientID = optionalStr(s.clientID);
  if (!clientID) fail(ctx, 'has no spec.clientID (required: the client id of the identity)');
  const identity: AzureIdentity = {
    name,
    namespace,
    type,
    clientID,
    namespacedBehavior: stringMap(object.metadata.annotations)[BEHAVIOR_ANNOTATION]?.toLowerCase() === 'namespaced',
    managedByAks: managedByAks(object),
  };
  const resourceID = optionalStr(s.resourceID);
  if (resourceID) identity.resourceID = resourceID;
  const tenantID = optionalStr(s.tenantID);
  if (tenantID) identity.tenantID = tenantID;
  if (isMap(s.clientPassword)) {
    // Only the reference: the Secret's data is never read.
    const ref: { name?: string; namespace?: string } = {};
    const n = optionalStr(s.clientPassword.name);
    const ns = optionalStr(s.clientPassword.namespace);
    if (n) ref.name = n;
    if (ns) ref.namespace = ns;
    identity.clientPassword = ref;
  }
  if (ctx.source) identity.source = ctx.source;
  return identity;
}

function readBinding(object: KubeObject, name: string, namespace: string, ctx: Ctx): AzureIdentityBinding {
  const s = spec(object, ctx);
  const azureIdentity = str(s.azureIdentity);
  if (!azureIdentity) fail(ctx, 'has no spec.azureIdentity (required: the name of the AzureIdentity it binds)');
  const selector = str(s.selector);
  if (!selector) fail(ctx, `has no spec.selector (required: the value of the pods' ${POD_IDENTITY_LABEL} label)`);
  const binding: AzureIdentityBinding = { name, namespace, azureIdentity, selector, managedByAks: managedByAks(object) };
  const weight = Number(s.weight);
  if (s.weight !== undefined && s.weight !== null && Number.isFinite(weight)) binding.weight = weight;
  if (ctx.source) binding.source = ctx.source;
  return binding;
}

function readException(object: KubeObject, name: string, namespace: string, ctx: Ctx): AzurePodIdentityException {
  const s = spec(object, ctx);
  if (!isMap(s.podLabels)) fail(ctx, 'has no spec.podLabels (required: the labels of the pods it exempts)');
  const exception: AzurePodIdentityException = { name, namespace, podLabels: stringMap(s.podLabels) };
  if (ctx.source) exception.source = ctx.source;
  return exception;
}

function readAssigned(object: KubeObject, name: string, namespace: string): AzureAssignedIdentity {
  const s = isMap(object.spec) ? object.spec : {};
  const idRef = isMap(s.azureIdentityRef) ? s.azureIdentityRef : {};
  const idMeta = isMap(idRef.metadata) ? idRef.metadata : {};
  const bindingRef = isMap(s.azureBindingRef) ? s.azureBindingRef : {};
  const bindingMeta = isMap(bindingRef.metadata) ? bindingRef.metadata : {};
  const status = isMap(object.status) ? object.status : {};
  const a: AzureAssignedIdentity = { name, namespace };
  const set = <K extends keyof AzureAssignedIdentity>(k: K, v: unknown) => {
    const s2 = optionalStr(v);
    if (s2) (a as unknown as Record<string, string>)[k] = s2;
  };
  set('identityName', idMeta.name);
  set('identityNamespace', idMeta.namespace);
  set('bindingName', bindingMeta.name);
  set('pod', s.pod);
  set('podNamespace', s.podNamespace);
  set('node', s.nodename);
  set('status', status.status);
  return a;
}

function readServiceAccount(object: KubeObject, name: string, namespace: string): ServiceAccount {
  return { name, namespace, annotations: stringMap(object.metadata.annotations), object };
}

/** Where a kind keeps its pod template. */
export function templatePath(kind: WorkloadKind): string[] {
  switch (kind) {
    case 'CronJob':
      return ['spec', 'jobTemplate', 'spec', 'template'];
    case 'Pod':
      return [];
    default:
      return ['spec', 'template'];
  }
}

function readWorkload(object: KubeObject, kind: WorkloadKind, name: string, namespace: string, ctx: Ctx): Workload {
  const path = templatePath(kind);
  let node: unknown = object;
  for (const key of path) {
    node = isMap(node) ? node[key] : undefined;
    if (!isMap(node)) fail(ctx, `has no ${path.join('.')} (required: the pod template)`);
  }
  const tpl = node as Record<string, unknown>;
  const meta = isMap(tpl.metadata) ? tpl.metadata : {};
  const podSpec = tpl.spec;
  if (!isMap(podSpec)) fail(ctx, `has no ${[...path, 'spec'].join('.')} (required: the pod spec)`);
  const template: PodTemplateView = { labels: stringMap(meta.labels), annotations: stringMap(meta.annotations) };
  const sa = optionalStr(podSpec.serviceAccountName) ?? optionalStr(podSpec.serviceAccount);
  if (sa) template.serviceAccountName = sa;
  const w: Workload = { kind, name, namespace, template, object: { ...object, metadata: { ...object.metadata, namespace } } };
  if (ctx.source) w.source = ctx.source;
  return w;
}

function controllerOf(object: KubeObject): OwnerReference | undefined {
  const refs = object.metadata.ownerReferences;
  if (!Array.isArray(refs)) return undefined;
  const valid = refs.filter((r): r is OwnerReference => isMap(r) && typeof r.kind === 'string' && typeof r.name === 'string');
  return valid.find((r) => r.controller === true) ?? valid[0];
}

/**
 * Live Pods and ReplicaSets/Jobs belong to the controller that made them: the migration changes that
 * controller (Pod -> ReplicaSet -> Deployment; Pod -> Job -> CronJob). What remains are top-level
 * workloads, bare Pods, and objects owned by something this tool does not change (recorded as `controller`).
 */
function followOwners(candidates: Workload[]): Workload[] {
  const byKey = new Map(candidates.map((w) => [`${w.kind}/${w.namespace}/${w.name}`, w]));
  const out: Workload[] = [];
  for (const w of candidates) {
    const owner = controllerOf(w.object);
    if (!owner) {
      out.push(w);
      continue;
    }
    const ownerKind = TEMPLATE_KINDS[owner.kind];
    if (ownerKind && byKey.has(`${ownerKind}/${w.namespace}/${owner.name}`)) continue; // its controller is in the inventory
    // Owned by something not in the inventory: kept, with the owner named so the plan can say where to change it.
    out.push({ ...w, controller: { kind: owner.kind, name: owner.name } });
  }
  return out;
}

function dedupe<T>(items: T[], key: (t: T) => string, what: string, notes: string[]): T[] {
  const seen = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) notes.push(`${what} ${k} is defined more than once; the last definition is used`);
    seen.set(k, item);
  }
  return [...seen.values()];
}

// The Kubernetes side of the migration as objects to apply: ServiceAccounts with the client-id
// annotation, and each workload as it was read with only the Workload ID changes made to its pod
// template (the `azure.workload.identity/use` label, serviceAccountName, optional sidecar annotations).
// The `aadpodidbinding` label stays, so pod identity keeps working side by side until the new identity
// is verified. Server-owned fields are removed so the objects suit `kubectl apply` and review as a diff.
import { templatePath } from './inventory.js';
import { CLIENT_ID_ANNOTATION, MANAGED_BY_LABEL, MANAGED_BY_VALUE, TENANT_ID_ANNOTATION } from './service-accounts.js';
import type { KubeObject, ServiceAccount, Workload } from './types.js';

export const USE_LABEL = 'azure.workload.identity/use';
export const INJECT_PROXY_SIDECAR_ANNOTATION = 'azure.workload.identity/inject-proxy-sidecar';
export const PROXY_SIDECAR_PORT_ANNOTATION = 'azure.workload.identity/proxy-sidecar-port';
export const DEFAULT_PROXY_SIDECAR_PORT = 8000;

const SERVER_METADATA = ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'ownerReferences'];
const SERVER_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision'];

type Json = Record<string, unknown>;

function isMap(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Removes what the server owns: status, managedFields, resourceVersion, uid, timestamps, last-applied. */
export function cleanObject(o: KubeObject): KubeObject {
  const c = clone(o);
  delete c.status;
  for (const k of SERVER_METADATA) delete c.metadata[k];
  if (c.metadata.annotations) {
    for (const a of SERVER_ANNOTATIONS) delete c.metadata.annotations[a];
    if (Object.keys(c.metadata.annotations).length === 0) delete c.metadata.annotations;
  }
  // `kubectl get -o yaml` shows templates with `creationTimestamp: null`; it means nothing to apply.
  const stripTemplateTimestamp = (t: unknown) => {
    if (isMap(t) && isMap(t.metadata) && t.metadata.creationTimestamp == null) delete t.metadata.creationTimestamp;
  };
  const spec = c.spec;
  if (isMap(spec)) {
    stripTemplateTimestamp(spec.template);
    if (isMap(spec.jobTemplate)) {
      stripTemplateTimestamp(spec.jobTemplate);
      if (isMap(spec.jobTemplate.spec)) stripTemplateTimestamp(spec.jobTemplate.spec.template);
    }
  }
  return c;
}

export interface ServiceAccountChange {
  name: string;
  namespace: string;
  clientID: string;
  tenantID?: string;
  create: boolean;
  existing?: ServiceAccount;
}

export function serviceAccountManifest(change: ServiceAccountChange): KubeObject {
  const base: KubeObject = change.existing
    ? cleanObject(change.existing.object)
    : { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: change.name, namespace: change.namespace } };
  // Only the envelope and metadata matter to the migration; secrets and imagePullSecrets of an existing one are kept as they are.
  base.metadata.namespace = change.namespace;
  if (change.create) base.metadata.labels = { ...(base.metadata.labels ?? {}), [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
  const annotations: Record<string, string> = { ...(base.metadata.annotations ?? {}), [CLIENT_ID_ANNOTATION]: change.clientID };
  if (change.tenantID) annotations[TENANT_ID_ANNOTATION] = change.tenantID;
  base.metadata.annotations = annotations;
  return base;
}

export interface WorkloadChange {
  serviceAccountName: string;
  proxySidecarPort?: number;
}

/** The pod template (mutable) inside a copy of the workload's object. */
function podTemplate(o: KubeObject, w: Workload): Json {
  let node: unknown = o;
  for (const key of templatePath(w.kind)) node = (node as Json)[key];
  return node as Json;
}

export function workloadManifest(w: Workload, change: WorkloadChange): KubeObject {
  const o = cleanObject(w.object);
  o.metadata.namespace = w.namespace;
  const tpl = podTemplate(o, w);
  const meta: Json = isMap(tpl.metadata) ? tpl.metadata : (tpl.metadata = {});
  meta.labels = { ...(isMap(meta.labels) ? meta.labels : {}), [USE_LABEL]: 'true' };
  if (change.proxySidecarPort !== undefined) {
    meta.annotations = {
      ...(isMap(meta.annotations) ? meta.annotations : {}),
      [INJECT_PROXY_SIDECAR_ANNOTATION]: 'true',
      [PROXY_SIDECAR_PORT_ANNOTATION]: String(change.proxySidecarPort),
    };
  }
  const spec = tpl.spec as Json;
  spec.serviceAccountName = change.serviceAccountName;
  // The deprecated alias must agree with serviceAccountName when a manifest still sets it.
  if (spec.serviceAccount !== undefined) spec.serviceAccount = change.serviceAccountName;
  return o;
}

/** True when the workload already runs as planned, so applying its manifest changes nothing. */
export function alreadyMigrated(w: Workload, change: WorkloadChange): boolean {
  const t = w.template;
  if (t.labels[USE_LABEL] !== 'true' || t.serviceAccountName !== change.serviceAccountName) return false;
  if (change.proxySidecarPort !== undefined) {
    return t.annotations[INJECT_PROXY_SIDECAR_ANNOTATION] === 'true' && t.annotations[PROXY_SIDECAR_PORT_ANNOTATION] === String(change.proxySidecarPort);
  }
  return true;
}

/** True when the ServiceAccount already carries the planned annotations. */
export function serviceAccountCurrent(change: ServiceAccountChange): boolean {
  const a = change.existing?.annotations;
  if (!a || a[CLIENT_ID_ANNOTATION] !== change.clientID) return false;
  return change.tenantID === undefined || a[TENANT_ID_ANNOTATION] === change.tenantID;
}

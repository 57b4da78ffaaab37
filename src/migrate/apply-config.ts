// What --apply sends with server-side apply: for each manifest, only the fields the migration sets
// (the ServiceAccount's annotations and our label; the pod template's Workload ID label, annotations and
// serviceAccountName). kubectl-entra then owns exactly those fields, never a workload's containers or
// replicas, so it cannot revert someone else's concurrent change and a second run is a no-op.
import { templatePath } from './inventory.js';
import { INJECT_PROXY_SIDECAR_ANNOTATION, PROXY_SIDECAR_PORT_ANNOTATION, USE_LABEL } from './manifests.js';
import { CLIENT_ID_ANNOTATION, MANAGED_BY_LABEL, MANAGED_BY_VALUE, TENANT_ID_ANNOTATION } from './service-accounts.js';
import type { KubeObject, WorkloadKind } from './types.js';

/** The REST coordinates of the kinds the migration changes. */
export const APPLY_TARGETS: Record<string, { apiVersion: string; resource: string; kind: WorkloadKind | 'ServiceAccount' }> = {
  ServiceAccount: { apiVersion: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount' },
  Deployment: { apiVersion: 'apps/v1', resource: 'deployments', kind: 'Deployment' },
  StatefulSet: { apiVersion: 'apps/v1', resource: 'statefulsets', kind: 'StatefulSet' },
  DaemonSet: { apiVersion: 'apps/v1', resource: 'daemonsets', kind: 'DaemonSet' },
  ReplicaSet: { apiVersion: 'apps/v1', resource: 'replicasets', kind: 'ReplicaSet' },
  CronJob: { apiVersion: 'batch/v1', resource: 'cronjobs', kind: 'CronJob' },
};

const OUR_ANNOTATIONS = [CLIENT_ID_ANNOTATION, TENANT_ID_ANNOTATION];
const OUR_TEMPLATE_ANNOTATIONS = [INJECT_PROXY_SIDECAR_ANNOTATION, PROXY_SIDECAR_PORT_ANNOTATION];

function pick(from: Record<string, string> | undefined, keys: string[]): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const k of keys) if (from?.[k] !== undefined) out[k] = from[k]!;
  return Object.keys(out).length ? out : undefined;
}

export function applyConfiguration(manifest: KubeObject): KubeObject {
  const target = APPLY_TARGETS[manifest.kind];
  if (!target) throw new Error(`no apply target for kind ${manifest.kind}`);
  const metadata: KubeObject['metadata'] = { name: manifest.metadata.name, namespace: manifest.metadata.namespace };
  if (manifest.kind === 'ServiceAccount') {
    if (manifest.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE) metadata.labels = { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
    const annotations = pick(manifest.metadata.annotations, OUR_ANNOTATIONS);
    if (annotations) metadata.annotations = annotations;
    return { apiVersion: target.apiVersion, kind: target.kind, metadata };
  }
  let tpl: any = manifest;
  for (const key of templatePath(target.kind as WorkloadKind)) tpl = tpl?.[key];
  const tplMeta: Record<string, unknown> = { labels: { [USE_LABEL]: tpl?.metadata?.labels?.[USE_LABEL] ?? 'true' } };
  const annotations = pick(tpl?.metadata?.annotations, OUR_TEMPLATE_ANNOTATIONS);
  if (annotations) tplMeta.annotations = annotations;
  let node: Record<string, unknown> = { metadata: tplMeta, spec: { serviceAccountName: tpl?.spec?.serviceAccountName } };
  for (const key of [...templatePath(target.kind as WorkloadKind)].reverse()) node = { [key]: node };
  return { apiVersion: target.apiVersion, kind: target.kind, metadata, ...node };
}

/** The API path of a namespaced object of one of the kinds in APPLY_TARGETS. */
export function objectPath(kind: string, namespace: string, name: string): string {
  const t = APPLY_TARGETS[kind];
  if (!t) throw new Error(`no apply target for kind ${kind}`);
  const base = t.apiVersion === 'v1' ? '/api/v1' : `/apis/${t.apiVersion}`;
  return `${base}/namespaces/${encodeURIComponent(namespace)}/${t.resource}/${encodeURIComponent(name)}`;
}

/** kubectl's way to name an object in results: `deployment.apps/orders-api`. */
export function kubectlName(kind: string, name: string): string {
  const t = APPLY_TARGETS[kind];
  const group = t && t.apiVersion.includes('/') ? `.${t.apiVersion.split('/')[0]}` : '';
  return `${kind.toLowerCase()}${group}/${name}`;
}

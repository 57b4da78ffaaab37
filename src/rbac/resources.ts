// Turns the TYPE argument of explain-access into an API group and resource without a cluster:
// `resource.group` (deployments.apps, also resource.version.group), kubectl short names and singular
// names of built-in resources, built-in plurals, TYPE/NAME, and `/non-resource/url`. A live caller may pass
// a discovery map (name -> group and plural) that wins over the built-in table. An unknown bare name is
// taken as a core resource with a warning, as the issue asks.
import type { Warning } from '../warnings.js';

interface BuiltIn {
  group: string;
  plural: string;
  singular?: string;
  short?: string[];
}

const CORE = '';
// The resources every cluster serves, with kubectl's short names (`kubectl api-resources`).
const BUILT_INS: BuiltIn[] = [
  { group: CORE, plural: 'bindings', singular: 'binding' },
  { group: CORE, plural: 'componentstatuses', singular: 'componentstatus', short: ['cs'] },
  { group: CORE, plural: 'configmaps', singular: 'configmap', short: ['cm'] },
  { group: CORE, plural: 'endpoints', singular: 'endpoints', short: ['ep'] },
  { group: CORE, plural: 'events', singular: 'event', short: ['ev'] },
  { group: CORE, plural: 'limitranges', singular: 'limitrange', short: ['limits'] },
  { group: CORE, plural: 'namespaces', singular: 'namespace', short: ['ns'] },
  { group: CORE, plural: 'nodes', singular: 'node', short: ['no'] },
  { group: CORE, plural: 'persistentvolumeclaims', singular: 'persistentvolumeclaim', short: ['pvc'] },
  { group: CORE, plural: 'persistentvolumes', singular: 'persistentvolume', short: ['pv'] },
  { group: CORE, plural: 'pods', singular: 'pod', short: ['po'] },
  { group: CORE, plural: 'podtemplates', singular: 'podtemplate' },
  { group: CORE, plural: 'replicationcontrollers', singular: 'replicationcontroller', short: ['rc'] },
  { group: CORE, plural: 'resourcequotas', singular: 'resourcequota', short: ['quota'] },
  { group: CORE, plural: 'secrets', singular: 'secret' },
  { group: CORE, plural: 'serviceaccounts', singular: 'serviceaccount', short: ['sa'] },
  { group: CORE, plural: 'services', singular: 'service', short: ['svc'] },
  // Impersonation targets (verb impersonate): not served, but RBAC rules name them.
  { group: CORE, plural: 'users', singular: 'user' },
  { group: CORE, plural: 'groups', singular: 'group' },
  { group: 'authentication.k8s.io', plural: 'userextras' },
  { group: 'authentication.k8s.io', plural: 'uids' },
  { group: 'admissionregistration.k8s.io', plural: 'mutatingwebhookconfigurations', singular: 'mutatingwebhookconfiguration' },
  { group: 'admissionregistration.k8s.io', plural: 'validatingwebhookconfigurations', singular: 'validatingwebhookconfiguration' },
  { group: 'admissionregistration.k8s.io', plural: 'validatingadmissionpolicies', singular: 'validatingadmissionpolicy' },
  { group: 'admissionregistration.k8s.io', plural: 'validatingadmissionpolicybindings', singular: 'validatingadmissionpolicybinding' },
  { group: 'apiextensions.k8s.io', plural: 'customresourcedefinitions', singular: 'customresourcedefinition', short: ['crd', 'crds'] },
  { group: 'apiregistration.k8s.io', plural: 'apiservices', singular: 'apiservice' },
  { group: 'apps', plural: 'controllerrevisions', singular: 'controllerrevision' },
  { group: 'apps', plural: 'daemonsets', singular: 'daemonset', short: ['ds'] },
  { group: 'apps', plural: 'deployments', singular: 'deployment', short: ['deploy'] },
  { group: 'apps', plural: 'replicasets', singular: 'replicaset', short: ['rs'] },
  { group: 'apps', plural: 'statefulsets', singular: 'statefulset', short: ['sts'] },
  { group: 'authentication.k8s.io', plural: 'selfsubjectreviews', singular: 'selfsubjectreview' },
  { group: 'authentication.k8s.io', plural: 'tokenreviews', singular: 'tokenreview' },
  { group: 'authorization.k8s.io', plural: 'localsubjectaccessreviews', singular: 'localsubjectaccessreview' },
  { group: 'authorization.k8s.io', plural: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview' },
  { group: 'authorization.k8s.io', plural: 'selfsubjectrulesreviews', singular: 'selfsubjectrulesreview' },
  { group: 'authorization.k8s.io', plural: 'subjectaccessreviews', singular: 'subjectaccessreview' },
  { group: 'autoscaling', plural: 'horizontalpodautoscalers', singular: 'horizontalpodautoscaler', short: ['hpa'] },
  { group: 'batch', plural: 'cronjobs', singular: 'cronjob', short: ['cj'] },
  { group: 'batch', plural: 'jobs', singular: 'job' },
  { group: 'certificates.k8s.io', plural: 'certificatesigningrequests', singular: 'certificatesigningrequest', short: ['csr'] },
  { group: 'coordination.k8s.io', plural: 'leases', singular: 'lease' },
  { group: 'discovery.k8s.io', plural: 'endpointslices', singular: 'endpointslice' },
  { group: 'flowcontrol.apiserver.k8s.io', plural: 'flowschemas', singular: 'flowschema' },
  { group: 'flowcontrol.apiserver.k8s.io', plural: 'prioritylevelconfigurations', singular: 'prioritylevelconfiguration' },
  { group: 'networking.k8s.io', plural: 'ingressclasses', singular: 'ingressclass' },
  { group: 'networking.k8s.io', plural: 'ingresses', singular: 'ingress', short: ['ing'] },
  { group: 'networking.k8s.io', plural: 'networkpolicies', singular: 'networkpolicy', short: ['netpol'] },
  { group: 'networking.k8s.io', plural: 'ipaddresses', singular: 'ipaddress', short: ['ip'] },
  { group: 'networking.k8s.io', plural: 'servicecidrs', singular: 'servicecidr' },
  { group: 'node.k8s.io', plural: 'runtimeclasses', singular: 'runtimeclass' },
  { group: 'policy', plural: 'poddisruptionbudgets', singular: 'poddisruptionbudget', short: ['pdb'] },
  { group: 'rbac.authorization.k8s.io', plural: 'clusterrolebindings', singular: 'clusterrolebinding', short: ['crb'] },
  { group: 'rbac.authorization.k8s.io', plural: 'clusterroles', singular: 'clusterrole' },
  { group: 'rbac.authorization.k8s.io', plural: 'rolebindings', singular: 'rolebinding', short: ['rb'] },
  { group: 'rbac.authorization.k8s.io', plural: 'roles', singular: 'role' },
  { group: 'resource.k8s.io', plural: 'deviceclasses', singular: 'deviceclass' },
  { group: 'resource.k8s.io', plural: 'resourceclaims', singular: 'resourceclaim' },
  { group: 'resource.k8s.io', plural: 'resourceclaimtemplates', singular: 'resourceclaimtemplate' },
  { group: 'resource.k8s.io', plural: 'resourceslices', singular: 'resourceslice' },
  { group: 'scheduling.k8s.io', plural: 'priorityclasses', singular: 'priorityclass', short: ['pc'] },
  { group: 'storage.k8s.io', plural: 'csidrivers', singular: 'csidriver' },
  { group: 'storage.k8s.io', plural: 'csinodes', singular: 'csinode' },
  { group: 'storage.k8s.io', plural: 'csistoragecapacities', singular: 'csistoragecapacity' },
  { group: 'storage.k8s.io', plural: 'storageclasses', singular: 'storageclass', short: ['sc'] },
  { group: 'storage.k8s.io', plural: 'volumeattachments', singular: 'volumeattachment' },
  // Workload identity and pod identity objects this plugin talks about.
  { group: 'aadpodidentity.k8s.io', plural: 'azureidentities', singular: 'azureidentity' },
  { group: 'aadpodidentity.k8s.io', plural: 'azureidentitybindings', singular: 'azureidentitybinding' },
  { group: 'aadpodidentity.k8s.io', plural: 'azurepodidentityexceptions', singular: 'azurepodidentityexception' },
];

/** name -> resource, for bare names (plural, singular, short); plurals win over other spellings. */
const BARE = new Map<string, BuiltIn>();
for (const pass of ['short', 'singular', 'plural'] as const) {
  for (const b of BUILT_INS) {
    const names = pass === 'plural' ? [b.plural] : pass === 'singular' ? (b.singular ? [b.singular] : []) : b.short ?? [];
    for (const n of names) if (pass === 'plural' || !BARE.has(n)) BARE.set(n, b);
  }
}
// Bare `events` is the core group's, as kubectl resolves it.
BARE.set('events', BUILT_INS.find((b) => b.plural === 'events' && b.group === CORE)!);

/** What live discovery knows: any spelling of a resource (plural, singular, short name) to its plural and group. */
export type DiscoveryMap = Map<string, { group: string; resource: string }>;

export type ParsedTarget =
  | { kind: 'resource'; apiGroup: string; resource: string; name: string; warnings: Warning[] }
  | { kind: 'nonResource'; url: string; warnings: Warning[] };

const VERSION = /^v\d+((alpha|beta)\d+)?$/;

/** Parses `TYPE[/NAME]`, `TYPE.GROUP[/NAME]` or `/url`. Throws Error on an empty type. */
export function parseTarget(arg: string, discovery?: DiscoveryMap): ParsedTarget {
  if (arg.startsWith('/')) return { kind: 'nonResource', url: arg, warnings: [] };
  const slash = arg.indexOf('/');
  const type = (slash >= 0 ? arg.slice(0, slash) : arg).trim();
  const name = slash >= 0 ? arg.slice(slash + 1) : '';
  if (type === '') throw new Error(`"${arg}" has no resource type`);
  if (type === '*') return { kind: 'resource', apiGroup: '', resource: '*', name, warnings: [] };
  const r = resolveType(type, discovery);
  return { kind: 'resource', apiGroup: r.group, resource: r.resource, name, warnings: r.warnings };
}

export function resolveType(type: string, discovery?: DiscoveryMap): { group: string; resource: string; warnings: Warning[] } {
  const lower = type.toLowerCase();
  const dot = lower.indexOf('.');
  if (dot < 0) {
    const found = discovery?.get(lower);
    if (found) return { group: found.group, resource: found.resource, warnings: [] };
    const b = BARE.get(lower);
    if (b) return { group: b.group, resource: b.plural, warnings: [] };
    return {
      group: CORE,
      resource: lower,
      warnings: [
        {
          code: 'UnknownResourceType',
          message: `"${type}" is not a built-in resource${discovery ? ' and the server does not serve it' : ''}; taking it as a core ("") resource. Write RESOURCE.GROUP (for example widgets.example.com) for others`,
        },
      ],
    };
  }
  let resource = lower.slice(0, dot);
  let group = lower.slice(dot + 1);
  const firstPart = group.split('.')[0];
  if (VERSION.test(firstPart)) group = group.slice(firstPart.length + 1);
  else if (VERSION.test(group)) group = CORE;
  // deploy.apps: allow a short or singular name when it belongs to the named group.
  const b = BARE.get(resource);
  if (b && b.group === group) resource = b.plural;
  else {
    for (const [k, v] of discovery ?? []) {
      if (k === resource && v.group === group) {
        resource = v.resource;
        break;
      }
    }
  }
  return { group, resource, warnings: [] };
}

/** `deployments.apps`, `pods` (core has no suffix): how kubectl names a resource in `--resource=`. */
export function qualifiedResource(resource: string, group: string): string {
  return group === '' || (group === '*' && resource === '*') ? resource : `${resource}.${group}`;
}

// Built-in resources that have no namespace: a request for them is cluster-scoped (namespace "").
const CLUSTER_SCOPED = new Set([
  '/componentstatuses', '/namespaces', '/nodes', '/persistentvolumes', '/users', '/groups',
  'authentication.k8s.io/userextras', 'authentication.k8s.io/uids', 'authentication.k8s.io/selfsubjectreviews', 'authentication.k8s.io/tokenreviews',
  'admissionregistration.k8s.io/mutatingwebhookconfigurations', 'admissionregistration.k8s.io/validatingwebhookconfigurations',
  'admissionregistration.k8s.io/validatingadmissionpolicies', 'admissionregistration.k8s.io/validatingadmissionpolicybindings',
  'apiextensions.k8s.io/customresourcedefinitions', 'apiregistration.k8s.io/apiservices',
  'authorization.k8s.io/selfsubjectaccessreviews', 'authorization.k8s.io/selfsubjectrulesreviews', 'authorization.k8s.io/subjectaccessreviews',
  'certificates.k8s.io/certificatesigningrequests', 'flowcontrol.apiserver.k8s.io/flowschemas', 'flowcontrol.apiserver.k8s.io/prioritylevelconfigurations',
  'networking.k8s.io/ingressclasses', 'networking.k8s.io/ipaddresses', 'networking.k8s.io/servicecidrs', 'node.k8s.io/runtimeclasses',
  'rbac.authorization.k8s.io/clusterroles', 'rbac.authorization.k8s.io/clusterrolebindings', 'scheduling.k8s.io/priorityclasses',
  'storage.k8s.io/csidrivers', 'storage.k8s.io/csinodes', 'storage.k8s.io/storageclasses', 'storage.k8s.io/volumeattachments',
  'resource.k8s.io/deviceclasses', 'resource.k8s.io/resourceslices',
]);

export function isClusterScopedResource(resource: string, group: string): boolean {
  return CLUSTER_SCOPED.has(`${group}/${resource}`);
}

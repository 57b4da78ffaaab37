// Live RBAC for explain-access: paginated LISTs of only what a question needs (cluster-wide objects plus
// the request namespace's Roles and RoleBindings, or every namespace's), the server's own verdict through
// SelfSubjectAccessReview / SubjectAccessReview, and offline-free discovery of a resource name the
// built-in table does not know. A 403 on any LIST gives no snapshot (partial data could mislead) and says
// which LIST was refused, so the command falls back to the server's verdict.
import { ClusterError } from '../errors.js';
import type { ServerVerdict } from '../rbac/explain.js';
import type { DiscoveryMap } from '../rbac/resources.js';
import { isResourceRequest, type AccessRequest, type ClusterRole, type ClusterRoleBinding, type RbacSnapshot, type Role, type RoleBinding } from '../rbac/types.js';
import type { KubeClient } from './client.js';
import { isForbidden } from './status.js';

const RBAC = '/apis/rbac.authorization.k8s.io/v1';

export interface LiveRbac {
  snapshot: RbacSnapshot | null;
  /** What could not be read, in words, when snapshot is null. */
  unreadable?: string;
}

/** `namespaces`: the namespaces whose Roles and RoleBindings to read, or 'all'. */
export async function gatherRbac(client: KubeClient, namespaces: string[] | 'all'): Promise<LiveRbac> {
  const refused: string[] = [];
  const list = async <T>(path: string, what: string): Promise<T[]> => {
    try {
      return await client.listAll<T>(path);
    } catch (e) {
      if (isForbidden(e)) {
        refused.push(what);
        return [];
      }
      throw e;
    }
  };
  const nsLists = <T>(kind: 'roles' | 'rolebindings'): Promise<T[]> =>
    namespaces === 'all'
      ? list<T>(`${RBAC}/${kind}`, `${kind} in all namespaces`)
      : Promise.all(namespaces.map((ns) => list<T>(`${RBAC}/namespaces/${encodeURIComponent(ns)}/${kind}`, `${kind} in namespace ${ns}`))).then((l) => l.flat());
  const [clusterRoles, clusterRoleBindings, roles, roleBindings] = await Promise.all([
    list<ClusterRole>(`${RBAC}/clusterroles`, 'clusterroles'),
    list<ClusterRoleBinding>(`${RBAC}/clusterrolebindings`, 'clusterrolebindings'),
    nsLists<Role>('roles'),
    nsLists<RoleBinding>('rolebindings'),
  ]);
  if (refused.length > 0) return { snapshot: null, unreadable: `you may not list ${refused.sort().join(', ')}` };
  return {
    snapshot: {
      clusterRoles,
      clusterRoleBindings,
      roles,
      roleBindings,
      aggregation: 'server',
      ...(namespaces === 'all' ? {} : { namespaces }),
    },
  };
}

interface ReviewStatus {
  status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string };
}

function attributes(req: AccessRequest): Record<string, unknown> {
  if (!isResourceRequest(req)) return { nonResourceAttributes: { path: req.nonResourceURL ?? '', verb: req.verb } };
  const ra: Record<string, string> = { verb: req.verb, resource: req.resource };
  if (req.namespace) ra.namespace = req.namespace;
  if (req.apiGroup) ra.group = req.apiGroup;
  if (req.subresource) ra.subresource = req.subresource;
  if (req.name) ra.name = req.name;
  return { resourceAttributes: ra };
}

export type ServerOutcome = { verdict: ServerVerdict } | { verdict: null; why: string };

/**
 * The server's verdict. `as` undefined: SelfSubjectAccessReview for the current credential. Otherwise a
 * SubjectAccessReview for that identity (user, groups, extra; AKS's Azure RBAC authorizer needs extra.oid).
 */
export async function serverVerdict(client: KubeClient, req: AccessRequest, as?: { user: string; groups: string[]; extra?: Record<string, string[]> }): Promise<ServerOutcome> {
  const self = as === undefined;
  const kind = self ? 'SelfSubjectAccessReview' : 'SubjectAccessReview';
  const spec: Record<string, unknown> = attributes(req);
  if (!self) {
    spec.user = as.user;
    spec.groups = as.groups;
    if (as.extra && Object.keys(as.extra).length > 0) spec.extra = as.extra;
  }
  try {
    const body = await client.post<ReviewStatus>(`/apis/authorization.k8s.io/v1/${self ? 'selfsubjectaccessreviews' : 'subjectaccessreviews'}`, {
      apiVersion: 'authorization.k8s.io/v1',
      kind,
      spec,
    });
    const s = body?.status ?? {};
    return { verdict: { allowed: Boolean(s.allowed), denied: Boolean(s.denied), reason: s.reason ?? '', evaluationError: s.evaluationError ?? '' } };
  } catch (e) {
    if (isForbidden(e)) return { verdict: null, why: `you may not create ${kind}s (${(e as ClusterError).message})` };
    throw e;
  }
}

interface ResourceList {
  groupVersion?: string;
  resources?: Array<{ name: string; singularName?: string; shortNames?: string[]; namespaced?: boolean }>;
}

interface GroupList {
  groups?: Array<{ name: string; preferredVersion?: { groupVersion: string } }>;
}

/** Discovery over every served group's preferred version: any spelling -> plural and group. */
export async function discoverResources(client: KubeClient): Promise<DiscoveryMap> {
  const map: DiscoveryMap = new Map();
  const add = (group: string, rl: ResourceList | undefined): void => {
    for (const r of rl?.resources ?? []) {
      if (r.name.includes('/')) continue;
      for (const n of [r.name, r.singularName, ...(r.shortNames ?? [])]) if (n && !map.has(n)) map.set(n, { group, resource: r.name });
    }
  };
  const [core, groups] = await Promise.all([client.get<ResourceList>('/api/v1'), client.get<GroupList>('/apis')]);
  add('', core);
  const lists = await Promise.all(
    (groups.groups ?? []).map((g) =>
      g.preferredVersion ? client.get<ResourceList>(`/apis/${g.preferredVersion.groupVersion}`).then((rl) => ({ g: g.name, rl }), () => ({ g: g.name, rl: undefined })) : { g: g.name, rl: undefined },
    ),
  );
  for (const { g, rl } of lists) add(g, rl);
  return map;
}

export interface ServerRules {
  resourceRules: Array<{ verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }>;
  nonResourceRules: Array<{ verbs: string[]; nonResourceURLs?: string[] }>;
  incomplete: boolean;
  evaluationError: string;
}

/** What the server says the current credential may do in a namespace (SelfSubjectRulesReview), without bindings. */
export async function selfSubjectRules(client: KubeClient, namespace: string): Promise<ServerRules> {
  const body = await client.post<{ status?: Partial<ServerRules> }>('/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectRulesReview',
    spec: { namespace: namespace || 'default' },
  });
  const st = body?.status ?? {};
  return { resourceRules: st.resourceRules ?? [], nonResourceRules: st.nonResourceRules ?? [], incomplete: Boolean(st.incomplete), evaluationError: st.evaluationError ?? '' };
}

// "Azure RBAC for Kubernetes authorization" as the stand-ins model it: the four built-in AKS RBAC roles
// with their documented data actions, a mutable table of role assignments (served by the ARM stand-in
// and consulted by the SubjectAccessReview webhook), and the decision: map the request to a data action
// the way AKS's webhook does, then find an assignment to the caller (object id or group) at the
// cluster or namespace scope whose role allows it. Written independently of src/ on purpose.
import { randomUUID } from 'node:crypto';
import { SUBSCRIPTION_ID, groupById, memberGroupIds, principalByObjectId } from './directory.js';

export const MANAGED_CLUSTERS = 'Microsoft.ContainerService/managedClusters';

export interface RoleDefinition {
  id: string;
  roleName: string;
  description: string;
  actions: string[];
  dataActions: string[];
  notDataActions: string[];
}

const mc = (s: string): string => `${MANAGED_CLUSTERS}/${s}`;
const readActions = ['Microsoft.Authorization/*/read', 'Microsoft.Resources/subscriptions/operationresults/read',
  'Microsoft.Resources/subscriptions/read', 'Microsoft.Resources/subscriptions/resourceGroups/read'];

const READER_DATA = [
  'apps/controllerrevisions/read', 'apps/daemonsets/read', 'apps/deployments/read', 'apps/replicasets/read', 'apps/statefulsets/read',
  'autoscaling/horizontalpodautoscalers/read', 'batch/cronjobs/read', 'batch/jobs/read', 'configmaps/read',
  'discovery.k8s.io/endpointslices/read', 'endpoints/read', 'events.k8s.io/events/read', 'events/read',
  'extensions/daemonsets/read', 'extensions/deployments/read', 'extensions/ingresses/read', 'extensions/networkpolicies/read',
  'extensions/replicasets/read', 'limitranges/read', 'metrics.k8s.io/pods/read', 'metrics.k8s.io/nodes/read', 'namespaces/read',
  'networking.k8s.io/ingresses/read', 'networking.k8s.io/networkpolicies/read', 'persistentvolumeclaims/read', 'pods/read',
  'policy/poddisruptionbudgets/read', 'replicationcontrollers/read', 'resourcequotas/read', 'serviceaccounts/read', 'services/read',
].map(mc);

const WRITER_DATA = [
  'apps/controllerrevisions/read', 'apps/daemonsets/*', 'apps/deployments/*', 'apps/replicasets/*', 'apps/statefulsets/*',
  'autoscaling/horizontalpodautoscalers/*', 'batch/cronjobs/*', 'coordination.k8s.io/leases/read', 'coordination.k8s.io/leases/write',
  'coordination.k8s.io/leases/delete', 'discovery.k8s.io/endpointslices/read', 'batch/jobs/*', 'configmaps/*', 'endpoints/*',
  'events.k8s.io/events/read', 'events/*', 'extensions/daemonsets/*', 'extensions/deployments/*', 'extensions/ingresses/*',
  'extensions/networkpolicies/*', 'extensions/replicasets/*', 'limitranges/read', 'metrics.k8s.io/pods/read', 'metrics.k8s.io/nodes/read',
  'namespaces/read', 'networking.k8s.io/ingresses/*', 'networking.k8s.io/networkpolicies/*', 'persistentvolumeclaims/*', 'pods/*',
  'policy/poddisruptionbudgets/*', 'replicationcontrollers/*', 'resourcequotas/read', 'secrets/*', 'serviceaccounts/*', 'services/*',
].map(mc);

/** The built-in AKS data-plane roles (role definition GUIDs are the same in every subscription). */
export const BUILT_IN_ROLES: RoleDefinition[] = [
  {
    id: '7f6c6a51-bcf8-42ba-9220-52d62157d7db',
    roleName: 'Azure Kubernetes Service RBAC Reader',
    description: 'Allows read-only access to see most objects in a namespace. It does not allow viewing roles or role bindings or Secrets.',
    actions: readActions,
    dataActions: READER_DATA,
    notDataActions: [],
  },
  {
    id: 'a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb',
    roleName: 'Azure Kubernetes Service RBAC Writer',
    description: 'Allows read/write access to most objects in a namespace. It does not allow viewing or modifying roles or role bindings.',
    actions: readActions,
    dataActions: WRITER_DATA,
    notDataActions: [],
  },
  {
    id: '3498e952-d568-435e-9b2c-8d77e338d7f7',
    roleName: 'Azure Kubernetes Service RBAC Admin',
    description: 'Lets you manage all resources under cluster/namespace, except update or delete resource quotas and namespaces.',
    actions: [...readActions, `${MANAGED_CLUSTERS}/listClusterUserCredential/action`],
    dataActions: [mc('*')],
    notDataActions: ['resourcequotas/write', 'resourcequotas/delete', 'namespaces/write', 'namespaces/delete'].map(mc),
  },
  {
    id: 'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b',
    roleName: 'Azure Kubernetes Service RBAC Cluster Admin',
    description: 'Lets you manage all resources in the cluster.',
    actions: [...readActions, `${MANAGED_CLUSTERS}/listClusterUserCredential/action`],
    dataActions: [mc('*')],
    notDataActions: [],
  },
];

export type AksRole = 'reader' | 'writer' | 'admin' | 'cluster-admin';
const ROLE_BY_SHORT: Record<AksRole, RoleDefinition> = {
  reader: BUILT_IN_ROLES[0]!,
  writer: BUILT_IN_ROLES[1]!,
  admin: BUILT_IN_ROLES[2]!,
  'cluster-admin': BUILT_IN_ROLES[3]!,
};

export function roleDefinition(idOrName: string): RoleDefinition | undefined {
  const x = idOrName.toLowerCase().split('/').pop()!;
  return BUILT_IN_ROLES.find((r) => r.id === x || r.roleName.toLowerCase() === idOrName.toLowerCase()) ?? ROLE_BY_SHORT[idOrName as AksRole];
}

export const roleDefinitionResourceId = (roleId: string, subscriptionId = SUBSCRIPTION_ID): string =>
  `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;

export type PrincipalType = 'User' | 'Group' | 'ServicePrincipal';

export interface RoleAssignment {
  /** The assignment's name (a GUID); its ARM id is `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`. */
  name: string;
  roleDefinitionId: string;
  roleName: string;
  principalId: string;
  principalType: PrincipalType;
  scope: string;
}

export interface NewRoleAssignment {
  /** Short name, full role name or role definition GUID. */
  role: AksRole | string;
  principalId: string;
  principalType?: PrincipalType;
  /** Namespace scope inside the cluster; omit for cluster scope. */
  namespace?: string;
  /** An explicit scope (overrides namespace), e.g. a resource group. */
  scope?: string;
  name?: string;
}

function inferPrincipalType(id: string): PrincipalType {
  if (groupById(id)) return 'Group';
  const p = principalByObjectId(id);
  return p && (p.kind === 'servicePrincipal' || p.kind === 'managedIdentity') ? 'ServicePrincipal' : 'User';
}

export class RoleAssignmentTable {
  private readonly rows: RoleAssignment[] = [];
  constructor(readonly clusterResourceId: string) {}

  scopeFor(namespace?: string): string {
    return namespace ? `${this.clusterResourceId}/namespaces/${namespace}` : this.clusterResourceId;
  }

  add(a: NewRoleAssignment): RoleAssignment {
    const def = roleDefinition(a.role);
    if (!def) throw new Error(`unknown AKS role "${a.role}"`);
    const row: RoleAssignment = {
      name: a.name ?? randomUUID(),
      roleDefinitionId: def.id,
      roleName: def.roleName,
      principalId: a.principalId.toLowerCase(),
      principalType: a.principalType ?? inferPrincipalType(a.principalId),
      scope: a.scope ?? this.scopeFor(a.namespace),
    };
    this.rows.push(row);
    return row;
  }

  remove(name: string): boolean {
    const i = this.rows.findIndex((r) => r.name === name);
    if (i < 0) return false;
    this.rows.splice(i, 1);
    return true;
  }

  clear(): void {
    this.rows.length = 0;
  }

  list(): RoleAssignment[] {
    return this.rows.slice();
  }
}

/** Azure scope containment: an assignment at `outer` applies at `inner` and below. Case-insensitive. */
export function scopeCovers(outer: string, inner: string): boolean {
  const o = outer.toLowerCase().replace(/\/+$/, '');
  const i = inner.toLowerCase().replace(/\/+$/, '');
  return o === '' || i === o || i.startsWith(o + '/');
}

/** Azure action wildcard: `*` matches any run of characters, including `/`; case-insensitive. */
function glob(pattern: string): RegExp {
  return new RegExp('^' + pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', 'i');
}

export function actionAllowed(role: RoleDefinition, action: string): boolean {
  // A request for "*" (any verb or resource) is allowed only when a pattern covers the whole wildcard and
  // no exclusion overlaps it.
  const allowed = role.dataActions.some((p) => glob(p).test(action));
  if (!allowed) return false;
  return !role.notDataActions.some((n) => glob(n).test(action) || (action.includes('*') && glob(action).test(n)));
}

export interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

export interface SubjectAccessReviewSpec {
  user?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
  uid?: string;
  resourceAttributes?: ResourceAttributes;
  nonResourceAttributes?: { path?: string; verb?: string };
}

/** AKS's verb mapping: read / write / delete, and `<verb>/action` for the rest. */
export function actionOfVerb(verb: string): string {
  switch (verb) {
    case 'get':
    case 'list':
    case 'watch':
      return 'read';
    case 'create':
    case 'update':
    case 'patch':
      return 'write';
    case 'delete':
    case 'deletecollection':
      return 'delete';
    case '*':
      return '*';
    default:
      return `${verb}/action`;
  }
}

/** The data action AKS checks for a request. Only pods/exec keeps its subresource, as in AKS. */
export function dataActionFor(spec: SubjectAccessReviewSpec): string {
  const ra = spec.resourceAttributes;
  if (ra) {
    const parts = [MANAGED_CLUSTERS];
    if (ra.group) parts.push(ra.group);
    if (ra.resource === 'pods' && ra.subresource === 'exec') parts.push('pods', 'exec', 'action');
    else parts.push(ra.resource ?? '', actionOfVerb(ra.verb ?? ''));
    return parts.join('/');
  }
  const nr = spec.nonResourceAttributes ?? {};
  const path = (nr.path ?? '').replace(/^\/+|\/+$/g, '');
  return [MANAGED_CLUSTERS, ...(path ? [path] : []), actionOfVerb(nr.verb ?? '')].join('/');
}

export interface Decision {
  allowed: boolean;
  reason: string;
  dataAction: string;
  assignment?: RoleAssignment;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Allowed with a reason naming the assignment, or no opinion (allowed false). Like AKS, group
 * membership is read from the directory as well as the request's groups, and only the caller's object
 * id (extra.oid) and group ids count.
 */
export function decide(table: RoleAssignmentTable, spec: SubjectAccessReviewSpec): Decision {
  const dataAction = dataActionFor(spec);
  const oid = spec.extra?.oid?.[0]?.toLowerCase();
  if (!oid || !GUID.test(oid)) return { allowed: false, dataAction, reason: 'Azure RBAC: no opinion (no Entra object id in the request)' };
  const groups = new Set([...(spec.groups ?? []).filter((g) => GUID.test(g)).map((g) => g.toLowerCase()), ...memberGroupIds(oid)]);
  const scope = table.scopeFor(spec.resourceAttributes?.namespace || undefined);
  for (const a of table.list()) {
    if (a.principalId !== oid && !groups.has(a.principalId)) continue;
    if (!scopeCovers(a.scope, scope)) continue;
    const role = roleDefinition(a.roleDefinitionId);
    if (!role || !actionAllowed(role, dataAction)) continue;
    return {
      allowed: true,
      dataAction,
      assignment: a,
      reason:
        `Access allowed by Azure RBAC role assignment ${a.scope}/providers/Microsoft.Authorization/roleAssignments/${a.name} ` +
        `of role "${a.roleName}" to ${a.principalType} ${a.principalId} (data action ${dataAction})`,
    };
  }
  return { allowed: false, dataAction, reason: `Azure RBAC: no opinion (no role assignment grants ${dataAction} at ${scope})` };
}

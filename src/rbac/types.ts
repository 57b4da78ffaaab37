// The data the RBAC engine works on: Kubernetes-shaped RBAC objects (rbac.authorization.k8s.io/v1) as
// plain objects, the snapshot that both the live gatherer and the -f manifest loader fill, and the
// request being asked about. Field names follow the Kubernetes API so objects can be passed through as read.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
}

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface AggregationRule {
  clusterRoleSelectors?: LabelSelector[];
}

export interface Role {
  kind?: 'Role';
  metadata: ObjectMeta;
  rules?: PolicyRule[];
}

export interface ClusterRole {
  kind?: 'ClusterRole';
  metadata: ObjectMeta;
  rules?: PolicyRule[];
  aggregationRule?: AggregationRule;
}

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export interface RoleRef {
  kind: string;
  name: string;
  apiGroup?: string;
}

export interface RoleBinding {
  kind?: 'RoleBinding';
  metadata: ObjectMeta;
  subjects?: Subject[];
  roleRef: RoleRef;
}

export interface ClusterRoleBinding {
  kind?: 'ClusterRoleBinding';
  metadata: ObjectMeta;
  subjects?: Subject[];
  roleRef: RoleRef;
}

/**
 * Everything RBAC needs to answer a question. `aggregation` says who fills in aggregated ClusterRoles:
 * `server` (live cluster: the controller already wrote their rules) or `compute` (manifests: we must).
 * A live gatherer may hold only some namespaces' Roles and RoleBindings; `namespaces` lists which
 * (undefined = all namespaces present), so near-miss searches know what they could not see.
 */
export interface RbacSnapshot {
  roles: Role[];
  clusterRoles: ClusterRole[];
  roleBindings: RoleBinding[];
  clusterRoleBindings: ClusterRoleBinding[];
  aggregation: 'server' | 'compute';
  namespaces?: string[];
}

/** The identity a request is made as, exactly as the authorizer sees it (groups are not expanded here). */
export interface UserInfo {
  user: string;
  groups: string[];
}

/**
 * A request to authorize, shaped like a SubjectAccessReview's attributes. A request is a non-resource
 * request when `nonResourceURL` is a string (even ""); otherwise it is a resource request.
 * `namespace` "" means cluster scope (or all namespaces).
 */
export interface AccessRequest extends UserInfo {
  verb: string;
  namespace: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  name: string;
  nonResourceURL?: string;
}

export function isResourceRequest(r: Pick<AccessRequest, 'nonResourceURL'>): boolean {
  return r.nonResourceURL === undefined || r.nonResourceURL === null;
}

/** A reference to a binding, as shown in explanations and JSON. */
export interface BindingRef {
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  namespace?: string;
  name: string;
}

export interface RoleRefShown {
  kind: string;
  name: string;
  namespace?: string;
}

// Small builders for RBAC tests: rules, requests, roles and bindings with sensible defaults.
import type { AccessRequest, ClusterRole, ClusterRoleBinding, PolicyRule, RbacSnapshot, Role, RoleBinding, Subject } from '../../../src/rbac/types.js';

export function rule(r: { verbs?: string[]; groups?: string[]; resources?: string[]; names?: string[]; urls?: string[] }): PolicyRule {
  const out: PolicyRule = {};
  if (r.verbs) out.verbs = r.verbs;
  if (r.groups) out.apiGroups = r.groups;
  if (r.resources) out.resources = r.resources;
  if (r.names) out.resourceNames = r.names;
  if (r.urls) out.nonResourceURLs = r.urls;
  return out;
}

export class RequestBuilder {
  private r: AccessRequest = { user: 'alice', groups: [], verb: 'get', namespace: '', apiGroup: '', resource: '', subresource: '', name: '' };
  user(u: string, ...groups: string[]): this {
    this.r.user = u;
    this.r.groups = groups;
    return this;
  }
  groups(...g: string[]): this {
    this.r.groups = g;
    return this;
  }
  verb(v: string): this {
    this.r.verb = v;
    return this;
  }
  ns(n: string): this {
    this.r.namespace = n;
    return this;
  }
  group(g: string): this {
    this.r.apiGroup = g;
    return this;
  }
  resource(res: string, sub = ''): this {
    this.r.resource = res;
    this.r.subresource = sub;
    return this;
  }
  name(n: string): this {
    this.r.name = n;
    return this;
  }
  url(u: string): this {
    this.r.nonResourceURL = u;
    return this;
  }
  build(): AccessRequest {
    return { ...this.r, groups: [...this.r.groups] };
  }
}

export const request = (): RequestBuilder => new RequestBuilder();

export const user = (name: string): Subject => ({ kind: 'User', name, apiGroup: 'rbac.authorization.k8s.io' });
export const group = (name: string): Subject => ({ kind: 'Group', name, apiGroup: 'rbac.authorization.k8s.io' });
export const sa = (name: string, namespace?: string): Subject => (namespace === undefined ? { kind: 'ServiceAccount', name } : { kind: 'ServiceAccount', name, namespace });

export const role = (namespace: string, name: string, ...rules: PolicyRule[]): Role => ({ kind: 'Role', metadata: { name, namespace }, rules });
export const clusterRole = (name: string, ...rules: PolicyRule[]): ClusterRole => ({ kind: 'ClusterRole', metadata: { name }, rules });

export function roleBinding(namespace: string, name: string, roleRef: { kind: string; name: string }, ...subjects: Subject[]): RoleBinding {
  return { kind: 'RoleBinding', metadata: { name, namespace }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects };
}

export function clusterRoleBinding(name: string, roleRef: { kind: string; name: string }, ...subjects: Subject[]): ClusterRoleBinding {
  return { kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects };
}

export function snapshot(parts: Partial<RbacSnapshot>): RbacSnapshot {
  return { roles: [], clusterRoles: [], roleBindings: [], clusterRoleBindings: [], aggregation: 'compute', ...parts };
}

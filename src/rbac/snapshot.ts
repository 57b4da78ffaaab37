// Builds an RbacSnapshot from plain Kubernetes objects (the -f manifest loader's output, or a LIST's
// items): keeps Roles, ClusterRoles, RoleBindings and ClusterRoleBindings of rbac.authorization.k8s.io,
// ignores every other kind, and reports objects that the API server would have rejected.
import type { Warning } from '../warnings.js';
import type { ClusterRole, ClusterRoleBinding, RbacSnapshot, Role, RoleBinding } from './types.js';

export interface PlainObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

export function snapshotFromObjects(objects: PlainObject[], aggregation: RbacSnapshot['aggregation'] = 'compute'): { snapshot: RbacSnapshot; warnings: Warning[]; ignored: number } {
  const snapshot: RbacSnapshot = { roles: [], clusterRoles: [], roleBindings: [], clusterRoleBindings: [], aggregation };
  const warnings: Warning[] = [];
  let ignored = 0;
  for (const o of objects) {
    const group = (o.apiVersion ?? '').split('/')[0];
    if (!o.kind || !RBAC_KINDS.has(o.kind) || group !== 'rbac.authorization.k8s.io') {
      ignored++;
      continue;
    }
    const name = o.metadata?.name ?? '';
    const object = `${o.kind} ${o.metadata?.namespace ? o.metadata.namespace + '/' : ''}${name}`;
    if ((o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') && !isRoleRef(o.roleRef)) {
      warnings.push({ code: 'InvalidObject', message: `${object} has no valid roleRef (kind and name); the API server would reject it, so it is ignored`, object });
      continue;
    }
    switch (o.kind) {
      case 'Role':
        snapshot.roles.push(o as unknown as Role);
        break;
      case 'ClusterRole':
        snapshot.clusterRoles.push(o as unknown as ClusterRole);
        break;
      case 'RoleBinding':
        snapshot.roleBindings.push(o as unknown as RoleBinding);
        break;
      case 'ClusterRoleBinding':
        snapshot.clusterRoleBindings.push(o as unknown as ClusterRoleBinding);
        break;
    }
  }
  return { snapshot, warnings, ignored };
}

function isRoleRef(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.kind === 'string' && typeof r.name === 'string' && r.name !== '';
}

import { describe, expect, it } from 'vitest';
import { RbacPolicy } from '../../../src/rbac/policy.js';
import { snapshotFromObjects } from '../../../src/rbac/snapshot.js';

describe('snapshot from manifests', () => {
  it('keeps the four RBAC kinds of rbac.authorization.k8s.io, ignores the rest, and reports bindings the server would reject', () => {
    const r = snapshotFromObjects([
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'a' }, rules: [] },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'c' } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'rb', namespace: 'a' }, roleRef: { kind: 'Role', name: 'r' } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'broken' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'a' } },
      { apiVersion: 'example.com/v1', kind: 'Role', metadata: { name: 'not-rbac' } },
    ]);
    expect(r.snapshot.roles.map((x) => x.metadata.name)).toEqual(['r']);
    expect(r.snapshot.clusterRoles.map((x) => x.metadata.name)).toEqual(['c']);
    expect(r.snapshot.roleBindings.map((x) => x.metadata.name)).toEqual(['rb']);
    expect(r.snapshot.clusterRoleBindings).toEqual([]);
    expect(r.snapshot.aggregation).toBe('compute');
    expect(r.ignored).toBe(2);
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'InvalidObject', object: 'ClusterRoleBinding broken' })]);
  });

  it('reports duplicate objects and uses the last one, as kubectl apply would leave it', () => {
    const { snapshot } = snapshotFromObjects([
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'c' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'c' }, rules: [{ verbs: ['list'], apiGroups: [''], resources: ['pods'] }] },
    ]);
    const p = new RbacPolicy(snapshot);
    expect(p.clusterRole('c')!.rules[0].verbs).toEqual(['list']);
    expect(p.problems).toEqual([expect.objectContaining({ code: 'DuplicateObject', object: 'ClusterRole c' })]);
  });
});

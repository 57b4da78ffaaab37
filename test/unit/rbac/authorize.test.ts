import { describe, expect, it } from 'vitest';
import { authorize, isPrivileged } from '../../../src/rbac/authorize.js';
import { RbacPolicy } from '../../../src/rbac/policy.js';
import { impersonatedGroups, subjectAppliesTo } from '../../../src/rbac/subjects.js';
import { clusterRole, clusterRoleBinding, group, request, role, roleBinding, rule, sa, snapshot, user } from './builders.js';

const readPods = rule({ verbs: ['get', 'list'], groups: [''], resources: ['pods'] });

describe('subjects', () => {
  const who = { user: 'system:serviceaccount:ns1:builder', groups: ['system:serviceaccounts'] };
  it.each([
    [user('alice'), { user: 'alice', groups: [] }, 'ns1', true],
    [user('Alice'), { user: 'alice', groups: [] }, 'ns1', false],
    [group('devs'), { user: 'bob', groups: ['devs'] }, '', true],
    [group('devs'), { user: 'devs', groups: [] }, '', false],
    [sa('builder'), who, 'ns1', true],
    [sa('builder'), who, 'ns2', false],
    [sa('builder'), who, '', false],
    [sa('builder', 'ns1'), who, '', true],
    [sa('builder', 'ns1'), who, 'ns2', true],
    [user('system:serviceaccount:ns1:builder'), who, '', true],
    [{ kind: 'user', name: 'alice' }, { user: 'alice', groups: [] }, '', false],
    [{ kind: 'Other', name: 'alice' }, { user: 'alice', groups: [] }, '', false],
  ])('%j applies to %j in binding namespace %j: %s', (s, w, ns, want) => {
    expect(subjectAppliesTo(w, s, ns)).toBe(want);
  });

  it('ignores the subject apiGroup', () => {
    expect(subjectAppliesTo({ user: 'alice', groups: [] }, { kind: 'User', name: 'alice', apiGroup: 'example.com' }, '')).toBe(true);
  });

  it('adds the implicit groups the API server adds', () => {
    expect(impersonatedGroups('alice', [])).toEqual(['system:authenticated']);
    expect(impersonatedGroups('alice', ['g1'])).toEqual(['g1', 'system:authenticated']);
    expect(impersonatedGroups('alice', ['system:unauthenticated'])).toEqual(['system:unauthenticated']);
    expect(impersonatedGroups('system:serviceaccount:ns:x', [])).toEqual(['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated']);
    expect(impersonatedGroups('system:serviceaccount:ns:x', ['g'])).toEqual(['g', 'system:authenticated']);
    expect(impersonatedGroups('system:anonymous', [])).toEqual(['system:unauthenticated']);
  });
});

describe('authorize: the walk', () => {
  const snap = snapshot({
    roles: [role('team-a', 'pod-reader', readPods)],
    clusterRoles: [clusterRole('view', rule({ verbs: ['get', 'list', 'watch'], groups: ['', 'apps'], resources: ['pods', 'deployments'] }))],
    roleBindings: [
      roleBinding('team-a', 'read-pods', { kind: 'Role', name: 'pod-reader' }, user('alice')),
      roleBinding('team-a', 'devs-view', { kind: 'ClusterRole', name: 'view' }, group('devs')),
      roleBinding('team-a', 'dangling', { kind: 'Role', name: 'nope' }, user('alice')),
    ],
    clusterRoleBindings: [clusterRoleBinding('ops-view', { kind: 'ClusterRole', name: 'view' }, group('ops'))],
  });
  const policy = new RbacPolicy(snap);

  it('grants through a RoleBinding to a Role in its namespace only', () => {
    expect(authorize(policy, request().user('alice').ns('team-a').verb('get').resource('pods').build()).allowed).toBe(true);
    expect(authorize(policy, request().user('alice').ns('team-b').verb('get').resource('pods').build()).allowed).toBe(false);
    expect(authorize(policy, request().user('alice').ns('').verb('get').resource('pods').build()).allowed).toBe(false);
  });

  it('a RoleBinding to a ClusterRole grants only in the binding namespace', () => {
    expect(authorize(policy, request().user('bob', 'devs').ns('team-a').verb('list').group('apps').resource('deployments').build()).allowed).toBe(true);
    expect(authorize(policy, request().user('bob', 'devs').ns('team-b').verb('list').group('apps').resource('deployments').build()).allowed).toBe(false);
  });

  it('a ClusterRoleBinding grants in every namespace and at cluster scope', () => {
    for (const ns of ['', 'team-a', 'anything']) {
      const d = authorize(policy, request().user('carol', 'ops').ns(ns).verb('watch').resource('pods').build());
      expect(d.allowed).toBe(true);
      expect(d.reason).toBe('RBAC: allowed by ClusterRoleBinding "ops-view" of ClusterRole "view" to Group "ops"');
    }
  });

  it('records a dangling roleRef, skips that binding and keeps going', () => {
    const d = authorize(policy, request().user('alice').ns('team-a').verb('get').resource('pods').build());
    expect(d.allowed).toBe(true);
    expect(d.errors).toEqual([{ binding: { kind: 'RoleBinding', namespace: 'team-a', name: 'dangling' }, message: 'role.rbac.authorization.k8s.io "nope" not found' }]);
    expect(d.matches.map((m) => m.reason)).toEqual(['RBAC: allowed by RoleBinding "read-pods/team-a" of Role "pod-reader" to User "alice"']);
    const denied = authorize(policy, request().user('alice').ns('team-a').verb('delete').resource('pods').build());
    expect(denied.reason).toBe('RBAC: role.rbac.authorization.k8s.io "nope" not found');
  });

  it('reports every grant path, ClusterRoleBindings first, then RoleBindings by name', () => {
    const d = authorize(policy, request().user('alice', 'devs', 'ops').ns('team-a').verb('get').resource('pods').build());
    expect(d.matches.map((m) => `${m.binding.kind}/${m.binding.name}#${m.ruleIndex}`)).toEqual([
      'ClusterRoleBinding/ops-view#0',
      'RoleBinding/devs-view#0',
      'RoleBinding/read-pods#0',
    ]);
  });

  it('a ClusterRoleBinding to a Role is an error, not a grant', () => {
    const p = new RbacPolicy(
      snapshot({ roles: [role('default', 'r', readPods)], clusterRoleBindings: [clusterRoleBinding('bad', { kind: 'Role', name: 'r' }, user('alice'))] }),
    );
    const d = authorize(p, request().user('alice').ns('default').verb('get').resource('pods').build());
    expect(d.allowed).toBe(false);
    expect(d.errors[0].message).toContain('role.rbac.authorization.k8s.io "r" not found');
  });

  it('unknown roleRef kinds are errors', () => {
    const p = new RbacPolicy(snapshot({ clusterRoleBindings: [clusterRoleBinding('odd', { kind: 'Thing', name: 'r' }, user('alice'))] }));
    expect(authorize(p, request().user('alice').build()).errors[0].message).toBe('unsupported role reference kind: "Thing"');
  });

  it('service account subjects: RoleBinding default namespace, ClusterRoleBinding needs one', () => {
    const p = new RbacPolicy(
      snapshot({
        clusterRoles: [clusterRole('pods', readPods)],
        roleBindings: [roleBinding('ci', 'sa-local', { kind: 'ClusterRole', name: 'pods' }, sa('builder'))],
        clusterRoleBindings: [clusterRoleBinding('sa-no-ns', { kind: 'ClusterRole', name: 'pods' }, sa('deployer'))],
      }),
    );
    const builder = request().user('system:serviceaccount:ci:builder').verb('get').resource('pods');
    expect(authorize(p, builder.ns('ci').build()).allowed).toBe(true);
    expect(authorize(p, builder.ns('ci').build()).reason).toBe('RBAC: allowed by RoleBinding "sa-local/ci" of ClusterRole "pods" to ServiceAccount "builder/ci"');
    expect(authorize(p, builder.ns('other').build()).allowed).toBe(false);
    expect(authorize(p, request().user('system:serviceaccount:ci:deployer').ns('ci').verb('get').resource('pods').build()).allowed).toBe(false);
  });

  it('system:masters is privileged outside RBAC', () => {
    expect(isPrivileged(['system:masters'])).toBe(true);
    expect(isPrivileged(['system:master'])).toBe(false);
  });

  it('reports the first subject of a binding that matched', () => {
    const p = new RbacPolicy(
      snapshot({ clusterRoles: [clusterRole('pods', readPods)], clusterRoleBindings: [clusterRoleBinding('b', { kind: 'ClusterRole', name: 'pods' }, group('g2'), user('alice'), group('g1'))] }),
    );
    const d = authorize(p, request().user('alice', 'g1').verb('get').resource('pods').build());
    expect(d.matches).toHaveLength(1);
    expect(d.matches[0].subject).toEqual(user('alice'));
  });
});

describe('authorize: non-resource requests', () => {
  it('are never granted by RoleBindings, even when the request carries a namespace', () => {
    const p = new RbacPolicy(
      snapshot({
        clusterRoles: [clusterRole('health', rule({ verbs: ['get'], urls: ['/healthz'] }))],
        roleBindings: [roleBinding('ns1', 'rb', { kind: 'ClusterRole', name: 'health' }, user('alice'))],
      }),
    );
    expect(authorize(p, request().user('alice').ns('ns1').verb('get').url('/healthz').build()).allowed).toBe(false);
    const q = new RbacPolicy(snapshot({ clusterRoles: p.allClusterRoles().map((c) => c.role), clusterRoleBindings: [clusterRoleBinding('crb', { kind: 'ClusterRole', name: 'health' }, user('alice'))] }));
    expect(authorize(q, request().user('alice').ns('ns1').verb('get').url('/healthz').build()).allowed).toBe(true);
  });
});

describe('smallest fix', () => {
  it('never suggests binding a system: ClusterRole, and prefers the narrowest existing role', async () => {
    const { explainAccess } = await import('../../../src/rbac/explain.js');
    const p = new RbacPolicy(
      snapshot({
        clusterRoles: [
          clusterRole('system:heapster', rule({ verbs: ['get', 'list'], groups: [''], resources: ['pods'] })),
          clusterRole('view', rule({ verbs: ['get', 'list'], groups: [''], resources: ['pods'] }), rule({ verbs: ['get'], groups: [''], resources: ['services'] })),
          clusterRole('pod-lister', rule({ verbs: ['list'], groups: [''], resources: ['pods'] })),
          clusterRole('everything', rule({ verbs: ['*'], groups: ['*'], resources: ['*'] })),
        ],
      }),
    );
    const r = explainAccess(p, request().user('dave').ns('team-b').verb('list').resource('pods').build());
    expect(r.suggestion?.commands).toEqual(['kubectl create rolebinding dave-pod-lister --clusterrole=pod-lister --user=dave -n team-b']);
  });
});

describe('who-can', () => {
  it('lists every subject of a granting binding, skips RoleBindings for URLs, and flags subjects that match nobody', async () => {
    const { whoCan } = await import('../../../src/rbac/who-can.js');
    const p = new RbacPolicy(
      snapshot({
        clusterRoles: [clusterRole('health', rule({ verbs: ['get'], urls: ['/healthz'] }), rule({ verbs: ['get'], groups: [''], resources: ['pods'] }))],
        roleBindings: [roleBinding('ns1', 'rb', { kind: 'ClusterRole', name: 'health' }, user('alice'), sa('bot'))],
        clusterRoleBindings: [clusterRoleBinding('crb', { kind: 'ClusterRole', name: 'health' }, group('ops'), sa('lost'), { kind: 'Robot', name: 'r2' })],
      }),
    );
    const base = { verb: 'get', namespace: '', apiGroup: '', resource: '', subresource: '', name: '' };
    const urls = whoCan(p, { ...base, nonResourceURL: '/healthz' }, { allNamespaces: true });
    expect(urls.entries.map((e) => `${e.subject.kind}:${e.subject.name}${e.note ? ' !' : ''}`)).toEqual(['Group:ops', 'ServiceAccount:lost !', 'Robot:r2 !']);
    const pods = whoCan(p, { ...base, namespace: 'ns1', resource: 'pods' });
    expect(pods.entries.map((e) => `${e.subject.kind}:${e.subject.namespace ?? ''}/${e.subject.name}@${e.scope}`)).toEqual([
      'Group:/ops@',
      'ServiceAccount:/lost@',
      'Robot:/r2@',
      'User:/alice@ns1',
      'ServiceAccount:ns1/bot@ns1',
    ]);
    expect(pods.privilegedGroups).toEqual(['system:masters']);
  });
});

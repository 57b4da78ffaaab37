// The subject index must never change a verdict: compare the indexed walk with a plain walk over every
// binding (the authorizer's loop, no index) on random policies and requests from a fixed seed.
import { describe, expect, it } from 'vitest';
import { authorize } from '../../../src/rbac/authorize.js';
import { ruleAllows } from '../../../src/rbac/match.js';
import { RbacPolicy } from '../../../src/rbac/policy.js';
import { firstApplyingSubject } from '../../../src/rbac/subjects.js';
import type { AccessRequest, ClusterRole, ClusterRoleBinding, PolicyRule, RbacSnapshot, Role, RoleBinding, Subject } from '../../../src/rbac/types.js';

function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

const NS = ['a', 'b', 'c'];
const USERS = ['u1', 'u2', 'system:serviceaccount:a:sa1', 'system:serviceaccount:b:sa1', ''];
const GROUPS = ['g1', 'g2', 'system:authenticated', 'system:serviceaccounts:a'];
const VERBS = ['get', 'list', 'delete', '*'];
const RES = ['pods', 'pods/log', '*', '*/log', 'secrets', 'deployments'];

function build(r: () => number): { snap: RbacSnapshot; pick: <T>(a: T[]) => T } {
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  const rule = (): PolicyRule => (r() < 0.15 ? { verbs: [pick(VERBS)], nonResourceURLs: [pick(['/healthz', '/api/*', '*'])] } : { verbs: [pick(VERBS), pick(VERBS)], apiGroups: [pick(['', 'apps', '*'])], resources: [pick(RES)], ...(r() < 0.2 ? { resourceNames: [pick(['x', 'y'])] } : {}) });
  const subject = (): Subject => {
    const k = r();
    if (k < 0.35) return { kind: 'User', name: pick(USERS) };
    if (k < 0.7) return { kind: 'Group', name: pick(GROUPS) };
    if (k < 0.95) return r() < 0.5 ? { kind: 'ServiceAccount', name: 'sa1' } : { kind: 'ServiceAccount', name: 'sa1', namespace: pick(NS) };
    return { kind: 'Robot', name: pick(USERS) };
  };
  const clusterRoles: ClusterRole[] = Array.from({ length: 6 }, (_, i) => ({ metadata: { name: `cr${i}` }, rules: Array.from({ length: 1 + Math.floor(r() * 3) }, rule) }));
  const roles: Role[] = NS.flatMap((ns) => Array.from({ length: 3 }, (_, i) => ({ metadata: { name: `r${i}`, namespace: ns }, rules: Array.from({ length: 1 + Math.floor(r() * 3) }, rule) })));
  const ref = (): { kind: string; name: string } => (r() < 0.5 ? { kind: 'ClusterRole', name: `cr${Math.floor(r() * 7)}` } : { kind: 'Role', name: `r${Math.floor(r() * 4)}` });
  const roleBindings: RoleBinding[] = Array.from({ length: 40 }, (_, i) => ({ metadata: { name: `rb${i}`, namespace: pick(NS) }, roleRef: ref(), subjects: Array.from({ length: 1 + Math.floor(r() * 3) }, subject) }));
  const clusterRoleBindings: ClusterRoleBinding[] = Array.from({ length: 10 }, (_, i) => ({ metadata: { name: `crb${i}` }, roleRef: ref(), subjects: Array.from({ length: 1 + Math.floor(r() * 2) }, subject) }));
  return { snap: { roles, clusterRoles, roleBindings, clusterRoleBindings, aggregation: 'server' }, pick };
}

/** The authorizer's loop, transcribed without any index. */
function plainAllowed(s: RbacSnapshot, req: AccessRequest): boolean {
  const rolesOf = (kind: string, name: string, ns: string): PolicyRule[] | undefined =>
    kind === 'ClusterRole' ? s.clusterRoles.find((c) => c.metadata.name === name)?.rules : kind === 'Role' && ns ? s.roles.find((r) => r.metadata.namespace === ns && r.metadata.name === name)?.rules : undefined;
  const ns = req.nonResourceURL === undefined ? req.namespace : '';
  for (const b of s.clusterRoleBindings) {
    if (firstApplyingSubject(req, b.subjects, '') < 0) continue;
    if ((rolesOf(b.roleRef.kind, b.roleRef.name, '') ?? []).some((r) => ruleAllows(req, r))) return true;
  }
  if (ns) {
    for (const b of s.roleBindings.filter((x) => x.metadata.namespace === ns)) {
      if (firstApplyingSubject(req, b.subjects, ns) < 0) continue;
      if ((rolesOf(b.roleRef.kind, b.roleRef.name, ns) ?? []).some((r) => ruleAllows(req, r))) return true;
    }
  }
  return false;
}

describe('subject index', () => {
  it('gives the plain walk verdict for 20 random policies x 300 requests', () => {
    let allowed = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const r = rng(seed);
      const { snap, pick } = build(r);
      const policy = new RbacPolicy(snap);
      for (let i = 0; i < 300; i++) {
        const [resource, sub = ''] = pick(['pods', 'pods/log', 'secrets', 'deployments', 'pods/exec']).split('/');
        const req: AccessRequest = {
          user: pick(USERS),
          groups: GROUPS.filter(() => r() < 0.4),
          verb: pick(['get', 'list', 'delete', 'watch']),
          namespace: pick(['', ...NS]),
          apiGroup: pick(['', 'apps']),
          resource,
          subresource: sub,
          name: pick(['', 'x', 'z']),
        };
        if (r() < 0.15) req.nonResourceURL = pick(['/healthz', '/api/v1', '/apis']);
        const want = plainAllowed(snap, req);
        const got = authorize(policy, req).allowed;
        if (got !== want) throw new Error(`seed ${seed} request ${JSON.stringify(req)}: index says ${got}, plain walk ${want}`);
        if (got) allowed++;
      }
    }
    // The generator must exercise both answers.
    expect(allowed).toBeGreaterThan(300);
    expect(allowed).toBeLessThan(5700);
  });
});

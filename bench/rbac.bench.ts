// Measures the RBAC engine with 10,000 RoleBindings and 1,000 ClusterRoleBindings in memory: index build
// time, then per-question time (median, p95) for the bare verdict and for the full explanation (near
// misses and fix included when denied), and heap used. Deterministic: a seeded generator, no I/O.
import { authorize } from '../src/rbac/authorize.js';
import { explainAccess } from '../src/rbac/explain.js';
import { RbacPolicy } from '../src/rbac/policy.js';
import type { AccessRequest, ClusterRole, ClusterRoleBinding, PolicyRule, RbacSnapshot, Role, RoleBinding, Subject } from '../src/rbac/types.js';

let seed = 42;
const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = <T>(a: T[]): T => a[Math.floor(rand() * a.length)];

const NAMESPACES = Array.from({ length: 500 }, (_, i) => `ns-${i}`);
const USERS = Array.from({ length: 5000 }, (_, i) => `user${i}@contoso.com`);
const GROUPS = Array.from({ length: 800 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const RESOURCES: Array<[string, string]> = [['', 'pods'], ['', 'configmaps'], ['', 'secrets'], ['', 'services'], ['apps', 'deployments'], ['apps', 'statefulsets'], ['batch', 'jobs'], ['', 'pods/log']];

function randomRule(): PolicyRule {
  const [g, r] = pick(RESOURCES);
  return { apiGroups: [g], resources: [r], verbs: Array.from(new Set([pick(VERBS), pick(VERBS)])) };
}
function randomSubject(ns: string): Subject {
  const x = rand();
  if (x < 0.5) return { kind: 'User', name: pick(USERS) };
  if (x < 0.85) return { kind: 'Group', name: pick(GROUPS) };
  return { kind: 'ServiceAccount', name: `sa-${Math.floor(rand() * 20)}`, namespace: ns };
}

function build(): RbacSnapshot {
  const clusterRoles: ClusterRole[] = Array.from({ length: 300 }, (_, i) => ({ metadata: { name: `cr-${i}` }, rules: Array.from({ length: 1 + Math.floor(rand() * 6) }, randomRule) }));
  const roles: Role[] = [];
  for (const ns of NAMESPACES) for (let i = 0; i < 4; i++) roles.push({ metadata: { name: `role-${i}`, namespace: ns }, rules: Array.from({ length: 1 + Math.floor(rand() * 4) }, randomRule) });
  const roleBindings: RoleBinding[] = [];
  for (let i = 0; i < 10_000; i++) {
    const ns = NAMESPACES[i % NAMESPACES.length];
    const toRole = rand() < 0.5;
    roleBindings.push({
      metadata: { name: `rb-${i}`, namespace: ns },
      roleRef: toRole ? { kind: 'Role', name: `role-${Math.floor(rand() * 5)}` } : { kind: 'ClusterRole', name: `cr-${Math.floor(rand() * 300)}` },
      subjects: Array.from({ length: 1 + Math.floor(rand() * 3) }, () => randomSubject(ns)),
    });
  }
  const clusterRoleBindings: ClusterRoleBinding[] = Array.from({ length: 1000 }, (_, i) => ({
    metadata: { name: `crb-${i}` },
    roleRef: { kind: 'ClusterRole', name: `cr-${Math.floor(rand() * 300)}` },
    subjects: Array.from({ length: 1 + Math.floor(rand() * 3) }, () => randomSubject(pick(NAMESPACES))),
  }));
  return { roles, clusterRoles, roleBindings, clusterRoleBindings, aggregation: 'server' };
}

function question(): AccessRequest {
  const [g, rr] = pick(RESOURCES);
  const [resource, subresource = ''] = rr.split('/');
  const groups = [...Array.from({ length: 8 }, () => pick(GROUPS)), 'system:authenticated'];
  return { user: pick(USERS), groups, verb: pick(VERBS), namespace: pick(NAMESPACES), apiGroup: g, resource, subresource, name: '' };
}

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(3)} ms, p95 ${q(0.95).toFixed(3)} ms, max ${s[s.length - 1].toFixed(3)} ms`;
}

const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => undefined);
gc();
const heap0 = process.memoryUsage().heapUsed;
const snapshot = build();
const t0 = performance.now();
const policy = new RbacPolicy(snapshot);
const buildMs = performance.now() - t0;
gc();
const heap1 = process.memoryUsage().heapUsed;

const N = 2000;
const questions = Array.from({ length: N }, question);
const verdict: number[] = [];
const explained: number[] = [];
let allowed = 0;
for (const q of questions) {
  let t = performance.now();
  if (authorize(policy, q).allowed) allowed++;
  verdict.push(performance.now() - t);
  t = performance.now();
  explainAccess(policy, q);
  explained.push(performance.now() - t);
}

console.log('RBAC engine: 10,000 RoleBindings in 500 namespaces, 1,000 ClusterRoleBindings, 2,000 Roles, 300 ClusterRoles');
console.log(`index build: ${buildMs.toFixed(1)} ms; heap for snapshot + index: ${((heap1 - heap0) / 1048576).toFixed(1)} MiB`);
console.log(`verdict (${N} questions, ${allowed} allowed): ${stats(verdict)}`);
console.log(`full explanation incl. near misses and fix: ${stats(explained)}`);

// Differential test of src/rbac against kube-apiserver: from a seed, generate random Roles, ClusterRoles
// (some aggregated), RoleBindings and ClusterRoleBindings to random users, groups and ServiceAccounts;
// apply them; then ask both the API server (SubjectAccessReview) and the engine the same random questions.
// Users and groups are not Entra ids, so the Azure RBAC webhook has no opinion and RBAC alone decides.
//   KUBECTL_ENTRA_DIFF_CHECKS  number of requests (default 2000)
//   KUBECTL_ENTRA_DIFF_SEED    reproduce a run (printed at the start)
// Every request is judged twice by the engine: on the live snapshot (aggregated rules as the controller wrote
// them) and on the same objects with aggregated rules removed (computed, as for -f manifests).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { decide, resolveClusterRoles, snapshotFromObjects, type AccessRequest, type PolicyRule, type RbacSnapshot } from '../../src/rbac/index.js';
import { KubeApi } from './support/kubeapi.js';
import { e2e } from './support/kubectl.js';

const CHECKS = Number(process.env.KUBECTL_ENTRA_DIFF_CHECKS ?? 2000);
const SEED = Number(process.env.KUBECTL_ENTRA_DIFF_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CONCURRENCY = 24;

/** mulberry32: small, fast, good enough for test data, and reproducible from one 32-bit seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const chance = (p: number) => next() < p;
  const some = <T>(xs: readonly T[], max: number, min = 1): T[] => {
    const n = min + int(Math.max(1, max - min + 1));
    return [...new Set(Array.from({ length: n }, () => pick(xs)))];
  };
  return { next, int, pick, chance, some };
}
type Rng = ReturnType<typeof rng>;

// The vocabulary: close enough that rules and requests often meet, with the wildcard and subresource
// corners the matching rules have (`*`, `*/scale`, `pods/*` literal, resourceNames, URL prefixes).
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'impersonate', 'bind', 'escalate', 'use'];
const RULE_VERBS = [...VERBS, '*'];
const GROUPS = ['', 'apps', 'batch', 'rbac.authorization.k8s.io', 'widgets.example.com'];
const RULE_GROUPS = [...GROUPS, '*'];
const RESOURCES: Array<[group: string, resource: string, subresources: string[]]> = [
  ['', 'pods', ['log', 'exec', 'status']],
  ['', 'secrets', []],
  ['', 'configmaps', []],
  ['', 'serviceaccounts', ['token']],
  ['apps', 'deployments', ['scale', 'status']],
  ['batch', 'jobs', ['status']],
  ['rbac.authorization.k8s.io', 'roles', []],
  ['widgets.example.com', 'widgets', ['status']],
  // cluster-scoped, and the impersonation targets
  ['', 'namespaces', ['finalize']],
  ['', 'users', []],
  ['', 'groups', []],
];
const RULE_RESOURCES = [
  ...RESOURCES.flatMap(([, r, subs]) => [r, ...subs.map((s) => `${r}/${s}`)]),
  '*', '*/scale', '*/status', 'pods/*', '*/*', 'deployments/*',
];
const NAMES = ['a', 'b', 'c'];
const RULE_NAMES = [...NAMES, '*'];
const URLS = ['/healthz', '/healthz/etcd', '/livez', '/apis', '/apis/apps', '/apis/apps/v1', '/api', '/metrics', '/logs', '/logs/kube.log', '/version', '/'];
const RULE_URLS = ['/healthz', '/healthz/*', '/apis/*', '/apis', '/api*', '/metrics', '/logs/*', '/version', '*', '/'];

interface World {
  prefix: string;
  namespaces: string[];
  users: string[];
  groups: string[];
  serviceAccounts: Array<[ns: string, name: string]>;
  aggLabel: string;
  objects: any[];
}

function generate(r: Rng, seed: number): World {
  const prefix = `d${seed.toString(36)}`;
  const namespaces = [0, 1, 2].map((i) => `${prefix}-ns${i}`);
  const users = [0, 1, 2, 3, 4].map((i) => `${prefix}-user${i}`);
  const groups = [0, 1, 2, 3].map((i) => `${prefix}-group${i}`);
  const serviceAccounts: Array<[string, string]> = namespaces.flatMap((ns) => [[ns, 'sa0'], [ns, 'sa1']] as Array<[string, string]>);
  const aggLabel = `${prefix}.example.com/aggregate`;
  const owner = { 'kubectl-entra.test/diff': prefix };

  const resourceRule = (): PolicyRule => {
    const rule: PolicyRule = { verbs: r.some(RULE_VERBS, 3), apiGroups: r.some(RULE_GROUPS, 2), resources: r.some(RULE_RESOURCES, 3) };
    if (r.chance(0.2)) rule.resourceNames = r.some(RULE_NAMES, 2);
    return rule;
  };
  const urlRule = (): PolicyRule => ({ verbs: r.some(['get', 'post', 'put', 'delete', '*'], 2), nonResourceURLs: r.some(RULE_URLS, 2) });
  const rules = (clusterScoped: boolean) =>
    Array.from({ length: 1 + r.int(3) }, () => (clusterScoped && r.chance(0.25) ? urlRule() : resourceRule()));

  const objects: any[] = namespaces.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: owner } }));
  for (const [ns, name] of serviceAccounts) objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns } });

  const clusterRoles: string[] = [];
  const aggValues = ['x', 'y', 'z'];
  for (let i = 0; i < 8; i++) {
    const name = `${prefix}-cr${i}`;
    const labels: Record<string, string> = { ...owner };
    // Every label value is used at least once, so every selector has something to find.
    if (i < aggValues.length) labels[aggLabel] = aggValues[i]!;
    else if (r.chance(0.5)) labels[aggLabel] = r.pick(aggValues);
    clusterRoles.push(name);
    objects.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels }, rules: rules(true) });
  }
  // Aggregated roles: matchLabels, matchExpressions (In, NotIn, Exists), sometimes several selectors, and
  // sometimes an aggregated role that is itself aggregated (nesting, which the controller converges).
  for (let i = 0; i < 3; i++) {
    const name = `${prefix}-agg${i}`;
    const selectors = Array.from({ length: 1 + r.int(2) }, () =>
      r.pick([
        () => ({ matchLabels: { [aggLabel]: r.pick(aggValues) } }),
        () => ({ matchExpressions: [{ key: aggLabel, operator: 'In', values: r.some(aggValues, 2) }] }),
        () => ({ matchExpressions: [{ key: aggLabel, operator: 'Exists' }, { key: aggLabel, operator: 'NotIn', values: [r.pick(aggValues)] }] }),
      ])(),
    );
    const labels: Record<string, string> = { ...owner };
    if (i === 0 && r.chance(0.5)) labels[aggLabel] = r.pick(aggValues);
    clusterRoles.push(name);
    objects.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels }, aggregationRule: { clusterRoleSelectors: selectors }, rules: [] });
  }
  const roles: Array<[string, string]> = [];
  for (const ns of namespaces) {
    for (let i = 0; i < 3; i++) {
      roles.push([ns, `role${i}`]);
      objects.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: `role${i}`, namespace: ns }, rules: rules(false) });
    }
  }

  const subject = (bindingNs: string | undefined) => {
    const kind = r.pick(['User', 'User', 'Group', 'Group', 'ServiceAccount']);
    if (kind === 'User') return { apiGroup: 'rbac.authorization.k8s.io', kind, name: r.pick(users) };
    if (kind === 'Group') {
      const name = r.chance(0.15) ? `system:serviceaccounts:${r.pick(namespaces)}` : r.pick(groups);
      return { apiGroup: 'rbac.authorization.k8s.io', kind, name };
    }
    const [ns, name] = r.pick(serviceAccounts);
    // A RoleBinding's ServiceAccount subject without a namespace means the binding's namespace.
    if (bindingNs && r.chance(0.3)) return { kind, name };
    return { kind, name, namespace: ns };
  };
  const subjects = (ns?: string) => Array.from({ length: 1 + r.int(3) }, () => subject(ns));

  for (let i = 0; i < 6; i++) {
    const roleName = r.chance(0.1) ? `${prefix}-missing` : r.pick(clusterRoles);
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: `${prefix}-crb${i}`, labels: owner },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName }, subjects: subjects(),
    });
  }
  for (const ns of namespaces) {
    for (let i = 0; i < 4; i++) {
      const toRole = r.chance(0.5);
      const roleRef = toRole
        ? { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: r.chance(0.1) ? 'missing' : r.pick(roles.filter(([n]) => n === ns))[1] }
        : { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: r.pick(clusterRoles) };
      objects.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: `rb${i}`, namespace: ns }, roleRef, subjects: subjects(ns) });
    }
  }
  return { prefix, namespaces, users, groups, serviceAccounts, aggLabel, objects };
}

function randomRequest(r: Rng, w: World): AccessRequest {
  let user: string;
  let groups: string[];
  if (r.chance(0.3)) {
    const [ns, name] = r.pick(w.serviceAccounts);
    user = `system:serviceaccount:${ns}:${name}`;
    groups = r.chance(0.7) ? ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'] : [];
  } else {
    user = r.pick(w.users);
    groups = r.chance(0.7) ? r.some(w.groups, 2) : [];
    if (r.chance(0.5)) groups.push('system:authenticated');
  }
  if (r.chance(0.01)) groups.push('system:masters');
  const base = { user, groups, verb: '', namespace: '', apiGroup: '', resource: '', subresource: '', name: '' };
  if (r.chance(0.15)) {
    return { ...base, verb: r.pick(['get', 'post', 'put', 'delete', 'head']), nonResourceURL: r.pick(URLS) };
  }
  const [group, resource, subs] = r.chance(0.1) ? [r.pick(GROUPS), r.pick(['nodes', 'widgets', 'scale']), ['status']] as const : r.pick(RESOURCES);
  // Matching is case-sensitive: now and then ask with a verb or resource in the wrong case.
  const oddCase = (x: string) => (r.chance(0.03) ? x.toUpperCase() : x);
  return {
    ...base,
    verb: oddCase(r.pick(VERBS)),
    namespace: r.chance(0.2) ? '' : r.chance(0.1) ? 'default' : r.pick(w.namespaces),
    apiGroup: group,
    resource: oddCase(resource),
    subresource: subs.length && r.chance(0.3) ? r.pick(subs) : '',
    name: r.chance(0.5) ? r.pick(NAMES) : '',
  };
}

const concrete = (v: string, pool: readonly string[], r: Rng) => (v === '*' ? r.pick(pool) : v);

/**
 * A request aimed at a binding: its subject, its namespace, one of its role's rules made concrete; then, half
 * the time, one field knocked off by a random change. This gives plenty of allowed answers and of near misses,
 * where matching bugs hide.
 */
function aimedRequest(r: Rng, w: World, rulesOf: (kind: string, ns: string, name: string) => PolicyRule[]): AccessRequest {
  const bindings = w.objects.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding');
  const b = r.pick(bindings);
  const s = r.pick(b.subjects as any[]);
  const bindingNs: string = b.metadata.namespace ?? '';
  let user = r.pick(w.users);
  let groups = r.chance(0.5) ? r.some(w.groups, 2) : [];
  if (s.kind === 'User') user = s.name;
  else if (s.kind === 'Group') {
    const m = /^system:serviceaccounts:(.+)$/.exec(s.name);
    if (m) user = `system:serviceaccount:${m[1]}:${r.pick(['sa0', 'sa1'])}`;
    groups = [...new Set([...groups, s.name])];
  } else user = `system:serviceaccount:${s.namespace ?? bindingNs}:${s.name}`;
  if (r.chance(0.5)) groups.push('system:authenticated');

  const rules = rulesOf(b.roleRef.kind, bindingNs, b.roleRef.name);
  const base = { user, groups, verb: '', namespace: '', apiGroup: '', resource: '', subresource: '', name: '' };
  if (!rules.length) return { ...randomRequest(r, w), user, groups };
  const rule = r.pick(rules);
  let req: AccessRequest;
  if (rule.nonResourceURLs?.length) {
    const u = r.pick(rule.nonResourceURLs);
    const path = u === '*' ? r.pick(URLS) : u.endsWith('*') ? u.replace(/\*+$/, '') + r.pick(['', 'x', '/y']) : u;
    req = { ...base, verb: concrete(r.pick(rule.verbs ?? ['get']), ['get', 'post', 'put', 'delete'], r), nonResourceURL: path };
  } else {
    const [res, sub = ''] = r.pick(rule.resources ?? ['*']).split('/') as [string, string?];
    const known = RESOURCES.map(([, x]) => x);
    req = {
      ...base,
      verb: concrete(r.pick(rule.verbs ?? ['get']), VERBS, r),
      namespace: bindingNs || (r.chance(0.3) ? '' : r.pick(w.namespaces)),
      apiGroup: concrete(r.pick(rule.apiGroups ?? ['']), GROUPS, r),
      resource: concrete(res, known, r),
      subresource: sub === '*' ? r.pick(['log', 'scale', 'status', 'exec']) : sub,
      name: rule.resourceNames?.length ? r.pick(rule.resourceNames) : r.chance(0.5) ? r.pick(NAMES) : '',
    };
  }
  if (r.chance(0.5)) {
    const other = randomRequest(r, w);
    const field = r.pick(['verb', 'namespace', 'apiGroup', 'resource', 'subresource', 'name', 'user', 'groups'] as const);
    if (req.nonResourceURL === undefined || field === 'verb' || field === 'user' || field === 'groups') (req as any)[field] = (other as any)[field] ?? (req as any)[field];
    else req.nonResourceURL = r.pick(URLS);
  }
  return req;
}

function sar(req: AccessRequest) {
  const spec: Record<string, unknown> = { user: req.user, groups: req.groups };
  if (req.nonResourceURL !== undefined) spec.nonResourceAttributes = { path: req.nonResourceURL, verb: req.verb };
  else
    spec.resourceAttributes = {
      namespace: req.namespace, verb: req.verb, group: req.apiGroup, resource: req.resource, subresource: req.subresource, name: req.name,
    };
  return { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec };
}

const PLURAL: Record<string, string> = {
  Namespace: 'namespaces', ServiceAccount: 'serviceaccounts', Role: 'roles', ClusterRole: 'clusterroles', RoleBinding: 'rolebindings', ClusterRoleBinding: 'clusterrolebindings',
};
function pathOf(o: any): string {
  const base = o.apiVersion === 'v1' ? '/api/v1' : `/apis/${o.apiVersion}`;
  return o.metadata.namespace ? `${base}/namespaces/${o.metadata.namespace}/${PLURAL[o.kind]}` : `${base}/${PLURAL[o.kind]}`;
}

async function inBatches<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

async function listAll(api: KubeApi, path: string): Promise<any[]> {
  const body = await api.must<{ items: any[] }>('GET', path);
  const kind = path.endsWith('clusterroles') ? 'ClusterRole' : path.endsWith('clusterrolebindings') ? 'ClusterRoleBinding' : path.endsWith('rolebindings') ? 'RoleBinding' : 'Role';
  return body.items.map((o) => ({ ...o, apiVersion: 'rbac.authorization.k8s.io/v1', kind }));
}

/** What the live gatherer would see: every RBAC object in the cluster. */
async function liveRbacObjects(api: KubeApi): Promise<any[]> {
  const g = '/apis/rbac.authorization.k8s.io/v1';
  return (await Promise.all(['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'].map((p) => listAll(api, `${g}/${p}`)))).flat();
}

/** The same question as a kubectl command line, to ask a cluster by hand. */
function canI(req: AccessRequest): string {
  const who = [`--as=${req.user}`, ...req.groups.map((g) => `--as-group=${g}`)];
  if (req.nonResourceURL !== undefined) return ['kubectl auth can-i', req.verb, req.nonResourceURL, ...who].join(' ');
  const resource = `${req.resource}${req.apiGroup ? '.' + req.apiGroup : ''}${req.name ? '/' + req.name : ''}`;
  const where = req.namespace ? [`-n ${req.namespace}`] : ['--all-namespaces'];
  return ['kubectl auth can-i', req.verb, resource, ...(req.subresource ? [`--subresource=${req.subresource}`] : []), ...where, ...who].join(' ');
}

/** The objects a disagreement could depend on: bindings naming the request's identity, and their roles. */
function reproduction(world: World, live: any[], req: AccessRequest): string {
  const mentions = (s: any, bindingNs: string | undefined) =>
    (s.kind === 'User' && s.name === req.user) ||
    (s.kind === 'Group' && req.groups.includes(s.name)) ||
    (s.kind === 'ServiceAccount' && req.user === `system:serviceaccount:${s.namespace ?? bindingNs}:${s.name}`);
  const bindings = live.filter(
    (o) =>
      (o.kind === 'ClusterRoleBinding' || (o.kind === 'RoleBinding' && o.metadata.namespace === req.namespace)) &&
      (o.subjects ?? []).some((s: any) => mentions(s, o.metadata.namespace)),
  );
  const roleNames = new Set(bindings.map((b) => `${b.roleRef.kind}/${b.roleRef.kind === 'Role' ? b.metadata.namespace + '/' : ''}${b.roleRef.name}`));
  const roles = world.objects.filter((o) => roleNames.has(`${o.kind}/${o.kind === 'Role' ? o.metadata.namespace + '/' : ''}${o.metadata.name}`));
  const sources = roles.some((r) => r.aggregationRule) ? world.objects.filter((o) => o.kind === 'ClusterRole' && o.metadata.labels?.[world.aggLabel]) : [];
  const strip = (o: any) => ({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace: o.metadata.namespace, labels: o.metadata.labels }, ...Object.fromEntries(Object.entries(o).filter(([k]) => ['rules', 'aggregationRule', 'roleRef', 'subjects'].includes(k))) });
  return [...bindings, ...roles, ...sources].map((o) => stringify(strip(o))).join('---\n');
}

describe('RBAC engine vs kube-apiserver (differential)', () => {
  let api: KubeApi;
  let world: World;

  beforeAll(async () => {
    const ctx = e2e();
    api = new KubeApi({ server: ctx.server, caPath: ctx.clusterCaPath, certPath: ctx.adminCertPath, keyPath: ctx.adminKeyPath });
    world = generate(rng(SEED), SEED);
    process.stderr.write(`[rbac-differential] seed ${SEED} (KUBECTL_ENTRA_DIFF_SEED=${SEED} to reproduce), ${CHECKS} checks, ${world.objects.length} objects\n`);
    const order = ['Namespace', 'ServiceAccount', 'ClusterRole', 'Role', 'ClusterRoleBinding', 'RoleBinding'];
    for (const kind of order) {
      await inBatches(world.objects.filter((o) => o.kind === kind), 8, (o) => api.must('POST', pathOf(o), o));
    }
  }, 60_000);

  afterAll(async () => {
    if (!api || !world) return;
    const sel = `labelSelector=${encodeURIComponent(`kubectl-entra.test/diff=${world.prefix}`)}`;
    await api.call('DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?${sel}`);
    await api.call('DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterroles?${sel}`);
    await inBatches(world.namespaces, 3, (ns) => api.call('DELETE', `/api/v1/namespaces/${ns}`));
    api.close();
  });

  it('agrees with the aggregation controller on every aggregated ClusterRole', async () => {
    const computed = resolveClusterRoles(snapshotFromObjects(world.objects, 'compute').snapshot.clusterRoles, 'compute').byName;
    const expected = (name: string) => computed.get(name)?.rules ?? [];
    const names = world.objects.filter((o) => o.aggregationRule).map((o) => o.metadata.name as string);
    const serverRules = async (name: string) => (await api.must<any>('GET', `/apis/rbac.authorization.k8s.io/v1/clusterroles/${name}`)).rules ?? [];
    // The generator must give the controller something to do.
    expect(names.some((n) => expected(n).length > 0)).toBe(true);
    for (const name of names) {
      await expect.poll(async () => canonical(await serverRules(name)), { timeout: 15_000, interval: 200 }).toEqual(canonical(expected(name)));
    }
  });

  it(`gives the same verdict as SubjectAccessReview for ${CHECKS} random requests`, async () => {
    const live = await liveRbacObjects(api);
    const liveSnapshot: RbacSnapshot = snapshotFromObjects(live, 'server').snapshot;
    const liveRoles = resolveClusterRoles(liveSnapshot.clusterRoles, 'server').byName;
    const rulesOf = (kind: string, ns: string, name: string): PolicyRule[] =>
      kind === 'ClusterRole'
        ? liveRoles.get(name)?.rules ?? []
        : liveSnapshot.roles.find((x) => x.metadata.namespace === ns && x.metadata.name === name)?.rules ?? [];
    const r = rng(SEED ^ 0x5eed);
    const requests = Array.from({ length: CHECKS }, () => (r.chance(0.6) ? aimedRequest(r, world, rulesOf) : randomRequest(r, world)));
    // The same cluster as -f manifests would show it: aggregated roles without their controller-written rules.
    const asManifests = live.map((o) => (o.kind === 'ClusterRole' && o.aggregationRule ? { ...o, rules: [] } : o));
    const computedSnapshot: RbacSnapshot = snapshotFromObjects(asManifests, 'compute').snapshot;

    const t0 = Date.now();
    const verdicts = await inBatches(requests, CONCURRENCY, async (req) => {
      const res = await api.must<any>('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', sar(req));
      return { allowed: Boolean(res.status?.allowed), reason: String(res.status?.reason ?? ''), error: String(res.status?.evaluationError ?? '') };
    });
    const seconds = (Date.now() - t0) / 1000;

    const disagreements: string[] = [];
    let allowedCount = 0;
    requests.forEach((req, i) => {
      const server = verdicts[i]!;
      if (server.allowed) allowedCount++;
      const onLive = decide(liveSnapshot, req);
      const onManifests = decide(computedSnapshot, req);
      if (onLive.allowed !== server.allowed || onManifests.allowed !== server.allowed) {
        disagreements.push(
          [
            `request ${i}: ${JSON.stringify(req)}`,
            `  as kubectl: ${canI(req)}`,
            `  kube-apiserver: ${server.allowed ? 'allowed' : 'denied'} (${server.reason || server.error || 'no reason'})`,
            `  engine (live):      ${onLive.allowed ? 'allowed' : 'denied'} (${onLive.rbac.reason})`,
            `  engine (manifests): ${onManifests.allowed ? 'allowed' : 'denied'} (${onManifests.rbac.reason})`,
            '  objects involved:',
            reproduction(world, live, req).replace(/^/gm, '    '),
          ].join('\n'),
        );
      }
    });
    process.stderr.write(
      `[rbac-differential] seed ${SEED}: ${CHECKS} checks (${allowedCount} allowed) in ${seconds.toFixed(1)} s, ${disagreements.length} disagreements\n`,
    );
    if (disagreements.length) {
      process.stderr.write(`[rbac-differential] reproduce with KUBECTL_ENTRA_DIFF_SEED=${SEED}\n${disagreements.slice(0, 5).join('\n\n')}\n`);
    }
    expect(disagreements.length, `seed ${SEED}`).toBe(0);
    // The generator must actually exercise both answers.
    expect(allowedCount).toBeGreaterThan(CHECKS * 0.1);
    expect(allowedCount).toBeLessThan(CHECKS * 0.9);
  }, 300_000);
});

/** Rules as a sorted set of canonical strings: the controller and the engine may order them differently. */
function canonical(rules: PolicyRule[]): string[] {
  const norm = (xs?: string[]) => (xs && xs.length ? xs : undefined);
  return [
    ...new Set(
      rules.map((r) =>
        JSON.stringify({ v: norm(r.verbs), g: norm(r.apiGroups), r: norm(r.resources), n: norm(r.resourceNames), u: norm(r.nonResourceURLs) }),
      ),
    ),
  ].sort();
}

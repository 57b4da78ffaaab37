// `kubectl entra explain-access` (alias can-i-explain) as users run it through kubectl against the real
// kube-apiserver: the current Entra credential's own requests explained binding by binding, near misses
// and a fix that really works, access that only Azure RBAC grants, --as/--as-group with the admin, the
// fallback to the server's verdict for callers who may not read RBAC, -f manifests with no cluster giving
// the live verdicts, --list, who-can, and the exit codes of can-i.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directory, principal } from '../support/azure/directory.js';
import { e2e, kubeloginCredential, kubectl, kubectlEntra, standIns, writeUserKubeconfig, type RunResult } from './support/kubectl.js';

const SEED = join(__dirname, 'seed');
// alice may read RBAC objects (so her own requests can be explained), a RoleBinding in team-b names a
// ServiceAccount without a namespace, another binds dave to a Role that does not exist. Applied for this file only.
const FIXTURE = join(__dirname, 'fixtures', 'explain-access', 'live.yaml');
// Read with -f only: a Role and a RoleBinding to aks-team-b-devs, without namespaces.
const TEAM_B_POD_READERS = join(__dirname, 'fixtures', 'explain-access', 'team-b-pod-readers.yaml');

const gid = (key: string): string => directory.groups[key]!.id;
const oid = (key: string): string => principal(key).objectId;
const TEAM_A_DEVS = gid('aks-team-a-devs');
const TEAM_A_READERS = gid('aks-team-a-readers');
const TEAM_B_DEVS = gid('aks-team-b-devs');
const SRE = gid('aks-sre-oncall');
const ADMINS = gid('aks-cluster-admins');
const ALL_EMPLOYEES = gid('all-employees');

const json = (s: string) => JSON.parse(s) as any;
const codes = (doc: { warnings: Array<{ code: string }> }) => doc.warnings.map((w) => w.code).sort();
const bindingNames = (matches: any[]) => matches.map((m) => `${m.binding.kind} ${m.binding.namespace ? m.binding.namespace + '/' : ''}${m.binding.name}`);

// Kubeconfigs written once for the file; the Graph environment for group display names.
const kc: Record<'alice' | 'bob' | 'carol', string> = { alice: '', bob: '', carol: '' };
/** A kubeconfig whose server is unreachable, holding carol's Entra token: the -f cases must not need a cluster. */
let unreachable = '';
/** The same for erin, whose token has a groups overage (no groups claim). */
let unreachableOverage = '';
let graph: Record<string, string> = {};

async function ea(args: string[], opts: { kubeconfig?: string; graph?: boolean } = {}): Promise<RunResult> {
  return kubectlEntra(['explain-access', ...args], { kubeconfig: opts.kubeconfig, env: opts.graph ? graph : undefined });
}

/** `-o json`: the exit code and the parsed document (the exit code is checked by the caller). */
async function eaJson(args: string[], opts: { kubeconfig?: string; graph?: boolean } = {}): Promise<{ exitCode: number; doc: any; stderr: string }> {
  const r = await ea([...args, '-o', 'json'], opts);
  expect(r.stdout, r.stderr).toMatch(/^\{/);
  return { exitCode: r.exitCode, doc: json(r.stdout), stderr: r.stderr };
}

/** The live object's rules, to check that a reported ruleIndex points at the reported rule. */
async function liveRules(kind: 'clusterrole' | 'role', name: string, namespace?: string): Promise<any[]> {
  const r = await kubectl(['get', kind, name, '-o', 'json', ...(namespace ? ['-n', namespace] : [])]);
  expect(r.exitCode, r.stderr).toBe(0);
  return json(r.stdout).rules;
}

/** Strips what the API server may add to a rule, so rules compare by their meaning. */
const normRule = (r: any) => ({
  verbs: r.verbs ?? [],
  apiGroups: r.apiGroups ?? [],
  resources: r.resources ?? [],
  resourceNames: r.resourceNames ?? [],
  nonResourceURLs: r.nonResourceURLs ?? [],
});

async function expectRuleAt(match: any): Promise<void> {
  const rules = await liveRules(match.role.kind === 'Role' ? 'role' : 'clusterrole', match.role.name, match.role.namespace);
  expect(normRule(rules[match.ruleIndex]), `${match.role.kind} ${match.role.name} rule ${match.ruleIndex}`).toEqual(normRule(match.rule));
}

/** kubectl's own answer (impersonating as the admin), for differential checks. */
async function canI(args: string[]): Promise<number> {
  return (await kubectl(['auth', 'can-i', ...args])).exitCode;
}

beforeAll(async () => {
  const applied = await kubectl(['apply', '-f', FIXTURE]);
  expect(applied.exitCode, applied.stderr).toBe(0);
  const [alice, bob, carol, carolToken, erinToken, env] = await Promise.all([
    kubeloginCredential('alice'),
    kubeloginCredential('bob'),
    kubeloginCredential('carol'),
    standIns().mintToken('carol'),
    standIns().mintToken('erin'),
    standIns().productEnv('kubectl-entra-reader'),
  ]);
  kc.alice = writeUserKubeconfig('explain-alice', alice);
  kc.bob = writeUserKubeconfig('explain-bob', bob);
  kc.carol = writeUserKubeconfig('explain-carol', carol);
  unreachable = writeUserKubeconfig('explain-unreachable', { kind: 'token', token: carolToken }, { server: 'https://127.0.0.1:1' });
  unreachableOverage = writeUserKubeconfig('explain-unreachable-overage', { kind: 'token', token: erinToken }, { server: 'https://127.0.0.1:1' });
  graph = env;
});

afterAll(async () => {
  await kubectl(['delete', '-f', FIXTURE, '--ignore-not-found']);
});

describe('the current credential (kubelogin exec), explained binding by binding', () => {
  it('allowed through an Entra group RoleBinding: the group by id and name, the RoleBinding, the role and rule; the server agrees', async () => {
    const [{ exitCode, doc, stderr }, table] = await Promise.all([
      eaJson(['create', 'deployments', '-n', 'team-a'], { kubeconfig: kc.alice, graph: true }),
      ea(['create', 'deploy', '-n', 'team-a'], { kubeconfig: kc.alice, graph: true }),
    ]);
    expect(exitCode, stderr).toBe(0);
    expect(doc.request).toEqual({
      user: 'alice@contoso.com',
      groups: expect.arrayContaining([TEAM_A_DEVS, ALL_EMPLOYEES, 'system:authenticated']),
      verb: 'create',
      namespace: 'team-a',
      apiGroup: 'apps',
      resource: 'deployments',
      subresource: '',
      name: '',
      nonResourceURL: null,
    });
    expect(doc.allowed).toBe(true);
    expect(doc.decidedBy).toBe('rbac');
    expect(doc.rbac.allowed).toBe(true);
    expect(doc.rbac.matches).toHaveLength(1);
    const [m] = doc.rbac.matches;
    expect(m.binding).toEqual({ kind: 'RoleBinding', namespace: 'team-a', name: 'team-a-devs-edit' });
    expect(m.subject).toMatchObject({ kind: 'Group', name: TEAM_A_DEVS, displayName: 'aks-team-a-devs' });
    expect(m.role).toEqual({ kind: 'ClusterRole', name: 'edit' });
    expect(m.rule.verbs).toContain('create');
    expect(m.rule.resources).toContain('deployments');
    expect(m.rule.apiGroups).toContain('apps');
    // edit is aggregated on the live cluster; the index points into the controller-filled rules.
    expect(m.aggregatedFrom).toBe('system:aggregate-to-edit');
    await expectRuleAt(m);
    const reason = `RBAC: allowed by RoleBinding "team-a-devs-edit/team-a" of ClusterRole "edit" to Group "${TEAM_A_DEVS}"`;
    expect(m.reason).toBe(reason);
    expect(doc.server).toEqual({ allowed: true, denied: false, reason, evaluationError: '' });
    expect(doc.rbac.nearMisses).toEqual([]);
    expect(doc.rbac.errors).toEqual([]);
    expect(doc.groupNames).toMatchObject({ [TEAM_A_DEVS]: 'aks-team-a-devs', [ALL_EMPLOYEES]: 'all-employees' });
    expect(doc.warnings).toEqual([]);

    // The table, with the short name deploy: same answer, words a person reads.
    expect(table.exitCode, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^yes\b/);
    expect(table.stdout).toContain('RoleBinding team-a/team-a-devs-edit');
    expect(table.stdout).toContain(`Group ${TEAM_A_DEVS} (aks-team-a-devs)`);
    expect(table.stdout).toContain('ClusterRole edit');
    expect(table.stdout).toContain(reason);
    expect(table.stderr).toBe('');
  });

  it('names every grant path, including a rule an aggregated ClusterRole took from its source', async () => {
    const { exitCode, doc } = await eaJson(['get', 'pods', '--subresource', 'log', '-n', 'team-a'], { kubeconfig: kc.carol, graph: true });
    expect(exitCode).toBe(0);
    expect(doc.request).toMatchObject({ user: 'carol@contoso.com', resource: 'pods', subresource: 'log' });
    expect(bindingNames(doc.rbac.matches)).toEqual(['ClusterRoleBinding aks-cluster-admins', 'ClusterRoleBinding sre-oncall']);
    const [admins, sre] = doc.rbac.matches;
    expect(admins).toMatchObject({ subject: { kind: 'Group', name: ADMINS, displayName: 'aks-cluster-admins' }, role: { kind: 'ClusterRole', name: 'cluster-admin' } });
    expect(admins.risks.map((r: any) => r.code)).toContain('Wildcard');
    expect(sre).toMatchObject({
      subject: { kind: 'Group', name: SRE, displayName: 'aks-sre-oncall' },
      role: { kind: 'ClusterRole', name: 'sre-oncall' },
      aggregatedFrom: 'sre-oncall-workloads',
    });
    expect(sre.rule.resources).toContain('pods/log');
    await Promise.all([expectRuleAt(admins), expectRuleAt(sre)]);
    // The authorizer stops at the first path it visits (its cache's order, not by name): one of these.
    expect(doc.server.allowed).toBe(true);
    expect([admins.reason, sre.reason]).toContain(doc.server.reason);
    expect(doc.rbac.reason).toBe(admins.reason);
    expect(doc.risks.map((r: any) => r.code)).toEqual(expect.arrayContaining(['Wildcard', 'ReadSecrets', 'PodExec']));
  });

  it('denied: near misses in another namespace and rules lacking the verb or subresource, and a fix that works', async () => {
    const [other, lacks, quiet, quietAlias] = await Promise.all([
      eaJson(['get', 'secrets', '-n', 'team-b'], { kubeconfig: kc.alice, graph: true }),
      eaJson(['delete', 'pods', '--subresource', 'log', '-n', 'team-a'], { kubeconfig: kc.alice }),
      ea(['get', 'secrets', '-n', 'team-b', '-q'], { kubeconfig: kc.alice }),
      kubectlEntra(['can-i-explain', 'get', 'secrets', '-n', 'team-b', '--quiet'], { kubeconfig: kc.alice }),
    ]);

    expect(other.exitCode).toBe(1);
    expect(other.doc.allowed).toBe(false);
    expect(other.doc.decidedBy).toBe('nobody');
    expect(other.doc.rbac).toMatchObject({ allowed: false, matches: [], errors: [] });
    expect(other.doc.server).toMatchObject({ allowed: false, denied: false });
    const away = other.doc.rbac.nearMisses.find((n: any) => n.kind === 'OtherNamespace');
    expect(away).toMatchObject({
      binding: { kind: 'RoleBinding', namespace: 'team-a', name: 'team-a-devs-edit' },
      subject: { kind: 'Group', name: TEAM_A_DEVS },
      role: { kind: 'ClusterRole', name: 'edit' },
      namespace: 'team-a',
    });
    expect(away.message).toContain('not in "team-b"');
    expect(other.doc.suggestion.commands.join('\n')).toMatch(/kubectl create rolebinding \S+ --clusterrole=\S+ --user=alice@contoso\.com -n team-b/);
    // Reading Secrets is risky: the fix says so.
    expect(other.doc.suggestion.risks.map((r: any) => r.code)).toContain('ReadSecrets');

    expect(lacks.exitCode).toBe(1);
    const missing = lacks.doc.rbac.nearMisses.filter((n: any) => n.kind === 'RuleLacks').map((n: any) => [n.binding.name, n.role.name, n.missing]);
    expect(missing).toEqual(
      expect.arrayContaining([
        ['team-a-devs-edit', 'edit', 'subresource'], // delete pods, but not pods/log
        ['team-a-devs-edit', 'edit', 'verb'], // pods/log, but only get/list/watch
      ]),
    );

    // -q: nothing printed, the same answer in the exit code (also through the alias).
    expect(quiet).toEqual({ stdout: '', stderr: '', exitCode: 1 });
    expect(quietAlias).toEqual({ stdout: '', stderr: '', exitCode: 1 });

    // The suggested fix, run as the admin would, makes the same question a yes through the new binding.
    const commands: string[] = lacks.doc.suggestion.commands;
    expect(commands.length).toBeGreaterThan(0);
    for (const c of commands) expect(c).toMatch(/^kubectl create (role|rolebinding|clusterrole|clusterrolebinding) [^'"]+$/);
    const created: string[][] = [];
    try {
      for (const c of commands) {
        const argv = c.split(/\s+/).slice(1);
        const r = await kubectl(argv);
        expect(r.exitCode, `${c}\n${r.stderr}`).toBe(0);
        created.push(['delete', argv[1]!, argv[2]!, ...(argv.includes('-n') ? ['-n', argv[argv.indexOf('-n') + 1]!] : [])]);
      }
      const after = await eaJson(['delete', 'pods', '--subresource', 'log', '-n', 'team-a'], { kubeconfig: kc.alice });
      expect(after.exitCode).toBe(0);
      const bindingCmd = commands.find((c) => / (rolebinding|clusterrolebinding) /.test(c))!;
      expect(after.doc.rbac.matches.map((m: any) => m.binding.name)).toContain(bindingCmd.split(/\s+/)[3]);
      expect(after.doc.server.allowed).toBe(true);
    } finally {
      for (const d of created) await kubectl([...d, '--ignore-not-found']);
    }
  });

  it('the table of a denial: the verdict, the near miss and the command on stdout', async () => {
    const r = await ea(['get', 'pods', '-n', 'team-b'], { kubeconfig: kc.alice, graph: true });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^no\b/);
    expect(r.stdout).toMatch(/Near misses:[\s\S]*RoleBinding "team-a-devs-edit\/team-a"[\s\S]*grants this in namespace "team-a", not in "team-b"/);
    expect(r.stdout).toMatch(/Smallest fix:[\s\S]*\n\s+kubectl create rolebinding .* -n team-b\n/);
    expect(r.stderr).toBe('');
  });
});

describe('access that only Azure RBAC grants', () => {
  it('a user (--as with --as-oid): allowed by another authorizer, with the server\'s reason; RBAC alone says no', async () => {
    const dave = ['list', 'pods', '-n', 'team-b', '--as', 'dave@contoso.com', '--as-oid', oid('dave')];
    const before = await eaJson(dave);
    expect(before.exitCode).toBe(1);
    expect(before.doc.server.allowed).toBe(false);
    const assignment = await standIns().roleAssignments.add({ role: 'reader', principalId: oid('dave'), namespace: 'team-b' });
    try {
      const [{ exitCode, doc }, table] = await Promise.all([eaJson(dave), ea(dave)]);
      expect(exitCode).toBe(0);
      expect(doc.allowed).toBe(true);
      expect(doc.decidedBy).toBe('other-authorizer');
      expect(doc.rbac.allowed).toBe(false);
      expect(doc.rbac.matches).toEqual([]);
      expect(doc.server.allowed).toBe(true);
      expect(doc.server.reason).toContain(`roleAssignments/${assignment.name}`);
      expect(doc.server.reason).toContain('Azure Kubernetes Service RBAC Reader');
      expect(doc.notes.join('\n')).toMatch(/another authorizer/);
      expect(doc.notes.join('\n')).toContain(doc.server.reason);
      // --as-oid given: no AsWithoutOid warning.
      expect(codes(doc)).not.toContain('AsWithoutOid');
      expect(table.exitCode).toBe(0);
      expect(table.stdout).toMatch(/^yes: allowed by another authorizer, not RBAC/);
      expect(table.stdout).toContain('Azure RBAC');
      expect(table.stdout).toContain(assignment.name);
      // Without the object id, Azure RBAC cannot decide; the command says why the answer differs.
      const noOid = await eaJson(['list', 'pods', '-n', 'team-b', '--as', 'dave@contoso.com']);
      expect(noOid.exitCode).toBe(1);
      expect(codes(noOid.doc)).toContain('AsWithoutOid');
    } finally {
      await standIns().roleAssignments.remove(assignment.name);
    }
    expect((await eaJson(dave)).exitCode).toBe(1);
  });

  it('a group (the current credential): allowed in the assigned namespace only; RBAC still shows its near miss', async () => {
    const args = (ns: string) => ['list', 'deployments', '-n', ns];
    const assignment = await standIns().roleAssignments.add({ role: 'reader', principalId: TEAM_A_DEVS, namespace: 'team-b' });
    try {
      const [inB, inPlatform] = await Promise.all([eaJson(args('team-b'), { kubeconfig: kc.alice }), eaJson(args('platform'), { kubeconfig: kc.alice })]);
      expect(inB.exitCode).toBe(0);
      expect(inB.doc).toMatchObject({ allowed: true, decidedBy: 'other-authorizer', rbac: { allowed: false, matches: [] } });
      expect(inB.doc.server.reason).toContain(`Group ${TEAM_A_DEVS}`);
      expect(inB.doc.rbac.nearMisses.map((n: any) => [n.kind, n.binding.name])).toContainEqual(['OtherNamespace', 'team-a-devs-edit']);
      expect(inPlatform.exitCode).toBe(1);
      expect(inPlatform.doc.decidedBy).toBe('nobody');
    } finally {
      await standIns().roleAssignments.remove(assignment.name);
    }
  });
});

describe('--as and --as-group (the admin may create SubjectAccessReviews)', () => {
  const bob = ['--as', 'bob@contoso.com', '--as-group', TEAM_A_READERS];

  it('a user with an Entra group: every path that grants, and kubectl auth can-i agrees', async () => {
    const [{ exitCode, doc }, native] = await Promise.all([
      eaJson(['get', 'pods', '--subresource', 'log', '-n', 'team-a', ...bob, '--as-oid', oid('bob')], { graph: true }),
      canI(['get', 'pods', '--subresource', 'log', '-n', 'team-a', ...bob]),
    ]);
    expect(exitCode).toBe(0);
    expect(native).toBe(0);
    expect(doc.request.user).toBe('bob@contoso.com');
    expect(doc.request.groups).toEqual([TEAM_A_READERS, 'system:authenticated']);
    expect(bindingNames(doc.rbac.matches).sort()).toEqual(['RoleBinding team-a/readers-pod-logs', 'RoleBinding team-a/team-a-readers-view']);
    const logs = doc.rbac.matches.find((m: any) => m.binding.name === 'readers-pod-logs');
    expect(logs).toMatchObject({ subject: { kind: 'Group', name: TEAM_A_READERS, displayName: 'aks-team-a-readers' }, role: { kind: 'Role', name: 'pod-log-reader', namespace: 'team-a' }, ruleIndex: 0 });
    await expectRuleAt(logs);
    expect(doc.server.allowed).toBe(true);
    expect(codes(doc)).toEqual([]);
  });

  it('denied: rules that lack only the verb, a warning without --as-oid; can-i agrees', async () => {
    const [{ exitCode, doc }, native] = await Promise.all([eaJson(['delete', 'pods', '-n', 'team-a', ...bob], { graph: true }), canI(['delete', 'pods', '-n', 'team-a', ...bob])]);
    expect(exitCode).toBe(1);
    expect(native).toBe(1);
    expect(doc.server).toMatchObject({ allowed: false });
    const lacks = doc.rbac.nearMisses.filter((n: any) => n.kind === 'RuleLacks');
    expect(lacks.map((n: any) => [n.binding.name, n.missing]).sort()).toEqual([
      ['readers-pod-logs', 'verb'],
      ['team-a-readers-view', 'verb'],
    ]);
    expect(codes(doc)).toEqual(['AsWithoutOid']);
    expect(doc.suggestion.commands.length).toBeGreaterThan(0);
  });

  it('a ServiceAccount from another namespace: resourceNames and the scale subresource', async () => {
    const bot = ['--as', 'system:serviceaccount:platform:deploy-bot'];
    const [web, api, nativeWeb, nativeApi] = await Promise.all([
      eaJson(['patch', 'deployments/web', '--subresource', 'scale', '-n', 'team-a', ...bot]),
      eaJson(['patch', 'deploy/api', '--subresource', 'scale', '-n', 'team-a', ...bot]),
      canI(['patch', 'deployments/web', '--subresource', 'scale', '-n', 'team-a', ...bot]),
      canI(['patch', 'deployments/api', '--subresource', 'scale', '-n', 'team-a', ...bot]),
    ]);
    expect([web.exitCode, api.exitCode]).toEqual([0, 1]);
    expect([nativeWeb, nativeApi]).toEqual([0, 1]);
    expect(web.doc.request).toMatchObject({
      user: 'system:serviceaccount:platform:deploy-bot',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:platform', 'system:authenticated'],
      apiGroup: 'apps',
      resource: 'deployments',
      subresource: 'scale',
      name: 'web',
    });
    expect(web.doc.rbac.matches).toHaveLength(1);
    expect(web.doc.rbac.matches[0]).toMatchObject({
      binding: { kind: 'RoleBinding', namespace: 'team-a', name: 'ci-deployer' },
      subject: { kind: 'ServiceAccount', name: 'deploy-bot', namespace: 'platform' },
      role: { kind: 'Role', name: 'deployer', namespace: 'team-a' },
      rule: { resourceNames: ['web'] },
    });
    await expectRuleAt(web.doc.rbac.matches[0]);
    expect(web.doc.server.reason).toBe('RBAC: allowed by RoleBinding "ci-deployer/team-a" of Role "deployer" to ServiceAccount "deploy-bot/platform"');
    // A ServiceAccount needs no object id: no AsWithoutOid.
    expect(codes(web.doc)).toEqual([]);
    expect(api.doc.rbac.nearMisses.map((n: any) => [n.kind, n.missing])).toContainEqual(['RuleLacks', 'resourceName']);
  });

  it('a ServiceAccount subject without a namespace means the RoleBinding\'s namespace', async () => {
    const sa = (ns: string) => ['get', 'configmaps', '-n', 'team-b', '--as', `system:serviceaccount:${ns}:builder`];
    const [same, other, nativeSame, nativeOther] = await Promise.all([
      eaJson(sa('team-b')),
      eaJson(sa('platform')),
      canI(sa('team-b')),
      canI(sa('platform')),
    ]);
    expect([same.exitCode, other.exitCode]).toEqual([0, 1]);
    expect([nativeSame, nativeOther]).toEqual([0, 1]);
    expect(same.doc.rbac.matches).toHaveLength(1);
    expect(same.doc.rbac.matches[0]).toMatchObject({
      binding: { kind: 'RoleBinding', namespace: 'team-b', name: 'explain-access-e2e-builder' },
      subject: { kind: 'ServiceAccount', name: 'builder' },
      role: { kind: 'Role', name: 'configmap-reader', namespace: 'team-b' },
    });
    expect(same.doc.rbac.reason).toBe('RBAC: allowed by RoleBinding "explain-access-e2e-builder/team-b" of Role "configmap-reader" to ServiceAccount "builder/team-b"');
    expect(same.doc.server.reason).toBe(same.doc.rbac.reason);
    expect(other.doc.rbac.matches).toEqual([]);
    expect(other.doc.server.allowed).toBe(false);
  });
});

describe('bindings the authorizer skips, and resources the server serves', () => {
  it('a RoleBinding to a missing Role: recorded as an error, a MissingRole near miss, and the fix creates the Role', async () => {
    const dave = ['get', 'pods', '-n', 'team-b', '--as', 'dave@contoso.com', '--as-oid', oid('dave')];
    const { exitCode, doc } = await eaJson(dave);
    expect(exitCode).toBe(1);
    const dangling = { kind: 'RoleBinding', namespace: 'team-b', name: 'explain-access-e2e-dangling' };
    expect(doc.rbac.errors).toEqual([{ binding: dangling, message: 'role.rbac.authorization.k8s.io "explain-access-e2e-missing" not found' }]);
    expect(doc.rbac.nearMisses).toContainEqual(expect.objectContaining({ kind: 'MissingRole', binding: dangling, role: { kind: 'Role', name: 'explain-access-e2e-missing', namespace: 'team-b' } }));
    // The server's RBAC authorizer records the same error in its reason.
    expect(doc.server.reason).toContain('role.rbac.authorization.k8s.io "explain-access-e2e-missing" not found');
    expect(doc.suggestion.commands).toEqual(['kubectl create role explain-access-e2e-missing --verb=get --resource=pods -n team-b']);
    const created = await kubectl(doc.suggestion.commands[0].split(' ').slice(1));
    expect(created.exitCode, created.stderr).toBe(0);
    try {
      const after = await eaJson(dave);
      expect(after.exitCode).toBe(0);
      expect(after.doc.rbac.errors).toEqual([]);
      expect(after.doc.rbac.matches.map((m: any) => m.binding)).toEqual([dangling]);
      expect(after.doc.server.allowed).toBe(true);
    } finally {
      await kubectl(['delete', 'role', 'explain-access-e2e-missing', '-n', 'team-b', '--ignore-not-found']);
    }
  });

  it('a custom resource by its singular name: discovery online, the CRD manifests offline; view aggregates its reader role', async () => {
    const args = ['get', 'azureidentity', '-n', 'team-a', '--as', 'bob@contoso.com', '--as-group', TEAM_A_READERS, '--as-oid', oid('bob')];
    const [live, offline] = await Promise.all([eaJson(args), eaJson([...args, '-f', SEED], { kubeconfig: unreachable })]);
    const request = { apiGroup: 'aadpodidentity.k8s.io', resource: 'azureidentities' };
    expect(live.exitCode).toBe(0);
    expect(live.doc.request).toMatchObject(request);
    expect(live.doc.rbac.matches).toHaveLength(1);
    expect(live.doc.rbac.matches[0]).toMatchObject({ binding: { name: 'team-a-readers-view' }, role: { kind: 'ClusterRole', name: 'view' }, aggregatedFrom: 'aadpodidentity-view' });
    await expectRuleAt(live.doc.rbac.matches[0]);
    expect(codes(live.doc)).not.toContain('UnknownResourceType');
    // The manifests lack the built-in view role, so offline says no, but it asks about the same resource.
    expect(offline.doc.request).toEqual(live.doc.request);
    expect(codes(offline.doc)).not.toContain('UnknownResourceType');
    expect(offline.exitCode).toBe(1);
  });
});

describe('the admin credential (system:masters client certificate)', () => {
  it('allowed before RBAC, and says so', async () => {
    const [{ exitCode, doc }, table] = await Promise.all([eaJson(['delete', 'nodes']), ea(['impersonate', 'users'])]);
    expect(exitCode).toBe(0);
    expect(doc.request).toMatchObject({ user: 'masterclient', namespace: '', resource: 'nodes', groups: expect.arrayContaining(['system:masters']) });
    expect(doc).toMatchObject({ allowed: true, decidedBy: 'system:masters', privileged: true, server: { allowed: true } });
    expect(doc.risks.map((r: any) => r.code)).toContain('SystemMasters');
    expect(doc.notes.join('\n')).toMatch(/system:masters/);
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toMatch(/^yes\b.*system:masters/);
    expect(table.stdout).toContain('SystemMasters');
  });
});

describe('a caller who may not list RBAC objects: the server\'s verdict, never a wrong certainty', () => {
  it('allowed: the server\'s verdict and the binding its reason names, with what could not be read', async () => {
    const [{ exitCode, doc }, table] = await Promise.all([
      eaJson(['get', 'pods', '--subresource', 'log', '-n', 'team-a'], { kubeconfig: kc.bob, graph: true }),
      ea(['get', 'pods', '--subresource', 'log', '-n', 'team-a'], { kubeconfig: kc.bob }),
    ]);
    expect(exitCode).toBe(0);
    expect(doc.request.user).toBe('bob@contoso.com');
    // decidedBy rbac: not from reading RBAC (rbac is null) but because the server's reason names RBAC.
    expect(doc).toMatchObject({ allowed: true, decidedBy: 'rbac', rbac: null, server: { allowed: true } });
    expect(doc.serverPath).toMatchObject({
      binding: { kind: 'RoleBinding', namespace: 'team-a' },
      subject: { kind: 'Group', name: TEAM_A_READERS, displayName: 'aks-team-a-readers' },
    });
    // The path is the one the server named, whichever of bob's two bindings that is.
    expect(doc.server.reason).toContain(`RoleBinding "${doc.serverPath.binding.name}/team-a"`);
    const notes = doc.notes.join('\n');
    expect(notes).toMatch(/could not be explained/);
    expect(notes).toMatch(/may not list .*rolebindings in namespace team-a/);
    expect(table.exitCode).toBe(0);
    // The path is presented as the server's, without rules that were never read.
    expect(table.stdout).toMatch(/Granted by \(as the server's reason names it; the rules could not be read\):\n\s+1\. RoleBinding team-a\//);
    expect(table.stdout).not.toMatch(/^\s+rule \d+:/m);
    expect(table.stdout).toMatch(/could not be explained/);
  });

  it('allowed by Azure RBAC: the server\'s verdict, with no RBAC path invented', async () => {
    const assignment = await standIns().roleAssignments.add({ role: 'reader', principalId: oid('bob'), namespace: 'team-b' });
    try {
      const [{ exitCode, doc }, table] = await Promise.all([eaJson(['list', 'pods', '-n', 'team-b'], { kubeconfig: kc.bob }), ea(['list', 'pods', '-n', 'team-b'], { kubeconfig: kc.bob })]);
      expect(exitCode).toBe(0);
      expect(doc).toMatchObject({ allowed: true, decidedBy: 'server', rbac: null, serverPath: null, server: { allowed: true } });
      expect(doc.server.reason).toContain(assignment.name);
      expect(doc.notes.join('\n')).toMatch(/could not be explained/);
      expect(table.stdout).toMatch(/^yes\b/);
      expect(table.stdout).not.toMatch(/allowed by RBAC|Granted by/);
      expect(table.stdout).toContain(assignment.name);
    } finally {
      await standIns().roleAssignments.remove(assignment.name);
    }
  });

  it('denied: no near misses or fix invented, only the server\'s no', async () => {
    const { exitCode, doc } = await eaJson(['delete', 'pods', '-n', 'team-a'], { kubeconfig: kc.bob });
    expect(exitCode).toBe(1);
    expect(doc).toMatchObject({ allowed: false, decidedBy: 'nobody', rbac: null, suggestion: null, server: { allowed: false } });
    expect(doc.notes.join('\n')).toMatch(/the verdict is the server's/);
  });

  it('--list shows the server\'s rules (incomplete, as Azure RBAC cannot list), who-can cannot answer', async () => {
    const [list, who] = await Promise.all([eaJson(['--list', '-n', 'team-a'], { kubeconfig: kc.bob }), ea(['who-can', 'get', 'pods', '-n', 'team-a'], { kubeconfig: kc.bob })]);
    expect(list.exitCode).toBe(0);
    expect(list.doc.entries).toEqual([]);
    expect(list.doc.serverRules.incomplete).toBe(true);
    expect(list.doc.serverRules.resourceRules).toContainEqual(expect.objectContaining({ resources: ['pods', 'pods/log'], verbs: ['get', 'list'] }));
    expect(codes(list.doc)).toContain('RbacUnreadable');
    expect(who.exitCode).toBe(3);
    expect(who.stdout).toBe('');
    expect(who.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: cannot answer who-can: you may not list .*clusterrolebindings/)]);
  });
});

describe('-f manifests with no cluster', () => {
  // Requests whose answers the seed manifests alone decide (the built-in ClusterRoles are not in them).
  const cases: Array<{ args: string[]; allowed: boolean }> = [
    { args: ['get', 'pods', '--subresource', 'log', '-n', 'team-a', '--as', 'sre@contoso.com', '--as-group', SRE], allowed: true },
    { args: ['delete', 'pods', '-n', 'team-b', '--as', 'sre@contoso.com', '--as-group', SRE], allowed: true },
    { args: ['patch', 'deployments.apps', '--subresource', 'scale', '-n', 'platform', '--as', 'sre@contoso.com', '--as-group', SRE], allowed: true },
    { args: ['update', 'deployments', '-n', 'platform', '--as', 'sre@contoso.com', '--as-group', SRE], allowed: false },
    { args: ['get', '/metrics', '--as', 'sre@contoso.com', '--as-group', SRE], allowed: true },
    { args: ['get', '/metrics', '--as', 'bob@contoso.com', '--as-group', TEAM_A_READERS], allowed: false },
    { args: ['list', 'nodes', '--as', 'sre@contoso.com', '--as-group', SRE], allowed: true },
    { args: ['get', 'cm', '-n', 'team-b', '--as', 'bob@contoso.com'], allowed: true },
    { args: ['get', 'secrets', '-n', 'team-b', '--as', 'bob@contoso.com'], allowed: false },
    { args: ['get', 'pods', '--subresource', 'log', '-n', 'team-a', '--as', 'dave@contoso.com'], allowed: true },
    { args: ['get', 'pods', '--subresource', 'log', '-n', 'team-b', '--as', 'dave@contoso.com'], allowed: false },
    { args: ['patch', 'deploy/web', '--subresource', 'scale', '-n', 'team-a', '--as', 'system:serviceaccount:platform:deploy-bot'], allowed: true },
    { args: ['update', 'deployments/api', '-n', 'team-a', '--as', 'system:serviceaccount:platform:deploy-bot'], allowed: false },
    { args: ['update', 'deployments/web', '-n', 'team-a', '--as', oid('ci-deployer')], allowed: true },
    { args: ['list', 'namespaces', '--as', 'erin@contoso.com', '--as-group', ALL_EMPLOYEES], allowed: true },
    { args: ['list', 'azureidentities.aadpodidentity.k8s.io', '-n', 'team-b', '--as', 'bob@contoso.com'], allowed: false },
  ];

  it('gives the live cluster\'s verdict and the same grant paths, aggregated ClusterRoles computed from the manifests', async () => {
    const results = await Promise.all(
      cases.map(async (c) => {
        const [live, offline] = await Promise.all([eaJson(c.args), eaJson([...c.args, '-f', SEED], { kubeconfig: unreachable })]);
        return { c, live, offline };
      }),
    );
    const paths = (doc: any) => doc.rbac.matches.map((m: any) => ({ ...m.binding, role: m.role.name, ruleIndex: m.ruleIndex, aggregatedFrom: m.aggregatedFrom ?? null, rule: normRule(m.rule) }));
    for (const { c, live, offline } of results) {
      const what = c.args.join(' ');
      expect(live.exitCode, `live: ${what}`).toBe(c.allowed ? 0 : 1);
      expect(live.doc.server.allowed, `server: ${what}`).toBe(c.allowed);
      expect(offline.exitCode, `-f: ${what}\n${offline.stderr}`).toBe(c.allowed ? 0 : 1);
      expect(offline.doc.allowed, `-f: ${what}`).toBe(c.allowed);
      expect(offline.doc.server, `-f: ${what}`).toBeNull();
      expect(offline.doc.request, `-f request: ${what}`).toEqual(live.doc.request);
      expect(paths(offline.doc), `-f paths: ${what}`).toEqual(paths(live.doc));
    }
    // The aggregated role really was computed from the manifests: its rules carry their sources.
    const sre = results[0]!.offline.doc.rbac.matches[0];
    expect(sre).toMatchObject({ binding: { name: 'sre-oncall' }, role: { name: 'sre-oncall' }, aggregatedFrom: 'sre-oncall-workloads' });
  });

  it('the subject from the decoded credential (--offline), and bindings to roles the manifests lack as errors', async () => {
    const [logs, nodes] = await Promise.all([
      eaJson(['get', 'pods', '--subresource', 'log', '-n', 'team-a', '-f', SEED, '--offline'], { kubeconfig: unreachable }),
      eaJson(['delete', 'nodes', '-f', SEED, '--offline'], { kubeconfig: unreachable }),
    ]);
    expect(logs.exitCode).toBe(0);
    expect(logs.doc.request.user).toBe('carol@contoso.com');
    expect(logs.doc.request.groups).toEqual(expect.arrayContaining([ADMINS, SRE, 'system:authenticated']));
    expect(bindingNames(logs.doc.rbac.matches)).toEqual(['ClusterRoleBinding sre-oncall']);
    expect(logs.doc.rbac.matches[0].aggregatedFrom).toBe('sre-oncall-workloads');
    // cluster-admin is a built-in role, not in the manifests: the authorizer would skip the binding.
    const err = { binding: { kind: 'ClusterRoleBinding', name: 'aks-cluster-admins' }, message: expect.stringContaining('"cluster-admin" not found') };
    expect(logs.doc.rbac.errors).toEqual([err]);
    expect(nodes.exitCode).toBe(1);
    expect(nodes.doc.rbac.errors).toEqual([err]);
    expect(nodes.doc.rbac.nearMisses.map((n: any) => n.kind)).toEqual(expect.arrayContaining(['MissingRole', 'RuleLacks']));
    // The same question online fails loudly: the server is unreachable.
    const online = await ea(['delete', 'nodes'], { kubeconfig: unreachable });
    expect(online.exitCode).toBe(3);
    expect(online.stderr).toMatch(/^error: .*127\.0\.0\.1:1/);
  });
});

describe('-f manifests: namespaces and group overage', () => {
  it('repeatable -f; objects without a namespace are in -n\'s; an overage token\'s groups are unknown offline until --as-group names them', async () => {
    const files = ['-f', SEED, '-f', TEAM_B_POD_READERS];
    const [token, named, otherNs] = await Promise.all([
      eaJson(['get', 'pods', '-n', 'team-b', ...files, '--offline'], { kubeconfig: unreachableOverage }),
      eaJson(['get', 'pods', '-n', 'team-b', ...files, '--as', 'erin@contoso.com', '--as-group', TEAM_B_DEVS], { kubeconfig: unreachableOverage }),
      eaJson(['get', 'pods', '-n', 'platform', ...files, '--as', 'erin@contoso.com', '--as-group', TEAM_B_DEVS], { kubeconfig: unreachableOverage }),
    ]);
    expect(token.exitCode).toBe(1);
    expect(token.doc.request).toMatchObject({ user: 'erin@contoso.com', groups: ['system:authenticated'] });
    expect(codes(token.doc)).toContain('GroupsOverage');
    expect(named.exitCode).toBe(0);
    expect(named.doc.rbac.matches).toHaveLength(1);
    expect(named.doc.rbac.matches[0]).toMatchObject({
      binding: { kind: 'RoleBinding', namespace: 'team-b', name: 'team-b-devs-pods' },
      subject: { kind: 'Group', name: TEAM_B_DEVS },
      role: { kind: 'Role', name: 'pod-reader', namespace: 'team-b' },
    });
    // With -n platform the same files put the Role and RoleBinding in platform: granted there instead.
    expect(otherNs.exitCode).toBe(0);
    expect(otherNs.doc.rbac.matches[0].binding).toEqual({ kind: 'RoleBinding', namespace: 'platform', name: 'team-b-devs-pods' });
  });
});

describe('-f without --offline: an overage token\'s groups are fetched, never guessed', () => {
  it('from Graph (as AKS does), else from the server, so the group binding in the manifests is found', async () => {
    const erin = writeUserKubeconfig('explain-erin-exec', await kubeloginCredential('erin'));
    const files = ['-f', SEED, '-f', TEAM_B_POD_READERS];
    const [viaGraph, viaServer] = await Promise.all([
      eaJson(['get', 'pods', '-n', 'team-b', ...files], { kubeconfig: erin, graph: true }),
      eaJson(['get', 'pods', '-n', 'team-b', ...files], { kubeconfig: erin }),
    ]);
    for (const r of [viaGraph, viaServer]) {
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.doc.request.groups).toContain(TEAM_B_DEVS);
      expect(r.doc.rbac.matches[0]).toMatchObject({ binding: { kind: 'RoleBinding', namespace: 'team-b', name: 'team-b-devs-pods' }, subject: { kind: 'Group', name: TEAM_B_DEVS } });
      expect(codes(r.doc)).not.toContain('GroupsOverage');
    }
  });
});

describe('--list and who-can on the live cluster', () => {
  it('--list: everything alice may do in team-a, each with the binding that grants it', async () => {
    const [{ exitCode, doc }, table] = await Promise.all([eaJson(['--list', '-n', 'team-a'], { kubeconfig: kc.alice }), ea(['--list', '-n', 'team-a'], { kubeconfig: kc.alice })]);
    expect(exitCode).toBe(0);
    expect(doc.subject.user).toBe('alice@contoso.com');
    expect(doc.namespace).toBe('team-a');
    expect(doc.serverRules).toBeNull();
    const granting = new Set(bindingNames(doc.entries));
    expect(granting).toEqual(
      new Set([
        'ClusterRoleBinding all-employees-namespace-lister',
        'ClusterRoleBinding explain-access-e2e-rbac-reader',
        'ClusterRoleBinding system:basic-user',
        'ClusterRoleBinding system:discovery',
        'ClusterRoleBinding system:public-info-viewer',
        'RoleBinding team-a/team-a-devs-edit',
      ]),
    );
    const deploy = doc.entries.find((e: any) => e.binding.name === 'team-a-devs-edit' && e.rule.resources?.includes('deployments') && e.rule.verbs.includes('create'));
    expect(deploy).toMatchObject({ role: { kind: 'ClusterRole', name: 'edit' }, subject: { kind: 'Group', name: TEAM_A_DEVS } });
    await expectRuleAt(deploy);
    expect(doc.risks.map((r: any) => r.code)).toEqual(expect.arrayContaining(['ReadSecrets', 'PodExec']));
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toMatch(/deployments\.apps.*\[create delete deletecollection patch update\].*RoleBinding team-a\/team-a-devs-edit -> ClusterRole edit/);
    // In team-b alice has nothing of her own.
    const b = await eaJson(['--list', '-n', 'team-b'], { kubeconfig: kc.alice });
    expect(bindingNames(b.doc.entries).filter((n) => n.startsWith('RoleBinding'))).toEqual([]);
  });

  it('who-can: every subject with the path and group names, each confirmed by the server', async () => {
    const [{ exitCode, doc }, table] = await Promise.all([
      eaJson(['who-can', 'delete', 'pods', '-n', 'team-a'], { graph: true }),
      ea(['who-can', 'delete', 'pods', '-n', 'team-a'], { graph: true }),
    ]);
    expect(exitCode).toBe(0);
    expect(doc.request).toMatchObject({ verb: 'delete', namespace: 'team-a', resource: 'pods', apiGroup: '' });
    expect(doc.privilegedGroups).toEqual(['system:masters']);
    const byGroup = (g: string) => doc.entries.find((e: any) => e.subject.kind === 'Group' && e.subject.name === g);
    expect(byGroup(TEAM_A_DEVS)).toMatchObject({
      subject: { displayName: 'aks-team-a-devs' },
      binding: { kind: 'RoleBinding', namespace: 'team-a', name: 'team-a-devs-edit' },
      role: { kind: 'ClusterRole', name: 'edit' },
      scope: 'team-a',
    });
    expect(byGroup(SRE)).toMatchObject({ subject: { displayName: 'aks-sre-oncall' }, binding: { kind: 'ClusterRoleBinding', name: 'sre-oncall' }, scope: '', aggregatedFrom: 'sre-oncall-workloads' });
    expect(byGroup(ADMINS)).toMatchObject({ binding: { name: 'aks-cluster-admins' }, role: { name: 'cluster-admin' }, scope: '' });
    // Readers and team B may not: not listed.
    expect(byGroup(TEAM_A_READERS)).toBeUndefined();
    expect(byGroup(TEAM_B_DEVS)).toBeUndefined();
    // The server agrees with every Entra group named, and with the groups left out.
    const entraGroups = doc.entries.filter((e: any) => e.subject.kind === 'Group' && /^[0-9a-f-]{36}$/.test(e.subject.name)).map((e: any) => e.subject.name);
    const verdicts = await Promise.all(
      [...entraGroups, TEAM_A_READERS, TEAM_B_DEVS].map((g) => canI(['delete', 'pods', '-n', 'team-a', '--as', 'probe@contoso.com', '--as-group', g])),
    );
    expect(verdicts).toEqual([...entraGroups.map(() => 0), 1, 1]);
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toMatch(/Group\s+1f5d9b3e-6a28-4c71-b4e0-93d7c2a85f16 \(aks-team-a-devs\)\s+team-a\s+RoleBinding team-a\/team-a-devs-edit\s+ClusterRole edit/);
    expect(table.stdout).toMatch(/Always allowed, before RBAC: Group system:masters/);
  });

  it('who-can -A: RoleBindings in every namespace, with their scope', async () => {
    const { exitCode, doc } = await eaJson(['who-can', 'get', 'configmaps', '-A']);
    expect(exitCode).toBe(0);
    expect(doc.allNamespaces).toBe(true);
    const rows = doc.entries.map((e: any) => `${e.subject.kind} ${e.subject.namespace ? e.subject.namespace + '/' : ''}${e.subject.name} @${e.scope} via ${e.binding.name}`);
    expect(rows).toEqual(
      expect.arrayContaining([
        `User bob@contoso.com @team-b via bob-configmaps`,
        `Group ${TEAM_B_DEVS} @team-b via team-b-devs-edit`,
        `Group ${TEAM_A_DEVS} @team-a via team-a-devs-edit`,
        `Group ${TEAM_A_READERS} @team-a via team-a-readers-view`,
      ]),
    );
    const builder = doc.entries.find((e: any) => e.binding.name === 'explain-access-e2e-builder');
    expect(builder).toMatchObject({ subject: { kind: 'ServiceAccount', name: 'builder' }, scope: 'team-b' });
  });
});

describe('usage and input errors', () => {
  it('exit 2 with one error line and a pointer to -h, nothing on stdout', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /you must specify two arguments/],
      [['get'], /you must specify two arguments/],
      [['get', 'pods', 'extra'], /too many arguments: extra/],
      [['get', 'pods', '-o', 'xml'], /unknown output format "xml"/],
      [['who-can', 'delete'], /who-can needs a VERB and a TYPE/],
      [['--list', 'get', 'pods'], /--list takes no VERB or TYPE/],
      [['get', 'pods', '--as-group', TEAM_A_DEVS], /--as-group needs --as/],
      [['get', 'pods', '--offline'], /--offline needs -f/],
      [['get', '/healthz', '--subresource', 'log'], /--subresource is for resources/],
    ];
    const results = await Promise.all(cases.map(([args]) => ea(args, { kubeconfig: kc.alice })));
    results.forEach((r, i) => {
      const [args, message] = cases[i]!;
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines, args.join(' ')).toHaveLength(2);
      expect(lines[0]).toMatch(/^error: /);
      expect(lines[0]).toMatch(message);
      expect(lines[1]).toMatch(/^See 'kubectl entra explain-access -h'/);
    });
  });

  it('a bad -f file: exit 3, one line naming the file', async () => {
    const dir = join(e2e().runDir, 'tests');
    const broken = join(dir, 'explain-broken.yaml');
    writeFileSync(broken, 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: x\n  rules: [\n');
    const missing = join(dir, 'explain-missing.yaml');
    const [bad, absent] = await Promise.all([
      ea(['get', 'pods', '-f', broken, '--as', 'bob@contoso.com'], { kubeconfig: unreachable }),
      ea(['get', 'pods', '-f', missing, '--as', 'bob@contoso.com'], { kubeconfig: unreachable }),
    ]);
    for (const [r, file] of [[bad, broken], [absent, missing]] as const) {
      expect(r.exitCode, r.stderr).toBe(3);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^error: /);
      expect(lines[0]).toContain(file);
    }
  });
});

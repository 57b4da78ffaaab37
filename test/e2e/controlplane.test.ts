// The e2e infrastructure itself: the control plane answers like an AKS cluster with Entra integration.
// Admin client certificates are system:masters; Entra tokens from the kubelogin stand-in are authenticated
// by the TokenReview webhook as AKS names users; Azure RBAC grants what Kubernetes RBAC does not; aggregated
// ClusterRoles are filled in by the controller; the aad-pod-identity CRDs serve.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { e2e, issueUserCert, kubeloginCredential, kubectl, run, standIns, writeUserKubeconfig } from './support/kubectl.js';

const json = (s: string) => JSON.parse(s) as any;

describe('control plane', () => {
  it('starts in well under the 20 s budget', () => {
    expect(e2e().startupMs).toBeLessThan(20_000);
  });

  it('reports its Kubernetes version like a release build', async () => {
    const res = await kubectl(['get', '--raw', '/version']);
    expect(json(res.stdout)).toMatchObject({ gitVersion: 'v1.36.3', major: '1', minor: '36' });
  });

  it('lets the admin credential (like az aks get-credentials --admin) do anything', async () => {
    const who = await kubectl(['auth', 'whoami', '-o', 'json']);
    expect(who.exitCode, who.stderr).toBe(0);
    expect(json(who.stdout).status.userInfo).toMatchObject({ username: 'masterclient', groups: expect.arrayContaining(['system:masters']) });
    const can = await kubectl(['auth', 'can-i', '*', '*', '--all-namespaces']);
    expect(can.stdout.trim()).toBe('yes');
  });

  it('authenticates a non-admin client certificate as CN with O groups, and RBAC alone then decides', async () => {
    const cert = issueUserCert('dave-cert', 'dave@contoso.com', ['contractors']);
    const kubeconfig = writeUserKubeconfig('dave-cert', { kind: 'clientCertificate', certPath: cert.certPath, keyPath: cert.keyPath });
    const who = await kubectl(['auth', 'whoami', '-o', 'json'], { kubeconfig });
    expect(json(who.stdout).status.userInfo).toMatchObject({ username: 'dave@contoso.com', groups: ['contractors', 'system:authenticated'] });
    // 20-team-rbac.yaml: readers-pod-logs names dave by UPN in team-a, nowhere else.
    expect((await kubectl(['auth', 'can-i', 'get', 'pods', '--subresource=log', '-n', 'team-a'], { kubeconfig })).stdout.trim()).toBe('yes');
    const denied = await kubectl(['auth', 'can-i', 'get', 'pods', '-n', 'team-b'], { kubeconfig });
    expect(denied.stdout).toMatch(/^no\b/);
    expect(denied.exitCode).toBe(1);
  });

  it('accepts a bearer token from a token file (a ServiceAccount token from the TokenRequest API)', async () => {
    const created = await kubectl(['create', 'token', 'deploy-bot', '-n', 'platform', '--duration=10m']);
    expect(created.exitCode, created.stderr).toBe(0);
    const token = created.stdout.trim();
    const inline = writeUserKubeconfig('deploy-bot-token', { kind: 'token', token });
    const who = await kubectl(['auth', 'whoami', '-o', 'json'], { kubeconfig: inline });
    expect(json(who.stdout).status.userInfo.username).toBe('system:serviceaccount:platform:deploy-bot');
    // The ci-deployer RoleBinding in team-a names the ServiceAccount; resourceNames limit it to deployment web.
    expect((await kubectl(['auth', 'can-i', 'patch', 'deployments/web', '-n', 'team-a'], { kubeconfig: inline })).stdout.trim()).toBe('yes');
    expect((await kubectl(['auth', 'can-i', 'patch', 'deployments/api', '-n', 'team-a'], { kubeconfig: inline })).stdout).toMatch(/^no\b/);
  });

  it('serves the service-account issuer discovery at the apiserver URL', async () => {
    const res = await kubectl(['get', '--raw', '/.well-known/openid-configuration']);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(json(res.stdout)).toMatchObject({ issuer: e2e().server, jwks_uri: `${e2e().server}/openid/v1/jwks` });
  });

  it('fills aggregated ClusterRoles from labelled ClusterRoles (clusterrole-aggregation controller)', async () => {
    const role = json((await kubectl(['get', 'clusterrole', 'sre-oncall', '-o', 'json'])).stdout);
    const resources = role.rules.flatMap((r: any) => r.resources ?? []);
    expect(resources).toEqual(expect.arrayContaining(['nodes', 'pods', 'pods/log', 'deployments/scale']));
    // A new labelled role is picked up live.
    const add = await kubectl(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'sre-oncall-leases', labels: { 'rbac.contoso.com/aggregate-to-sre-oncall': 'true' } },
        rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get'] }],
      }),
    });
    expect(add.exitCode, add.stderr).toBe(0);
    try {
      await expect
        .poll(async () => json((await kubectl(['get', 'clusterrole', 'sre-oncall', '-o', 'json'])).stdout).rules.flatMap((r: any) => r.resources ?? []), { timeout: 10_000 })
        .toContain('leases');
    } finally {
      await kubectl(['delete', 'clusterrole', 'sre-oncall-leases', '--ignore-not-found']);
    }
    // The built-in view role aggregates the aad-pod-identity reader role.
    const view = json((await kubectl(['get', 'clusterrole', 'view', '-o', 'json'])).stdout);
    expect(view.rules.flatMap((r: any) => r.resources ?? [])).toContain('azureidentities');
  });

  it('serves the aad-pod-identity CRDs with the upstream names and scope', async () => {
    const res = await kubectl(['api-resources', '--api-group=aadpodidentity.k8s.io', '-o', 'wide', '--no-headers']);
    expect(res.exitCode, res.stderr).toBe(0);
    const kinds = res.stdout.trim().split('\n').map((l) => l.split(/\s+/).slice(0, 4));
    expect(kinds).toEqual(
      expect.arrayContaining([
        ['azureassignedidentities', 'aadpodidentity.k8s.io/v1', 'true', 'AzureAssignedIdentity'],
        ['azureidentities', 'aadpodidentity.k8s.io/v1', 'true', 'AzureIdentity'],
        ['azureidentitybindings', 'aadpodidentity.k8s.io/v1', 'true', 'AzureIdentityBinding'],
        ['azurepodidentityexceptions', 'aadpodidentity.k8s.io/v1', 'true', 'AzurePodIdentityException'],
      ]),
    );
    const ids = json((await kubectl(['get', 'azureidentities,azureidentitybindings', '-n', 'team-b', '-o', 'json'])).stdout);
    expect(ids.items.map((i: any) => [i.kind, i.metadata.name, i.spec.clientID ?? i.spec.azureIdentity])).toEqual([
      ['AzureIdentity', 'billing-api', 'a7c3e9b1-5d2f-4c80-9e6a-b4d8f0a2c6e4'],
      ['AzureIdentityBinding', 'billing-api-binding', 'billing-api'],
    ]);
  });

  it('keeps unknown fields out of the CRDs (structural schemas prune them)', async () => {
    // --validate=false: without it the server rejects the unknown field instead of pruning it.
    const res = await kubectl(['apply', '--validate=false', '-f', '-', '-o', 'json'], {
      input: JSON.stringify({
        apiVersion: 'aadpodidentity.k8s.io/v1',
        kind: 'AzureIdentity',
        metadata: { name: 'pruned', namespace: 'platform' },
        spec: { type: 1, clientID: 'x', notAField: 'dropped' },
      }),
    });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(json(res.stdout).spec).toEqual({ type: 1, clientID: 'x' });
    await kubectl(['delete', 'azureidentity', 'pruned', '-n', 'platform']);
  });
});

describe('Entra authentication (TokenReview webhook) as AKS does it', () => {
  const g = (key: string) => ({
    teamADevs: '1f5d9b3e-6a28-4c71-b4e0-93d7c2a85f16',
    allEmployees: '2c7e5b19-84a3-4d06-b9f1-6e3a0d8c7b52',
  })[key]!;

  async function whoami(kubeconfig: string) {
    const res = await kubectl(['auth', 'whoami', '-o', 'json'], { kubeconfig });
    expect(res.exitCode, res.stderr).toBe(0);
    return json(res.stdout).status.userInfo as { username: string; groups: string[]; extra?: Record<string, string[]> };
  }

  it('names a user with an exec credential (kubelogin stand-in, azurecli) by UPN, with Entra group ids', async () => {
    const kubeconfig = writeUserKubeconfig('alice-exec', await kubeloginCredential('alice'));
    const user = await whoami(kubeconfig);
    expect(user.username).toBe('alice@contoso.com');
    expect(user.groups).toEqual(expect.arrayContaining([g('teamADevs'), g('allEmployees'), 'system:authenticated']));
    expect(user.extra?.oid).toEqual(['a1f0c2d4-3e5b-4a69-8d71-0b2c4e6f8a13']);
    // team-a-devs-edit grants edit in team-a.
    expect((await kubectl(['auth', 'can-i', 'create', 'deployments', '-n', 'team-a'], { kubeconfig })).stdout.trim()).toBe('yes');
  });

  it('names a service principal (spn login) and a guest by object id, as they carry no upn', async () => {
    const sp = await whoami(writeUserKubeconfig('ci-deployer-exec', await kubeloginCredential('ci-deployer')));
    expect(sp.username).toBe('18c7d9e1-0f2a-4b3c-84e8-7c9d1f3a5b80');
    expect(sp.groups).toContain(g('teamADevs'));
    const guest = await whoami(writeUserKubeconfig('frank-exec', await kubeloginCredential('frank', { login: 'ropc' })));
    expect(guest.username).toBe('f6a5b7c9-8d0e-4f1a-92c6-5a7b9d1e3f68');
  });

  it('accepts a minted Entra token inline (token) and from a file (tokenFile)', async () => {
    const token = await standIns().mintToken('bob');
    expect((await whoami(writeUserKubeconfig('bob-token', { kind: 'token', token }))).username).toBe('bob@contoso.com');
    const tokenFile = join(e2e().runDir, 'tests', 'bob.token');
    writeFileSync(tokenFile, token, { mode: 0o600 });
    expect((await whoami(writeUserKubeconfig('bob-token-file', { kind: 'tokenFile', tokenFile }))).username).toBe('bob@contoso.com');
  });

  it('rejects an expired token', async () => {
    const token = await standIns().mintToken('bob', { expired: true });
    const res = await kubectl(['get', 'ns'], { kubeconfig: writeUserKubeconfig('bob-expired', { kind: 'token', token }) });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toMatch(/Unauthorized|provide credentials/);
  });
});

describe('Azure RBAC (SubjectAccessReview webhook after RBAC)', () => {
  it('grants what Kubernetes RBAC does not, while the role assignment exists', async () => {
    const kubeconfig = writeUserKubeconfig('dave-exec', await kubeloginCredential('dave'));
    const canListSecrets = async () => (await kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'team-b'], { kubeconfig })).stdout;
    expect(await canListSecrets()).toMatch(/^no\b/);
    const assignment = await standIns().roleAssignments.add({
      role: 'reader',
      principalId: 'd4e3f5a7-6b8c-4d9e-b0a4-3e5f7b9c1d46',
      namespace: 'team-b',
    });
    try {
      expect(await canListSecrets()).toMatch(/^yes\b/);
      // Namespace scope: nothing in platform.
      expect((await kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'platform'], { kubeconfig })).stdout).toMatch(/^no\b/);
    } finally {
      await standIns().roleAssignments.remove(assignment.name);
    }
    expect(await canListSecrets()).toMatch(/^no\b/);
  });

  it('leaves system:masters and the cluster\'s own components to RBAC (match conditions)', async () => {
    const kubeconfig = writeUserKubeconfig('bob-exec', await kubeloginCredential('bob'));
    await kubectl(['auth', 'can-i', 'delete', 'nodes'], { kubeconfig });
    await kubectl(['auth', 'can-i', 'delete', 'nodes']);
    await kubectl(['auth', 'can-i', 'delete', 'nodes', '--as=system:serviceaccount:platform:deploy-bot']);
    const log = await standIns().get<Array<{ path: string; body?: any }>>('servers.webhooks.log');
    const users = log.filter((l) => l.path.startsWith('/authorize')).map((l) => l.body?.spec?.user as string);
    expect(users).toContain('bob@contoso.com');
    expect(users.filter((u) => u === 'masterclient' || u?.startsWith('system:'))).toEqual([]);
  });
});

describe('scripts/build-controlplane.sh', () => {
  const script = () => join(e2e().repoDir, 'scripts', 'build-controlplane.sh');

  it('is a quick no-op when the binaries are cached, and prints their directory', async () => {
    const t0 = Date.now();
    const res = await run(script(), [], { PATH: process.env.PATH, HOME: process.env.HOME });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(res.stdout.trim()).toMatch(/controlplane\/k8s-v1\.36\.3-etcd-v3\.6\.8$/);
  });

  it('says so when the Go module proxy is unreachable', async () => {
    const dir = join(e2e().runDir, 'tests', 'no-proxy');
    const res = await run(script(), [], {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      KUBECTL_ENTRA_CACHE: join(dir, 'cache'),
      GOMODCACHE: join(dir, 'gomod'),
      GOPROXY: 'http://127.0.0.1:9',
      GOFLAGS: '',
    });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toMatch(/Go module proxy \(http:\/\/127\.0\.0\.1:9\) is unreachable/);
    expect(res.stdout).toBe('');
  });
});

describe('seed', () => {
  it('binds only Entra object ids that the stand-ins\' directory defines', async () => {
    const { directory } = await import('../support/azure/directory.js');
    const known = new Set([
      ...Object.values(directory.groups).map((g) => g.id),
      ...Object.values(directory.principals).map((p) => p.objectId),
    ]);
    const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const seedDir = join(__dirname, 'seed');
    const subjects = readdirSync(seedDir)
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => parseAllDocuments(readFileSync(join(seedDir, f), 'utf8')).map((d) => d.toJS()))
      .flatMap((o: any) => o?.subjects ?? []);
    const ids = subjects.map((s: any) => s.name as string).filter((n) => guid.test(n));
    expect(ids.length).toBeGreaterThan(5);
    expect(ids.filter((id) => !known.has(id))).toEqual([]);
  });
});

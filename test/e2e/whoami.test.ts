// `kubectl entra whoami` as users run it, against the real kube-apiserver with AKS-like Entra
// authentication (TokenReview webhook) and the Graph stand-in: each credential kind, each principal type,
// overage, names from Graph, and the server's view beside the token's.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { directory, principal } from '../support/azure/directory.js';
import { e2e, issueUserCert, kubeloginCredential, kubectlEntra, standIns, writeUserKubeconfig } from './support/kubectl.js';

const json = (s: string) => JSON.parse(s) as any;
const codes = (doc: any) => doc.warnings.map((w: { code: string }) => w.code).sort();
const groupName = (id: string) => Object.values(directory.groups).find((g) => g.id === id)?.displayName;

async function graphEnv(): Promise<Record<string, string>> {
  return standIns().productEnv('kubectl-entra-reader');
}

describe('whoami through kubectl', () => {
  it('exec (kubelogin): a member user by UPN, groups named by Graph, the server agreeing', async () => {
    const kubeconfig = writeUserKubeconfig('whoami-alice', await kubeloginCredential('alice'));
    const r = await kubectlEntra(['whoami', '-o', 'json'], { kubeconfig, env: await graphEnv() });
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = json(r.stdout);
    const alice = principal('alice');
    expect(doc.credential.source).toBe('exec');
    expect(doc.identity).toMatchObject({ principalType: 'user', username: 'alice@contoso.com', objectId: alice.objectId });
    expect(doc.token.audienceIsAks).toBe(true);
    expect(doc.groups.map((g: any) => g.id).sort()).toEqual([...alice.groups].sort());
    for (const g of doc.groups) expect(g.name).toBe(groupName(g.id));
    expect(doc.server.username).toBe('alice@contoso.com');
    expect(doc.server.extra.oid).toEqual([alice.objectId]);
    expect(doc.server.addedGroups).toEqual(['system:authenticated']);
    expect(doc.server.missingGroups).toEqual([]);
    expect(codes(doc)).toEqual([]);
    expect(r.stdout).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });

  it('the table view names the groups and shows the server view; warnings go to stderr', async () => {
    const kubeconfig = writeUserKubeconfig('whoami-alice-table', await kubeloginCredential('alice', { apiVersion: 'client.authentication.k8s.io/v1' }));
    const r = await kubectlEntra(['whoami'], { kubeconfig, env: await graphEnv() });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Username:\s+alice@contoso\.com \(from upn\)/);
    expect(r.stdout).toContain('aks-team-a-devs');
    expect(r.stdout).toMatch(/Added by server:\s+system:authenticated/);
    expect(r.stderr).toBe('');
  });

  it('token: a service principal is named by object id', async () => {
    const token = await standIns().mintToken('ci-deployer');
    const kubeconfig = writeUserKubeconfig('whoami-sp-token', { kind: 'token', token });
    const doc = json((await kubectlEntra(['whoami', '-o', 'json'], { kubeconfig })).stdout);
    const sp = principal('ci-deployer');
    expect(doc.credential.source).toBe('token');
    expect(doc.identity).toMatchObject({ principalType: 'servicePrincipal', username: sp.objectId, usernameFrom: 'oid' });
    expect(doc.server.username).toBe(sp.objectId);
    expect(codes(doc)).toEqual(['GroupNamesUnavailable']);
  });

  it('tokenFile: a guest is named by object id', async () => {
    const dir = mkdtempSync(join(e2e().runDir, 'tokenfile-'));
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, await standIns().mintToken('frank'));
    const kubeconfig = writeUserKubeconfig('whoami-guest-file', { kind: 'tokenFile', tokenFile });
    const doc = json((await kubectlEntra(['whoami', '-o', 'json', '--offline'], { kubeconfig })).stdout);
    expect(doc.credential).toMatchObject({ source: 'tokenFile', details: { path: tokenFile } });
    expect(doc.identity).toMatchObject({ principalType: 'guest', username: principal('frank').objectId });
    const online = json((await kubectlEntra(['whoami', '-o', 'json'], { kubeconfig })).stdout);
    expect(online.server.username).toBe(principal('frank').objectId);
  });

  it('exec (msi): a managed identity', async () => {
    const kubeconfig = writeUserKubeconfig('whoami-mi', await kubeloginCredential('billing-api-identity'));
    const doc = json((await kubectlEntra(['whoami', '-o', 'json'], { kubeconfig })).stdout);
    expect(doc.identity.principalType).toBe('managedIdentity');
    expect(doc.server.username).toBe(principal('billing-api-identity').objectId);
  });

  it('client certificate: the admin credential is a local account in system:masters', async () => {
    const r = await kubectlEntra(['whoami', '-o', 'json']);
    const doc = json(r.stdout);
    expect(doc.credential.source).toBe('clientCertificate');
    expect(doc.identity).toMatchObject({ principalType: 'clientCertificate', username: 'masterclient', groups: ['system:masters'] });
    expect(doc.server.username).toBe('masterclient');
    expect(codes(doc)).toEqual(['ClusterAdmin', 'LocalAccount']);
    const cert = issueUserCert('whoami-dave', 'dave@contoso.com', ['contractors']);
    const dave = json((await kubectlEntra(['whoami', '-o', 'json'], { kubeconfig: writeUserKubeconfig('whoami-dave', { kind: 'clientCertificate', certPath: cert.certPath, keyPath: cert.keyPath }) })).stdout);
    expect(dave.groups).toEqual([{ id: 'contractors', name: null, source: 'certificate' }]);
    expect(dave.server.groups).toEqual(['contractors', 'system:authenticated']);
  });

  it('groups overage: the membership comes from Graph, as AKS fetched it for the server', async () => {
    const kubeconfig = writeUserKubeconfig('whoami-erin', await kubeloginCredential('erin'));
    const doc = json((await kubectlEntra(['whoami', '-o', 'json'], { kubeconfig, env: await graphEnv() })).stdout);
    const erin = principal('erin');
    expect(doc.groupsOverage).toBe(true);
    expect(doc.token.claims.groups).toBeUndefined();
    expect(doc.groups).toHaveLength(erin.groups.length);
    expect(doc.groups.every((g: any) => g.source === 'graph')).toBe(true);
    expect(new Set(doc.server.groups)).toEqual(new Set([...erin.groups, 'system:authenticated']));
    expect(codes(doc)).toEqual(['GroupsOverage']);
  });

  it('groups overage without Graph: the groups the server reports', async () => {
    const kubeconfig = writeUserKubeconfig('whoami-erin-nograph', await kubeloginCredential('erin'));
    const doc = json((await kubectlEntra(['whoami', '-o', 'json'], { kubeconfig })).stdout);
    expect(doc.groups.length).toBe(principal('erin').groups.length);
    expect(doc.groups.every((g: any) => g.source === 'server')).toBe(true);
  });

  it('a service principal with overage is refused by AKS: ServerRejected beside the token view', async () => {
    const token = await standIns().mintToken('sp-overage');
    const kubeconfig = writeUserKubeconfig('whoami-sp-overage', { kind: 'token', token });
    const r = await kubectlEntra(['whoami', '-o', 'json'], { kubeconfig });
    expect(r.exitCode).toBe(0);
    const doc = json(r.stdout);
    expect(doc.identity.principalType).toBe('servicePrincipal');
    expect(doc.server).toBeNull();
    expect(codes(doc)).toEqual(expect.arrayContaining(['GroupsOverage', 'ServerRejected']));
  });

  it('an expired token and a token for another audience are called out, and the server rejects both', async () => {
    for (const [name, opts, code] of [
      ['expired', { expired: true }, 'TokenExpired'],
      ['arm-audience', { audience: 'https://management.azure.com/' }, 'NotAksAudience'],
    ] as const) {
      const token = await standIns().mintToken('bob', opts);
      const doc = json((await kubectlEntra(['whoami', '-o', 'json'], { kubeconfig: writeUserKubeconfig(`whoami-${name}`, { kind: 'token', token }) })).stdout);
      expect(codes(doc)).toEqual(expect.arrayContaining([code, 'ServerRejected']));
    }
  });

  it('--group-names names groups with no Graph at all', async () => {
    const alice = principal('alice');
    const file = join(mkdtempSync(join(tmpdir(), 'names-')), 'groups.csv');
    writeFileSync(file, `id,name\n${alice.groups[0]},from-the-file\n`);
    const kubeconfig = writeUserKubeconfig('whoami-alice-names', await kubeloginCredential('alice'));
    const doc = json((await kubectlEntra(['whoami', '-o', 'json', '--group-names', file], { kubeconfig })).stdout);
    expect(doc.groups.find((g: any) => g.id === alice.groups[0]).name).toBe('from-the-file');
  });

  it('a failing exec plugin is one line, exit 3', async () => {
    const kubeconfig = writeUserKubeconfig('whoami-bad-exec', { kind: 'exec', command: (await kubeloginCredential('alice') as any).command, args: ['get-token', '--login', 'spn'] });
    const r = await kubectlEntra(['whoami'], { kubeconfig });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/error: exec plugin ".*" of user ".*" failed with exit code \d/);
    expect(r.stdout).toBe('');
  });
});

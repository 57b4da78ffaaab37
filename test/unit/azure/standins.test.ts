// The loopback stand-ins behave like the services they replace: the kubelogin stand-in gets AKS tokens
// over HTTPS for every kind of principal, the TokenReview webhook answers as AKS's Entra integration
// does, and the seeded directory is consistent.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureStandIns, type AzureStandIns } from '../../support/azure/index.js';
import { AKS_SERVER_APP_ID, OVERAGE_GROUP_COUNT, directory } from '../../support/azure/directory.js';
import { claimsOf, httpsJson } from '../../support/azure/http-client.js';

let s: AzureStandIns;
beforeAll(async () => {
  s = await startAzureStandIns({ dir: mkdtempSync(join(tmpdir(), 'azure-standins-')) });
});
afterAll(async () => {
  await s?.close();
});

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const g = (key: string): string => directory.groups[key]!.id;
const oid = (key: string): string => directory.principals[key]!.objectId;

describe('seeded directory', () => {
  it('has unique lowercase GUIDs for every object', () => {
    const ids = [...Object.values(directory.groups).map((x) => x.id), ...Object.values(directory.principals).map((p) => p.objectId)];
    for (const id of ids) expect(id).toMatch(GUID);
    expect(new Set(ids).size).toBe(ids.length);
  });
  it('puts erin over the 200-group limit', () => {
    expect(directory.principals.erin!.groups.length).toBe(OVERAGE_GROUP_COUNT + 1);
  });
});

function runKubelogin(user: ReturnType<AzureStandIns['execUser']>, extraEnv: Record<string, string> = {}) {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  for (const e of user.exec.env) env[e.name] = e.value;
  Object.assign(env, extraEnv);
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(user.exec.command, user.exec.args, { env, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('kubelogin stand-in', () => {
  it.each([
    ['alice', 'azurecli'],
    ['frank', 'ropc'],
    ['ci-deployer', 'spn'],
    ['billing-api-identity', 'msi'],
    ['ci-deployer', 'workloadidentity'],
  ] as const)('%s via --login %s prints an ExecCredential with an AKS token', async (key, login) => {
    const r = await runKubelogin(s.execUser(key, { login }), {
      KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', spec: { interactive: false } }),
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const cred = JSON.parse(r.stdout);
    expect(cred.kind).toBe('ExecCredential');
    expect(cred.apiVersion).toBe('client.authentication.k8s.io/v1');
    expect(Date.parse(cred.status.expirationTimestamp)).toBeGreaterThan(Date.now() + 30 * 60_000);
    const c = claimsOf(cred.status.token);
    expect(c.aud).toBe(AKS_SERVER_APP_ID);
    expect(c.iss).toBe(`https://sts.windows.net/${s.tenantId}/`);
    expect(c.oid).toBe(oid(key));
    expect(c.ver).toBe('1.0');
  });

  it('defaults to v1beta1 without KUBERNETES_EXEC_INFO', async () => {
    const r = await runKubelogin(s.execUser('alice'));
    expect(JSON.parse(r.stdout).apiVersion).toBe('client.authentication.k8s.io/v1beta1');
  });

  it('fails with a one-line reason and no token on a wrong password', async () => {
    const r = await runKubelogin(s.execUser('alice'), { AAD_USER_PRINCIPAL_PASSWORD: 'wrong' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/AADSTS50126/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('fails clearly when the stand-in is not configured', async () => {
    const r = await runKubelogin(s.execUser('alice'), { AZURE_AUTHORITY_HOST: '' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/AZURE_AUTHORITY_HOST/);
  });
});

async function tokenReview(token: string) {
  const r = await httpsJson('POST', `${s.servers.webhooks.url}/authenticate`, {
    ca: s.caPem,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
  });
  expect(r.status).toBe(200);
  expect(r.json.kind).toBe('TokenReview');
  return r.json.status as { authenticated: boolean; user?: { username: string; groups: string[]; extra: Record<string, string[]> }; error?: string };
}

describe('TokenReview webhook (AKS Entra authentication)', () => {
  it('a user: username is the UPN, groups the group ids, extra.oid', async () => {
    const st = await tokenReview(s.mintToken('alice'));
    expect(st).toEqual({
      authenticated: true,
      user: { username: 'alice@contoso.com', groups: [g('aks-team-a-devs'), g('all-employees')], extra: { oid: [oid('alice')] } },
    });
  });

  it('a guest has no upn: username is the object id', async () => {
    const st = await tokenReview(s.mintToken('frank'));
    expect(st.user?.username).toBe(oid('frank'));
    expect(st.user?.groups).toEqual([g('aks-team-a-devs')]);
  });

  it.each(['ci-deployer', 'billing-api-identity'])('application %s: username is the object id', async (key) => {
    const st = await tokenReview(s.mintToken(key));
    expect(st.authenticated).toBe(true);
    expect(st.user?.username).toBe(oid(key));
    expect(st.user?.extra).toEqual({ oid: [oid(key)] });
  });

  it('a user with groups overage: groups are read from Graph', async () => {
    const token = s.mintToken('erin');
    expect(claimsOf(token).groups).toBeUndefined();
    const before = s.servers.graph.log.length;
    const st = await tokenReview(token);
    expect(st.authenticated).toBe(true);
    expect(st.user?.groups).toHaveLength(OVERAGE_GROUP_COUNT + 1);
    expect(st.user?.groups).toContain(g('aks-team-b-devs'));
    expect(s.servers.graph.log.slice(before).map((l) => l.path)).toEqual([`/v1.0/users/${oid('erin')}/getMemberObjects`]);
  });

  it('a service principal with overage is refused, as AKS does', async () => {
    const st = await tokenReview(s.mintToken('sp-overage'));
    expect(st.authenticated).toBe(false);
    expect(st.error).toMatch(/overage.*not supported for service principals/);
  });

  it('accepts the legacy spn: audience', async () => {
    expect((await tokenReview(s.mintToken('bob', { audience: `spn:${AKS_SERVER_APP_ID}` }))).authenticated).toBe(true);
  });

  it.each([
    ['expired', { expired: true }, /expired/],
    ['another audience', { audience: 'https://management.azure.com' }, /audience/],
    ['a v2 token', { version: '2.0' as const }, /issuer/],
    ['an unpublished key', { untrustedKey: true }, /signature/],
  ])('rejects %s', async (_name, opts, reason) => {
    const st = await tokenReview(s.mintToken('alice', opts));
    expect(st.authenticated).toBe(false);
    expect(st.error).toMatch(reason);
  });

  it('rejects a non-JWT', async () => {
    expect((await tokenReview('not-a-jwt')).authenticated).toBe(false);
  });

  it('writes webhook kubeconfigs that point at the webhook with the CA', async () => {
    const { readFileSync } = await import('node:fs');
    const kc = JSON.parse(readFileSync(s.tokenWebhookKubeconfigPath, 'utf8'));
    expect(kc.clusters[0].cluster.server).toBe(`${s.servers.webhooks.url}/authenticate`);
    expect(Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(s.caPem);
    const az = JSON.parse(readFileSync(s.authzWebhookKubeconfigPath, 'utf8'));
    expect(az.clusters[0].cluster.server).toBe(`${s.servers.webhooks.url}/authorize`);
  });
});

describe('token endpoint', () => {
  it('issues a Graph token with the granted application permissions', async () => {
    const p = directory.principals['kubectl-entra-reader']!;
    const r = await httpsJson('POST', `${s.entraUrl}/${s.tenantId}/oauth2/v2.0/token`, {
      ca: s.caPem,
      form: { grant_type: 'client_credentials', client_id: p.kind === 'servicePrincipal' ? p.appId : '', client_secret: s.secretOf(p.key), scope: `${s.graphUrl}/.default` },
    });
    expect(r.status).toBe(200);
    expect(r.json.token_type).toBe('Bearer');
    const c = claimsOf(r.json.access_token);
    expect(c.aud).toBe(s.graphUrl);
    expect(c.roles).toEqual(['GroupMember.Read.All', 'User.ReadBasic.All']);
    expect(c.idtyp).toBe('app');
  });

  it('answers a wrong secret with invalid_client and an AADSTS code', async () => {
    const p = directory.principals['ci-deployer']!;
    const r = await httpsJson('POST', `${s.entraUrl}/${s.tenantId}/oauth2/v2.0/token`, {
      ca: s.caPem,
      form: { grant_type: 'client_credentials', client_id: p.kind === 'servicePrincipal' ? p.appId : '', client_secret: 'nope', scope: `${AKS_SERVER_APP_ID}/.default` },
    });
    expect(r.status).toBe(401);
    expect(r.json.error).toBe('invalid_client');
    expect(r.json.error_codes).toEqual([7000215]);
  });

  it('publishes the signing key in the JWKS and discovery documents', async () => {
    const cfg = await httpsJson('GET', `${s.entraUrl}/${s.tenantId}/v2.0/.well-known/openid-configuration`, { ca: s.caPem });
    expect(cfg.json.token_endpoint).toBe(`${s.entraUrl}/${s.tenantId}/oauth2/v2.0/token`);
    const keys = await httpsJson('GET', cfg.json.jwks_uri, { ca: s.caPem });
    const kid = JSON.parse(Buffer.from(s.mintToken('alice').split('.')[0]!, 'base64url').toString()).kid;
    expect(keys.json.keys.map((k: { kid: string }) => k.kid)).toContain(kid);
    const v1 = await httpsJson('GET', `${s.entraUrl}/${s.tenantId}/.well-known/openid-configuration`, { ca: s.caPem });
    expect(v1.json.issuer).toBe(`https://sts.windows.net/${s.tenantId}/`);
  });
});

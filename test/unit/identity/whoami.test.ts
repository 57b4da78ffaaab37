// whoami's decisions from a decoded credential: principal type, Kubernetes user name, groups, overage,
// token facts, and every warning code. Tokens are minted at test time with a fresh key.
import { describe, expect, it } from 'vitest';
import { decodeToken } from '../../../src/identity/claims.js';
import { buildWhoami, type WhoamiInput } from '../../../src/identity/whoami.js';
import { claimsFor, createSigningKey, signJwt, type MintOptions } from '../../support/azure/tokens.js';
import { principal, TENANT_ID } from '../../support/azure/directory.js';

const key = createSigningKey();
const now = new Date();
const token = (who: string, opts: MintOptions = {}) => signJwt(claimsFor(principal(who), opts, Math.floor(now.getTime() / 1000)), key);

function input(over: Partial<WhoamiInput> & { token?: string }): WhoamiInput {
  return {
    now,
    context: { name: 'aks', cluster: 'aks', user: 'u', server: 'https://aks.example', namespace: 'default' },
    credential: { source: 'exec', details: {} },
    decoded: over.token ? decodeToken(over.token) : null,
    groupNames: { names: new Map(), from: null },
    overageGroups: null,
    server: { kind: 'skipped', reason: '--offline' },
    ...over,
  };
}
const codes = (r: { warnings: Array<{ code: string }> }) => r.warnings.map((w) => w.code).sort();

describe('principal type and Kubernetes user name', () => {
  it('a member user is named by UPN, with its Entra group ids', () => {
    const r = buildWhoami(input({ token: token('alice') }));
    expect(r.identity).toMatchObject({
      principalType: 'user',
      username: 'alice@contoso.com',
      usernameFrom: 'upn',
      objectId: principal('alice').objectId,
      tenantId: TENANT_ID,
      upn: 'alice@contoso.com',
    });
    expect(r.groups.map((g) => g.id)).toEqual(principal('alice').groups);
    expect(r.groups.every((g) => g.source === 'token')).toBe(true);
    expect(codes(r)).toEqual([]);
  });

  it('a guest has no upn and is named by object id', () => {
    const r = buildWhoami(input({ token: token('frank') }));
    expect(r.identity.principalType).toBe('guest');
    expect(r.identity.username).toBe(principal('frank').objectId);
    expect(r.identity.usernameFrom).toBe('oid');
  });

  it('a service principal is named by object id and shows its application id', () => {
    const r = buildWhoami(input({ token: token('ci-deployer') }));
    expect(r.identity).toMatchObject({ principalType: 'servicePrincipal', username: principal('ci-deployer').objectId, appId: expect.any(String) });
  });

  it('a managed identity is an app token with xms_mirid', () => {
    const r = buildWhoami(input({ token: token('billing-api-identity') }));
    expect(r.identity.principalType).toBe('managedIdentity');
    expect(r.token?.claims.xms_mirid).toMatch(/userAssignedIdentities/i);
  });

  it('a v2 token without upn names a member by oid, as AKS does', () => {
    const r = buildWhoami(input({ token: token('alice', { version: '2.0' }) }));
    expect(r.token?.version).toBe('2.0');
    expect(r.identity.username).toBe(principal('alice').objectId);
  });

  it('a client certificate: CN is the user, each O a group; LocalAccount and ClusterAdmin', () => {
    const r = buildWhoami(
      input({
        credential: {
          source: 'clientCertificate',
          details: {},
          certificate: { subject: 'O=system:masters, CN=masterclient', commonName: 'masterclient', organizations: ['system:masters'], issuer: 'CN=ca', notBefore: '', notAfter: '' },
        },
      }),
    );
    expect(r.identity).toMatchObject({ principalType: 'clientCertificate', username: 'masterclient', groups: ['system:masters'] });
    expect(r.token).toBeNull();
    expect(codes(r)).toEqual(['ClusterAdmin', 'LocalAccount']);
  });

  it('an opaque token is unknown until the server says', () => {
    const r = buildWhoami(input({ token: 'static-token-abc' }));
    expect(r.identity.principalType).toBe('unknown');
    expect(codes(r)).toEqual(['OpaqueToken']);
    const withServer = buildWhoami(
      input({ token: 'static-token-abc', server: { kind: 'ok', userInfo: { username: 'ops', groups: ['ops-team', 'system:authenticated'], extra: {}, apiVersion: 'authentication.k8s.io/v1' } } }),
    );
    expect(withServer.identity.username).toBe('ops');
    expect(withServer.server?.username).toBe('ops');
  });
});

describe('token facts and warnings', () => {
  it('shows expiry, time left and that the audience is AKS', () => {
    const r = buildWhoami(input({ token: token('alice', { lifetimeSeconds: 1800 }) }));
    expect(r.token).toMatchObject({ audienceIsAks: true, expired: false, version: '1.0', issuer: `https://sts.windows.net/${TENANT_ID}/` });
    expect(r.token!.secondsLeft).toBeGreaterThan(1700);
    expect(new Date(r.token!.expiresAt!).getTime()).toBeGreaterThan(now.getTime());
  });

  it('TokenExpired for an expired token', () => {
    const r = buildWhoami(input({ token: token('alice', { expired: true }) }));
    expect(r.token?.expired).toBe(true);
    expect(codes(r)).toEqual(['TokenExpired']);
    expect(r.warnings[0]!.message).toMatch(/expired 1h 0m ago|expired 59m/);
  });

  it('the legacy spn: audience is still AKS; any other audience is NotAksAudience', () => {
    expect(codes(buildWhoami(input({ token: token('alice', { audience: 'spn:6dae42f8-4368-4678-94ff-3960e28e3630' }) })))).toEqual([]);
    const r = buildWhoami(input({ token: token('alice', { audience: 'https://management.azure.com/' }) }));
    expect(r.token?.audienceIsAks).toBe(false);
    expect(codes(r)).toEqual(['NotAksAudience']);
  });

  it('GroupsOverage for a user: groups come from Graph when fetched, else from the server', () => {
    const t = token('erin');
    const bare = buildWhoami(input({ token: t }));
    expect(bare.groupsOverage).toBe(true);
    expect(codes(bare)).toEqual(['GroupsOverage', 'GroupsUnknown']);
    expect(bare.warnings[0]!.message).toMatch(/AKS fetches the memberships from Microsoft Graph/);

    const fetched = buildWhoami(input({ token: t, overageGroups: principal('erin').groups }));
    expect(fetched.groups).toHaveLength(principal('erin').groups.length);
    expect(fetched.groups[0]!.source).toBe('graph');

    const serverGroups = [...principal('erin').groups.slice(0, 3), 'system:authenticated'];
    const fromServer = buildWhoami(
      input({ token: t, server: { kind: 'ok', userInfo: { username: 'erin@contoso.com', groups: serverGroups, extra: {}, apiVersion: 'v1' } } }),
    );
    expect(fromServer.groups.map((g) => [g.id, g.source])).toEqual(serverGroups.slice(0, 3).map((g) => [g, 'server']));
  });

  it('GroupsOverage for a service principal says AKS refuses it', () => {
    const r = buildWhoami(input({ token: token('sp-overage') }));
    expect(r.warnings.find((w) => w.code === 'GroupsOverage')!.message).toMatch(/refuses/);
  });

  it('ClusterAdmin when the server puts the identity in system:masters', () => {
    const r = buildWhoami(
      input({ token: token('alice'), server: { kind: 'ok', userInfo: { username: 'alice@contoso.com', groups: ['system:masters'], extra: {}, apiVersion: 'v1' } } }),
    );
    expect(codes(r)).toContain('ClusterAdmin');
  });

  it('ServerUnreachable keeps the local view; ServerRejected names the reason', () => {
    const r = buildWhoami(input({ token: token('alice'), server: { kind: 'unreachable', message: 'cannot reach the server https://x: connection refused' } }));
    expect(r.identity.username).toBe('alice@contoso.com');
    expect(r.server).toBeNull();
    expect(codes(r)).toEqual(['ServerUnreachable']);
    const rej = buildWhoami(input({ token: token('alice'), server: { kind: 'rejected', message: 'the server rejected the credential (401 Unauthorized)', status: 401 } }));
    expect(codes(rej)).toEqual(['ServerRejected']);
  });
});

describe('server view', () => {
  it('calls out groups the server added, groups it lacks and a different user name', () => {
    const alice = principal('alice');
    const r = buildWhoami(
      input({
        token: token('alice'),
        server: {
          kind: 'ok',
          userInfo: { username: alice.objectId, uid: '', groups: [alice.groups[0]!, 'system:authenticated'], extra: { oid: [alice.objectId] }, apiVersion: 'authentication.k8s.io/v1' },
        },
      }),
    );
    expect(r.server!.addedGroups).toEqual(['system:authenticated']);
    expect(r.server!.missingGroups).toEqual(alice.groups.slice(1));
    expect(r.server!.usernameMatches).toBe(false);
    expect(codes(r)).toEqual(['UsernameMismatch']);
  });

  it('names groups from the lookup and says why names are missing', () => {
    const alice = principal('alice');
    const named = buildWhoami(input({ token: token('alice'), groupNames: { names: new Map([[alice.groups[0]!, 'aks-team-a-devs']]), from: 'graph' } }));
    expect(named.groups[0]!.name).toBe('aks-team-a-devs');
    const missing = buildWhoami(input({ token: token('alice'), groupNames: { names: new Map(), from: null, unavailable: 'no Azure credential' } }));
    expect(codes(missing)).toEqual(['GroupNamesUnavailable']);
  });
});

// The SubjectAccessReview webhook stand-in decides like "Azure RBAC for Kubernetes authorization":
// AKS's verb mapping to data actions, the four built-in roles, cluster and namespace scopes, group
// membership from the directory, allowed with a reason naming the assignment, otherwise no opinion.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAzureStandIns, type AksRole, type AzureStandIns } from '../../support/azure/index.js';
import { dataActionFor, type ResourceAttributes } from '../../support/azure/azure-rbac.js';
import { directory } from '../../support/azure/directory.js';
import { httpsJson } from '../../support/azure/http-client.js';

let s: AzureStandIns;
beforeAll(async () => {
  s = await startAzureStandIns({ dir: mkdtempSync(join(tmpdir(), 'azure-sar-')) });
});
afterAll(async () => {
  await s?.close();
});
beforeEach(() => s.roleAssignments.clear());

const g = (key: string): string => directory.groups[key]!.id;
const oid = (key: string): string => directory.principals[key]!.objectId;

interface Req extends ResourceAttributes {
  path?: string;
}

async function sar(who: string, req: Req, groups?: string[]) {
  const spec: Record<string, unknown> = {
    user: who,
    groups: groups ?? directory.principals[who]!.groups,
    extra: { oid: [oid(who)] },
  };
  if (req.path) spec.nonResourceAttributes = { path: req.path, verb: req.verb };
  else spec.resourceAttributes = { namespace: '', group: '', version: 'v1', ...req };
  const r = await httpsJson('POST', `${s.servers.webhooks.url}/authorize`, {
    ca: s.caPem,
    body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec },
  });
  expect(r.status).toBe(200);
  expect(r.json.apiVersion).toBe('authorization.k8s.io/v1');
  // The webhook never denies: it allows or has no opinion, so Kubernetes RBAC still gets its say.
  expect(r.json.status.denied).toBeUndefined();
  return r.json.status as { allowed: boolean; reason: string };
}

const pods = (verb: string, namespace = 'team-a', extra: Partial<Req> = {}): Req => ({ verb, resource: 'pods', namespace, ...extra });

describe('data action mapping (AKS verbs)', () => {
  it.each([
    [{ verb: 'get', resource: 'pods' }, 'pods/read'],
    [{ verb: 'list', resource: 'pods' }, 'pods/read'],
    [{ verb: 'watch', resource: 'pods' }, 'pods/read'],
    [{ verb: 'create', resource: 'pods' }, 'pods/write'],
    [{ verb: 'update', resource: 'pods' }, 'pods/write'],
    [{ verb: 'patch', resource: 'pods' }, 'pods/write'],
    [{ verb: 'delete', resource: 'pods' }, 'pods/delete'],
    [{ verb: 'deletecollection', resource: 'pods' }, 'pods/delete'],
    [{ verb: 'create', resource: 'pods', subresource: 'exec' }, 'pods/exec/action'],
    [{ verb: 'get', resource: 'pods', subresource: 'exec' }, 'pods/exec/action'],
    [{ verb: 'get', resource: 'pods', subresource: 'log' }, 'pods/read'],
    [{ verb: 'get', group: 'apps', resource: 'deployments' }, 'apps/deployments/read'],
    [{ verb: 'impersonate', resource: 'serviceaccounts' }, 'serviceaccounts/impersonate/action'],
    [{ verb: 'bind', group: 'rbac.authorization.k8s.io', resource: 'clusterroles' }, 'rbac.authorization.k8s.io/clusterroles/bind/action'],
    [{ verb: 'escalate', group: 'rbac.authorization.k8s.io', resource: 'roles' }, 'rbac.authorization.k8s.io/roles/escalate/action'],
  ])('%o -> %s', (ra, action) => {
    expect(dataActionFor({ resourceAttributes: ra })).toBe(`Microsoft.ContainerService/managedClusters/${action}`);
  });
  it('non-resource URLs', () => {
    expect(dataActionFor({ nonResourceAttributes: { path: '/healthz', verb: 'get' } })).toBe('Microsoft.ContainerService/managedClusters/healthz/read');
  });
});

// [role, scope (namespace or '' for cluster), request, allowed]
const cases: [AksRole, string, Req, boolean][] = [
  ['reader', 'team-a', pods('get'), true],
  ['reader', 'team-a', pods('list'), true],
  ['reader', 'team-a', pods('watch'), true],
  ['reader', 'team-a', pods('get', 'team-a', { subresource: 'log' }), true],
  ['reader', 'team-a', { verb: 'list', group: 'apps', resource: 'deployments', namespace: 'team-a' }, true],
  ['reader', 'team-a', { verb: 'get', resource: 'secrets', namespace: 'team-a' }, false],
  ['reader', 'team-a', pods('create'), false],
  ['reader', 'team-a', pods('create', 'team-a', { subresource: 'exec' }), false],
  ['reader', 'team-a', pods('get', 'team-b'), false],
  ['reader', 'team-a', pods('list', ''), false],
  ['reader', 'team-a', { verb: 'get', group: 'rbac.authorization.k8s.io', resource: 'roles', namespace: 'team-a' }, false],
  ['reader', '', pods('list', ''), true],
  ['reader', '', pods('get', 'team-b'), true],
  ['writer', 'team-a', pods('create'), true],
  ['writer', 'team-a', pods('deletecollection'), true],
  ['writer', 'team-a', pods('create', 'team-a', { subresource: 'exec' }), true],
  ['writer', 'team-a', { verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'team-a' }, true],
  ['writer', 'team-a', { verb: 'delete', resource: 'secrets', namespace: 'team-a' }, true],
  ['writer', 'team-a', { verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: 'team-a' }, true],
  ['writer', 'team-a', { verb: 'impersonate', resource: 'serviceaccounts', namespace: 'team-a' }, true],
  ['writer', 'team-a', { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'rolebindings', namespace: 'team-a' }, false],
  ['writer', 'team-a', { verb: 'update', resource: 'resourcequotas', namespace: 'team-a' }, false],
  ['writer', 'team-a', pods('create', 'team-b'), false],
  ['admin', 'team-a', { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'rolebindings', namespace: 'team-a' }, true],
  ['admin', 'team-a', { verb: 'update', resource: 'resourcequotas', namespace: 'team-a' }, false],
  ['admin', 'team-a', { verb: 'delete', resource: 'resourcequotas', namespace: 'team-a' }, false],
  ['admin', 'team-a', { verb: 'get', resource: 'resourcequotas', namespace: 'team-a' }, true],
  ['admin', 'team-a', pods('*'), true],
  ['admin', 'team-a', { verb: '*', resource: 'resourcequotas', namespace: 'team-a' }, false],
  ['admin', '', { verb: 'delete', resource: 'namespaces', name: 'team-a' }, false],
  ['admin', '', { verb: 'get', resource: 'nodes' }, true],
  ['admin', '', { verb: 'bind', group: 'rbac.authorization.k8s.io', resource: 'clusterroles' }, true],
  ['admin', '', { verb: 'get', path: '/healthz' }, true],
  ['cluster-admin', '', { verb: 'delete', resource: 'namespaces', name: 'team-a' }, true],
  ['cluster-admin', '', { verb: '*', group: '*', resource: '*' }, true],
  ['cluster-admin', 'team-a', { verb: 'get', resource: 'nodes' }, false],
];

describe('SubjectAccessReview webhook (Azure RBAC)', () => {
  it.each(cases)('%s at %j: %j -> allowed=%s', async (role, ns, req, allowed) => {
    const a = s.roleAssignments.add({ role, principalId: g('aks-team-a-devs'), namespace: ns || undefined });
    const st = await sar('alice', req);
    expect(st.allowed).toBe(allowed);
    if (allowed) {
      expect(st.reason).toContain(`${a.scope}/providers/Microsoft.Authorization/roleAssignments/${a.name}`);
      expect(st.reason).toContain(a.roleName);
      expect(st.reason).toContain(`Group ${g('aks-team-a-devs')}`);
    }
  });

  it('binds a user by object id, and names the user in the reason', async () => {
    s.roleAssignments.add({ role: 'reader', principalId: oid('bob') });
    const st = await sar('bob', pods('get', 'anything'));
    expect(st.allowed).toBe(true);
    expect(st.reason).toContain(`User ${oid('bob')}`);
    expect((await sar('alice', pods('get', 'anything'))).allowed).toBe(false);
  });

  it('binds a managed identity as a service principal', async () => {
    const a = s.roleAssignments.add({ role: 'writer', principalId: oid('billing-api-identity'), namespace: 'billing' });
    expect(a.principalType).toBe('ServicePrincipal');
    expect((await sar('billing-api-identity', pods('create', 'billing'))).allowed).toBe(true);
  });

  it('expands group membership from the directory, as Azure RBAC does (overage users)', async () => {
    s.roleAssignments.add({ role: 'writer', principalId: g('aks-team-b-devs'), namespace: 'team-b' });
    expect((await sar('erin', pods('create', 'team-b'), [])).allowed).toBe(true);
  });

  it('has no opinion without an oid, or for principals not in the table', async () => {
    s.roleAssignments.add({ role: 'cluster-admin', principalId: g('aks-cluster-admins') });
    expect((await sar('dave', pods('get'))).allowed).toBe(false);
    const r = await httpsJson('POST', `${s.servers.webhooks.url}/authorize`, {
      ca: s.caPem,
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'system:anonymous', resourceAttributes: { verb: 'get', resource: 'pods' } } },
    });
    expect(r.json.status.allowed).toBe(false);
    expect(r.json.status.denied).toBeUndefined();
  });

  it('removing an assignment takes effect immediately', async () => {
    const a = s.roleAssignments.add({ role: 'reader', principalId: oid('bob') });
    expect((await sar('bob', pods('get'))).allowed).toBe(true);
    expect(s.roleAssignments.remove(a.name)).toBe(true);
    expect((await sar('bob', pods('get'))).allowed).toBe(false);
  });
});

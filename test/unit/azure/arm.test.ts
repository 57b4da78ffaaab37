// The product's ARM client against the ARM stand-in over loopback HTTPS: the managed cluster's Entra
// and OIDC issuer settings, role assignments for a scope and a principal (with paging), role
// definitions, and clear errors.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getManagedCluster, getRoleDefinition, listRoleAssignments } from '../../../src/azure/arm.js';
import { createAzureCredential } from '../../../src/azure/credential.js';
import { resolveAzureEndpoints } from '../../../src/azure/endpoints.js';
import type { AzureClientOptions } from '../../../src/azure/graph.js';
import { AzureRequestError } from '../../../src/azure/http.js';
import { UsageError } from '../../../src/errors.js';
import { startAzureStandIns, type AzureStandIns } from '../../support/azure/index.js';

let s: AzureStandIns;
let opts: AzureClientOptions;
beforeAll(async () => {
  s = await startAzureStandIns({ dir: mkdtempSync(join(tmpdir(), 'azure-arm-')) });
  opts = optionsFor('kubectl-entra-reader');
});
afterAll(async () => {
  await s?.close();
});
beforeEach(() => {
  s.roleAssignments.clear();
  s.armSettings.pageSize = undefined;
});

function optionsFor(principalKey: string): AzureClientOptions {
  const env = s.productEnv(principalKey);
  const endpoints = resolveAzureEndpoints({}, env);
  return { endpoints, credential: createAzureCredential({ endpoints, env, ca: s.caPem, sources: ['environment'] }), ca: s.caPem, timeoutMs: 5000 };
}

const g = (key: string): string => s.directory.groups[key]!.id;
const oid = (key: string): string => s.directory.principals[key]!.objectId;

describe('getManagedCluster', () => {
  it("returns the cluster's aadProfile and OIDC issuer", async () => {
    const c = await getManagedCluster(s.clusterResourceId, opts);
    expect(c.id).toBe(s.clusterResourceId);
    expect(c.aadProfile).toEqual({ managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [g('aks-cluster-admins')], tenantID: s.tenantId });
    expect(c.oidcIssuerProfile?.enabled).toBe(true);
    expect(c.oidcIssuerProfile?.issuerURL).toMatch(/^https:\/\/westeurope\.oic\.prod-aks\.azure\.com\//);
    expect(c.workloadIdentityEnabled).toBe(true);
    const get = s.servers.arm.log.filter((l) => l.path.startsWith(s.clusterResourceId));
    expect(get.at(-1)!.path).toBe(`${s.clusterResourceId}?api-version=2024-05-01`);
  });

  it('reflects changes to the served cluster', async () => {
    const saved = s.cluster.oidcIssuerProfile;
    s.cluster.oidcIssuerProfile = { enabled: true, issuerURL: 'https://127.0.0.1:6443' };
    try {
      expect((await getManagedCluster(s.clusterResourceId, opts)).oidcIssuerProfile?.issuerURL).toBe('https://127.0.0.1:6443');
    } finally {
      s.cluster.oidcIssuerProfile = saved;
    }
  });

  it('says when the cluster does not exist', async () => {
    const err = await getManagedCluster(s.clusterResourceId.replace(/[^/]+$/, 'nope'), opts).catch((e: unknown) => e);
    expect((err as AzureRequestError).reason).toBe('notFound');
    expect((err as Error).message).toMatch(/^Azure Resource Manager: managed cluster .*\/nope not found \(ResourceNotFound/);
  });

  it('rejects something that is not an AKS resource id before calling out', async () => {
    await expect(getManagedCluster('/subscriptions/x/resourceGroups/y', opts)).rejects.toBeInstanceOf(UsageError);
  });

  it('turns 403 into a permission error naming the action', async () => {
    const err = await getManagedCluster(s.clusterResourceId, optionsFor('ci-deployer')).catch((e: unknown) => e);
    expect((err as AzureRequestError).reason).toBe('forbidden');
    expect((err as Error).message).toMatch(/no permission to read managed cluster .* \(needs Microsoft\.ContainerService\/managedClusters\/read/);
  });
});

describe('listRoleAssignments and getRoleDefinition', () => {
  it("lists a principal's assignments at, below and above the cluster", async () => {
    const cluster = s.roleAssignments.add({ role: 'reader', principalId: oid('bob') });
    const ns = s.roleAssignments.add({ role: 'writer', principalId: oid('bob'), namespace: 'team-a' });
    const rg = s.roleAssignments.add({ role: 'admin', principalId: oid('bob'), scope: s.clusterResourceId.split('/providers/')[0] });
    s.roleAssignments.add({ role: 'cluster-admin', principalId: g('aks-cluster-admins') });

    const got = await listRoleAssignments(s.clusterResourceId, { principalId: oid('bob') }, opts);
    expect(got.map((a) => a.name).sort()).toEqual([cluster.name, ns.name, rg.name].sort());
    const nsRow = got.find((a) => a.name === ns.name)!;
    expect(nsRow.scope).toBe(`${s.clusterResourceId}/namespaces/team-a`);
    expect(nsRow.principalType).toBe('User');
    expect(nsRow.roleDefinitionId).toMatch(/\/providers\/Microsoft\.Authorization\/roleDefinitions\/a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb$/);
    expect(nsRow.id).toBe(`${nsRow.scope}/providers/Microsoft.Authorization/roleAssignments/${ns.name}`);

    const log = s.servers.arm.log.at(-1)!.path;
    expect(decodeURIComponent(log)).toContain(`$filter=principalId eq '${oid('bob')}'`);
  });

  it('atScope() leaves out assignments below the scope', async () => {
    s.roleAssignments.add({ role: 'reader', principalId: oid('bob') });
    s.roleAssignments.add({ role: 'writer', principalId: oid('bob'), namespace: 'team-a' });
    const got = await listRoleAssignments(s.clusterResourceId, { atScopeOnly: true }, opts);
    expect(got.map((a) => a.scope)).toEqual([s.clusterResourceId]);
  });

  it('follows nextLink', async () => {
    for (let i = 0; i < 5; i++) s.roleAssignments.add({ role: 'reader', principalId: oid('alice'), namespace: `ns-${i}` });
    s.armSettings.pageSize = 2;
    const before = s.servers.arm.log.length;
    expect(await listRoleAssignments(s.clusterResourceId, {}, opts)).toHaveLength(5);
    expect(s.servers.arm.log.length - before).toBe(3);
  });

  it('reads the role definition an assignment points to', async () => {
    s.roleAssignments.add({ role: 'admin', principalId: g('aks-team-a-devs'), namespace: 'team-a' });
    const [a] = await listRoleAssignments(s.clusterResourceId, { principalId: g('aks-team-a-devs') }, opts);
    const def = await getRoleDefinition(a!.roleDefinitionId, opts);
    expect(def.roleName).toBe('Azure Kubernetes Service RBAC Admin');
    expect(def.permissions[0]!.dataActions).toEqual(['Microsoft.ContainerService/managedClusters/*']);
    expect(def.permissions[0]!.notDataActions).toContain('Microsoft.ContainerService/managedClusters/namespaces/delete');
  });

  it('rejects a malformed principal id or role definition id before calling out', async () => {
    await expect(listRoleAssignments(s.clusterResourceId, { principalId: "x' or 1 eq 1" }, opts)).rejects.toBeInstanceOf(UsageError);
    await expect(getRoleDefinition('Reader', opts)).rejects.toBeInstanceOf(UsageError);
  });
});

// Azure Resource Manager stand-in: the managed cluster (aadProfile, oidcIssuerProfile), role
// assignments listed for a scope ($filter principalId eq '...' or atScope()), and role definitions,
// with ARM's JSON shapes and errors. Requires a bearer token of the ARM audience from a reader.
import { randomUUID } from 'node:crypto';
import { CLUSTER_NAME, RESOURCE_GROUP, SUBSCRIPTION_ID, TENANT_ID, principalByObjectId } from './directory.js';
import { json, type Route, type StandInRequest, type StandInResponse } from './https-server.js';
import { checkBearer, type SigningKey } from './tokens.js';
import { roleDefinition, roleDefinitionResourceId, scopeCovers, type RoleAssignment, type RoleAssignmentTable } from './azure-rbac.js';

/** The mutable cluster the ARM stand-in serves (tests may point issuerURL at the real apiserver's issuer). */
export interface ManagedClusterSettings {
  location: string;
  kubernetesVersion: string;
  fqdn: string;
  aadProfile: { managed: boolean; enableAzureRBAC: boolean; adminGroupObjectIDs: string[]; tenantID: string } | null;
  oidcIssuerProfile: { enabled: boolean; issuerURL?: string };
  workloadIdentityEnabled: boolean;
  disableLocalAccounts: boolean;
}

export interface ArmSettings {
  /** Object ids refused with 403 AuthorizationFailed. Readers are: every user and guest, and applications marked armReader. */
  denyObjectIds: Set<string>;
  /** Page role-assignment lists with nextLink after this many (default: no paging). */
  pageSize?: number;
}

export interface ArmContext {
  url(): string;
  keys: SigningKey[];
  table: RoleAssignmentTable;
  cluster: ManagedClusterSettings;
  settings: ArmSettings;
}

function armError(status: number, code: string, message: string): StandInResponse {
  return json(status, { error: { code, message } }, { 'x-ms-request-id': randomUUID(), 'x-ms-correlation-request-id': randomUUID() });
}

export function defaultCluster(adminGroupId: string): ManagedClusterSettings {
  return {
    location: 'westeurope',
    kubernetesVersion: '1.33.2',
    fqdn: `${CLUSTER_NAME}-dns-4f2a1c9e.hcp.westeurope.azmk8s.io`,
    aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [adminGroupId], tenantID: TENANT_ID },
    oidcIssuerProfile: { enabled: true, issuerURL: `https://westeurope.oic.prod-aks.azure.com/${TENANT_ID}/8b1f2c3d-4e5a-4b6c-9d7e-0f1a2b3c4d5e/` },
    workloadIdentityEnabled: true,
    disableLocalAccounts: false,
  };
}

export function armRoutes(ctx: ArmContext): Route[] {
  function authorize(req: StandInRequest, action: string, scope: string): StandInResponse | undefined {
    if (!req.url.searchParams.get('api-version')) {
      return armError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
    }
    const claims = checkBearer(req.bearer, ctx.keys, [ctx.url(), 'https://management.azure.com', 'https://management.core.windows.net']);
    if (typeof claims === 'string') return armError(401, 'InvalidAuthenticationToken', `The access token is invalid. ${claims}.`);
    const oid = String(claims.oid ?? '');
    const p = principalByObjectId(oid);
    const reader = p && (p.kind === 'user' || p.kind === 'guest' || p.armReader) && !ctx.settings.denyObjectIds.has(oid);
    if (!reader) {
      return armError(403, 'AuthorizationFailed',
        `The client '${oid}' with object id '${oid}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
    }
    return undefined;
  }

  function clusterJson(): Record<string, unknown> {
    const c = ctx.cluster;
    const id = ctx.table.clusterResourceId;
    return {
      id,
      location: c.location,
      name: CLUSTER_NAME,
      type: 'Microsoft.ContainerService/ManagedClusters',
      sku: { name: 'Base', tier: 'Standard' },
      identity: { type: 'SystemAssigned', principalId: '6e1d2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a', tenantId: TENANT_ID },
      properties: {
        provisioningState: 'Succeeded',
        powerState: { code: 'Running' },
        kubernetesVersion: c.kubernetesVersion,
        currentKubernetesVersion: c.kubernetesVersion,
        dnsPrefix: `${CLUSTER_NAME}-dns`,
        fqdn: c.fqdn,
        azurePortalFQDN: c.fqdn.replace('.hcp.', '.portal.hcp.'),
        enableRBAC: true,
        ...(c.aadProfile ? { aadProfile: c.aadProfile } : {}),
        oidcIssuerProfile: c.oidcIssuerProfile,
        securityProfile: { workloadIdentity: { enabled: c.workloadIdentityEnabled } },
        disableLocalAccounts: c.disableLocalAccounts,
        nodeResourceGroup: `MC_${RESOURCE_GROUP}_${CLUSTER_NAME}_${c.location}`,
      },
    };
  }

  function assignmentJson(a: RoleAssignment): Record<string, unknown> {
    return {
      id: `${a.scope}/providers/Microsoft.Authorization/roleAssignments/${a.name}`,
      name: a.name,
      type: 'Microsoft.Authorization/roleAssignments',
      properties: {
        roleDefinitionId: roleDefinitionResourceId(a.roleDefinitionId),
        principalId: a.principalId,
        principalType: a.principalType,
        scope: a.scope,
        condition: null,
        conditionVersion: null,
        createdOn: '2025-01-14T10:02:11.4453000Z',
        updatedOn: '2025-01-14T10:02:11.4453000Z',
        createdBy: null,
        updatedBy: null,
        delegatedManagedIdentityResourceId: null,
        description: null,
      },
    };
  }

  function listAssignments(req: StandInRequest): StandInResponse {
    const scope = req.params[0] ?? '';
    const denied = authorize(req, 'Microsoft.Authorization/roleAssignments/read', scope || '/');
    if (denied) return denied;
    const filter = (req.url.searchParams.get('$filter') ?? '').trim();
    let principalId: string | undefined;
    let atScopeOnly = false;
    if (filter) {
      const m = /^principalId\s+eq\s+'([^']+)'$/i.exec(filter);
      if (m) principalId = m[1]!.toLowerCase();
      else if (/^atScope\(\)$/i.test(filter)) atScopeOnly = true;
      else return armError(400, 'UnsupportedQuery', `The filter '${filter}' is not supported. Supported filters are either 'atScope()' or 'principalId eq '{value}' or assignedTo('{value}')'.`);
    }
    // A scope's list holds assignments at, above and below it; atScope() keeps at and above.
    let rows = ctx.table.list().filter((a) => scopeCovers(a.scope, scope) || (!atScopeOnly && scopeCovers(scope, a.scope)));
    if (principalId) rows = rows.filter((a) => a.principalId === principalId);
    const skip = Number(req.url.searchParams.get('$skipToken') ?? '0') || 0;
    const size = ctx.settings.pageSize;
    const out: Record<string, unknown> = {};
    if (size && size > 0) {
      if (skip + size < rows.length) {
        const next = new URL(req.url);
        next.searchParams.set('$skipToken', String(skip + size));
        out.nextLink = next.toString();
      }
      rows = rows.slice(skip, skip + size);
    }
    out.value = rows.map(assignmentJson);
    return json(200, out);
  }

  function getRoleDefinition(req: StandInRequest): StandInResponse {
    const [scope = '', id] = req.params as [string, string];
    const denied = authorize(req, 'Microsoft.Authorization/roleDefinitions/read', scope || '/');
    if (denied) return denied;
    const def = roleDefinition(id);
    if (!def) return armError(404, 'RoleDefinitionDoesNotExist', 'The specified role definition with ID \'' + id + '\' does not exist.');
    return json(200, {
      id: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${def.id}`,
      name: def.id,
      type: 'Microsoft.Authorization/roleDefinitions',
      properties: {
        roleName: def.roleName,
        type: 'BuiltInRole',
        description: def.description,
        assignableScopes: ['/'],
        permissions: [{ actions: def.actions, notActions: [], dataActions: def.dataActions, notDataActions: def.notDataActions }],
        createdOn: '2020-07-02T19:32:44.5406003Z',
        updatedOn: '2024-02-12T22:05:04.1493218Z',
        createdBy: null,
        updatedBy: null,
      },
    });
  }

  const clusterPath = new RegExp(
    `^/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/([^/]+)/providers/Microsoft\\.ContainerService/managedClusters/([^/]+)$`, 'i');

  return [
    {
      method: 'GET',
      path: clusterPath,
      handle: (req) => {
        const denied = authorize(req, 'Microsoft.ContainerService/managedClusters/read', req.url.pathname);
        if (denied) return denied;
        const [rg, name] = req.params as [string, string];
        if (rg.toLowerCase() !== RESOURCE_GROUP.toLowerCase() || name.toLowerCase() !== CLUSTER_NAME.toLowerCase()) {
          return armError(404, 'ResourceNotFound',
            `The Resource 'Microsoft.ContainerService/managedClusters/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFound`);
        }
        return json(200, clusterJson());
      },
    },
    { method: 'GET', path: /^(.*)\/providers\/Microsoft\.Authorization\/roleAssignments$/i, handle: listAssignments },
    { method: 'GET', path: /^(.*)\/providers\/Microsoft\.Authorization\/roleDefinitions\/([^/]+)$/i, handle: getRoleDefinition },
  ];
}

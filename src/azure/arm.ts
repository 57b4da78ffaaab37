// Azure Resource Manager client: the AKS managed cluster (Entra and OIDC issuer settings), role
// assignments at a scope, and role definitions. API versions are pinned to documented stable ones.
import { getAccessToken } from './credential.js';
import type { AzureClientOptions } from './graph.js';
import { AzureRequestError, errorDetail, httpFailure, sameOriginLink, sendJson, type JsonResponse } from './http.js';
import { UsageError } from '../errors.js';

export const ARM = 'Azure Resource Manager';
export const ARM_API_VERSIONS = {
  managedClusters: '2024-05-01',
  roleAssignments: '2022-04-01',
  roleDefinitions: '2022-04-01',
} as const;

export interface AadProfile {
  managed?: boolean;
  enableAzureRBAC?: boolean;
  adminGroupObjectIDs?: string[];
  tenantID?: string;
}

export interface ManagedCluster {
  id: string;
  name: string;
  location?: string;
  kubernetesVersion?: string;
  fqdn?: string;
  /** Absent when the cluster is not Entra-integrated. */
  aadProfile?: AadProfile;
  oidcIssuerProfile?: { enabled?: boolean; issuerURL?: string };
  workloadIdentityEnabled?: boolean;
  disableLocalAccounts?: boolean;
  /** The whole ARM resource, for fields not modelled here. */
  raw: Record<string, unknown>;
}

export interface RoleAssignment {
  id: string;
  name: string;
  roleDefinitionId: string;
  principalId: string;
  principalType?: string;
  scope: string;
  condition?: string;
}

export interface RoleDefinition {
  id: string;
  name: string;
  roleName: string;
  type?: string;
  description?: string;
  assignableScopes: string[];
  permissions: { actions: string[]; notActions: string[]; dataActions: string[]; notDataActions: string[] }[];
}

const CLUSTER_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerService\/managedClusters\/[^/]+$/i;

/** Accepts an AKS resource id (as `az aks show --query id` prints it); throws UsageError otherwise. */
export function parseClusterResourceId(resourceId: string): string {
  const id = resourceId.trim().replace(/\/+$/, '');
  if (!CLUSTER_ID.test(id)) {
    throw new UsageError(
      `"${resourceId}" is not an AKS resource id (expected /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ContainerService/managedClusters/<name>)`,
    );
  }
  return id;
}

function armFailure(res: JsonResponse, action: string, what: string): AzureRequestError {
  const detail = errorDetail(res.body);
  if (res.status === 401 || res.status === 403) {
    return new AzureRequestError(
      `${ARM}: no permission to read ${what} (needs ${action}, e.g. the Reader role)${detail ? ` [${res.status} ${detail.split(':')[0]}]` : ` [${res.status}]`}`,
      res.status === 401 ? 'unauthorized' : 'forbidden',
      res.status,
    );
  }
  if (res.status === 404) return new AzureRequestError(`${ARM}: ${what} not found${detail ? ` (${detail})` : ''}`, 'notFound', 404);
  return httpFailure(ARM, res);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

async function armGet(path: string, query: Record<string, string>, opts: AzureClientOptions, token?: string): Promise<{ res: JsonResponse; token: string }> {
  const t = token ?? (await getAccessToken(opts.credential, opts.endpoints.arm, opts.signal));
  // %20 rather than URLSearchParams' `+` for spaces: the form OData filters are documented with.
  const qs = Object.entries(query).map(([k, v]) => `${encodeURIComponent(k).replace(/^%24/, '$')}=${encodeURIComponent(v)}`).join('&');
  const url = `${opts.endpoints.arm}${path.split('/').map(encodeURIComponent).join('/')}?${qs}`;
  return { res: await sendJson({ service: ARM, method: 'GET', url, token: t }, opts), token: t };
}

export async function getManagedCluster(resourceId: string, opts: AzureClientOptions): Promise<ManagedCluster> {
  const id = parseClusterResourceId(resourceId);
  const { res } = await armGet(id, { 'api-version': ARM_API_VERSIONS.managedClusters }, opts);
  if (res.status !== 200) throw armFailure(res, 'Microsoft.ContainerService/managedClusters/read', `managed cluster ${id}`);
  const raw = res.body as Record<string, unknown> | undefined;
  const props = (raw?.properties ?? {}) as Record<string, unknown>;
  if (!raw || typeof raw !== 'object') throw new AzureRequestError(`${ARM}: unexpected managed cluster response`, 'badResponse', res.status);
  const aad = props.aadProfile as Record<string, unknown> | undefined;
  const oidc = props.oidcIssuerProfile as Record<string, unknown> | undefined;
  const wi = ((props.securityProfile as Record<string, unknown> | undefined)?.workloadIdentity ?? undefined) as Record<string, unknown> | undefined;
  return {
    id: str(raw.id) ?? id,
    name: str(raw.name) ?? id.split('/').pop()!,
    location: str(raw.location),
    kubernetesVersion: str(props.currentKubernetesVersion) ?? str(props.kubernetesVersion),
    fqdn: str(props.fqdn) ?? str(props.privateFQDN),
    aadProfile: aad
      ? {
          managed: typeof aad.managed === 'boolean' ? aad.managed : undefined,
          enableAzureRBAC: typeof aad.enableAzureRBAC === 'boolean' ? aad.enableAzureRBAC : undefined,
          adminGroupObjectIDs: strs(aad.adminGroupObjectIDs),
          tenantID: str(aad.tenantID),
        }
      : undefined,
    oidcIssuerProfile: oidc ? { enabled: typeof oidc.enabled === 'boolean' ? oidc.enabled : undefined, issuerURL: str(oidc.issuerURL) } : undefined,
    workloadIdentityEnabled: typeof wi?.enabled === 'boolean' ? wi.enabled : undefined,
    disableLocalAccounts: typeof props.disableLocalAccounts === 'boolean' ? props.disableLocalAccounts : undefined,
    raw,
  };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_PAGES = 100;

/**
 * Role assignments that apply at `scope` (at, above and below it, as ARM lists them), optionally only
 * those of one principal. Follows nextLink on the same host.
 */
export async function listRoleAssignments(scope: string, filter: { principalId?: string; atScopeOnly?: boolean }, opts: AzureClientOptions): Promise<RoleAssignment[]> {
  const s = scope.trim().replace(/\/+$/, '');
  if (!s.startsWith('/')) throw new UsageError(`"${scope}" is not an Azure scope (expected a resource id starting with /)`);
  const query: Record<string, string> = { 'api-version': ARM_API_VERSIONS.roleAssignments };
  if (filter.principalId) {
    if (!GUID.test(filter.principalId)) throw new UsageError(`"${filter.principalId}" is not an Entra object id`);
    query.$filter = `principalId eq '${filter.principalId.toLowerCase()}'`;
  } else if (filter.atScopeOnly) {
    query.$filter = 'atScope()';
  }
  const out: RoleAssignment[] = [];
  let { res, token } = await armGet(`${s}/providers/Microsoft.Authorization/roleAssignments`, query, opts);
  for (let page = 0; ; page++) {
    if (res.status !== 200) throw armFailure(res, 'Microsoft.Authorization/roleAssignments/read', `role assignments at ${s}`);
    const body = res.body as { value?: unknown; nextLink?: unknown } | undefined;
    if (!Array.isArray(body?.value)) throw new AzureRequestError(`${ARM}: unexpected role assignments response (no value array)`, 'badResponse', res.status);
    for (const a of body.value as Record<string, unknown>[]) {
      const p = (a?.properties ?? {}) as Record<string, unknown>;
      const roleDefinitionId = str(p.roleDefinitionId);
      const principalId = str(p.principalId);
      if (!roleDefinitionId || !principalId) continue;
      out.push({
        id: str(a.id) ?? '',
        name: str(a.name) ?? '',
        roleDefinitionId,
        principalId: principalId.toLowerCase(),
        principalType: str(p.principalType),
        scope: str(p.scope) ?? s,
        ...(str(p.condition) ? { condition: str(p.condition) } : {}),
      });
    }
    const next = sameOriginLink(body.nextLink, opts.endpoints.arm, ARM);
    if (!next) break;
    if (page >= MAX_PAGES) throw new AzureRequestError(`${ARM}: role assignments returned more than ${MAX_PAGES} pages`, 'badResponse');
    res = await sendJson({ service: ARM, method: 'GET', url: next, token }, opts);
  }
  return out;
}

/** A role definition by its full id (`/subscriptions/<id>/providers/Microsoft.Authorization/roleDefinitions/<guid>`). */
export async function getRoleDefinition(id: string, opts: AzureClientOptions): Promise<RoleDefinition> {
  const path = id.trim().replace(/\/+$/, '');
  if (!/\/providers\/Microsoft\.Authorization\/roleDefinitions\/[^/]+$/i.test(path) || !path.startsWith('/')) {
    throw new UsageError(`"${id}" is not a role definition id (expected .../providers/Microsoft.Authorization/roleDefinitions/<guid>)`);
  }
  const { res } = await armGet(path, { 'api-version': ARM_API_VERSIONS.roleDefinitions }, opts);
  if (res.status !== 200) throw armFailure(res, 'Microsoft.Authorization/roleDefinitions/read', `role definition ${path}`);
  const raw = res.body as Record<string, unknown> | undefined;
  const p = (raw?.properties ?? {}) as Record<string, unknown>;
  const roleName = str(p.roleName);
  if (!raw || !roleName) throw new AzureRequestError(`${ARM}: unexpected role definition response`, 'badResponse', res.status);
  return {
    id: str(raw.id) ?? path,
    name: str(raw.name) ?? path.split('/').pop()!,
    roleName,
    type: str(p.type),
    description: str(p.description),
    assignableScopes: strs(p.assignableScopes),
    permissions: (Array.isArray(p.permissions) ? (p.permissions as Record<string, unknown>[]) : []).map((x) => ({
      actions: strs(x?.actions),
      notActions: strs(x?.notActions),
      dataActions: strs(x?.dataActions),
      notDataActions: strs(x?.notDataActions),
    })),
  };
}

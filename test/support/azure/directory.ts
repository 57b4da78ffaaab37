// The seeded Entra tenant the stand-ins serve: users, guests, service principals, a managed identity and
// named groups with fixed object ids, so RBAC fixtures and tests can bind to them by id. Ids are stable
// across runs (written out, or derived from names); secrets are never here: the stand-ins generate
// passwords and client secrets when they start.
import { createHash } from 'node:crypto';

export const TENANT_ID = '4a1c7e2d-93b5-4f06-8c1e-5d7f20b9a3c4';
export const TENANT_DOMAIN = 'contoso.onmicrosoft.com';
/** A second tenant, home of the B2B guest. */
export const FABRIKAM_TENANT_ID = '9e3b5d71-2c48-4af0-b6d2-7c1e8f304a95';

/** AKS's Entra server application: the audience of every token kube-apiserver accepts. */
export const AKS_SERVER_APP_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
/** Public client ids as they appear in the appid claim of user tokens. */
export const AZURE_CLI_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
export const KUBELOGIN_CLIENT_ID = '80faf920-1908-4b52-b5ef-a8e7bedfc67a';
/** Microsoft Graph's application id (an accepted Graph audience besides its URL). */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

export const SUBSCRIPTION_ID = '2d8f6a41-7b3c-4e95-a0d2-61c9e5f7b832';
export const RESOURCE_GROUP = 'rg-contoso-aks';
export const CLUSTER_NAME = 'aks-contoso-prod';
export const CLUSTER_RESOURCE_ID =
  `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.ContainerService/managedClusters/${CLUSTER_NAME}`;

/** A stable GUID derived from a name, for the many generated groups. */
export function stableGuid(name: string): string {
  const h = createHash('sha1').update(`kubectl-entra/${name}`).digest('hex');
  // RFC 4122 name-based layout (version 5 nibble, variant 10xx).
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface Group {
  key: string;
  id: string;
  displayName: string;
  description?: string;
  securityEnabled: boolean;
  mailEnabled: boolean;
}

interface PrincipalBase {
  key: string;
  objectId: string;
  displayName: string;
  /** Group object ids this principal is a direct member of. */
  groups: string[];
}

export interface User extends PrincipalBase {
  kind: 'user';
  userPrincipalName: string;
  givenName: string;
  surname: string;
  /** Directory role template ids (the wids claim). */
  wids?: string[];
}

/** A B2B guest: signs in as userPrincipalName here, but its tokens carry no upn. */
export interface Guest extends PrincipalBase {
  kind: 'guest';
  /** The #EXT# name in this tenant (used to sign in with the stand-in's password grant). */
  userPrincipalName: string;
  mail: string;
  /** unique_name claim: `live.com#x@outlook.com` for a Microsoft account, the home UPN for another tenant. */
  uniqueName: string;
  /** idp claim: `live.com` or the home tenant's issuer. */
  idp: string;
}

export interface ServicePrincipal extends PrincipalBase {
  kind: 'servicePrincipal';
  appId: string;
  /** Microsoft Graph application permissions granted (roles claim of its Graph tokens). */
  graphAppRoles: string[];
  /** May read role assignments and managed clusters through ARM. */
  armReader: boolean;
}

export interface ManagedIdentity extends PrincipalBase {
  kind: 'managedIdentity';
  /** The identity's client id (appid claim). */
  clientId: string;
  /** ARM resource id (xms_mirid claim). */
  resourceId: string;
  graphAppRoles: string[];
  armReader: boolean;
}

export type Principal = User | Guest | ServicePrincipal | ManagedIdentity;

export interface Directory {
  tenantId: string;
  tenantDomain: string;
  clusterResourceId: string;
  subscriptionId: string;
  /** By key, e.g. groups['aks-team-a-devs']. */
  groups: Record<string, Group>;
  /** By key, e.g. principals.alice. */
  principals: Record<string, Principal>;
}

function group(key: string, id: string, description: string, securityEnabled = true, mailEnabled = false): Group {
  return { key, id, displayName: key, description, securityEnabled, mailEnabled };
}

const named: Group[] = [
  group('aks-cluster-admins', 'c3a1f6e2-8b47-4d19-9e05-2f7a6b1d4c83', 'AKS admin group (aadProfile.adminGroupObjectIDs)'),
  group('aks-team-a-devs', '1f5d9b3e-6a28-4c71-b4e0-93d7c2a85f16', 'Team A developers: edit in team-a'),
  group('aks-team-a-readers', '7b2e4c96-1d53-4fa8-8c3b-5e0f9a7d2614', 'Team A read-only'),
  group('aks-team-b-devs', 'e84c2a17-5f39-4b6d-a0e2-c71b9d3f5a08', 'Team B developers: edit in team-b'),
  group('aks-sre-oncall', '5a9f3d72-c0e4-4b18-97a6-d2e815b4c937', 'SRE on-call rotation'),
  group('all-employees', '2c7e5b19-84a3-4d06-b9f1-6e3a0d8c7b52', 'Every employee (distribution list)', false, true),
];

/** 250 generated groups: enough for erin and the overage SP to exceed the 200-group JWT limit. */
export const OVERAGE_GROUP_COUNT = 250;
const generated: Group[] = Array.from({ length: OVERAGE_GROUP_COUNT }, (_, i) => {
  const key = `eng-project-${String(i + 1).padStart(3, '0')}`;
  return group(key, stableGuid(key), 'Generated engineering project group');
});

const groups: Record<string, Group> = Object.fromEntries([...named, ...generated].map((g) => [g.key, g]));
const gid = (key: string): string => groups[key]!.id;
const overageGroupIds = generated.map((g) => g.id);

/** Directory role template id of "Directory Readers" (appears in wids). */
export const DIRECTORY_READERS_ROLE_ID = '88d8e3e3-8f55-4a1e-953a-9b9898b8876b';

const principalList: Principal[] = [
  {
    kind: 'user', key: 'alice', objectId: 'a1f0c2d4-3e5b-4a69-8d71-0b2c4e6f8a13', userPrincipalName: 'alice@contoso.com',
    displayName: 'Alice Anders', givenName: 'Alice', surname: 'Anders', groups: [gid('aks-team-a-devs'), gid('all-employees')],
  },
  {
    kind: 'user', key: 'bob', objectId: 'b2e1d3c5-4f6a-4b7a-9e82-1c3d5f7a9b24', userPrincipalName: 'bob@contoso.com',
    displayName: 'Bob Berg', givenName: 'Bob', surname: 'Berg', groups: [gid('aks-team-a-readers')],
  },
  {
    kind: 'user', key: 'carol', objectId: 'c3d2e4f6-5a7b-4c8d-af93-2d4e6a8b0c35', userPrincipalName: 'carol@contoso.com',
    displayName: 'Carol Chen', givenName: 'Carol', surname: 'Chen', groups: [gid('aks-cluster-admins'), gid('aks-sre-oncall')],
    wids: [DIRECTORY_READERS_ROLE_ID],
  },
  {
    kind: 'user', key: 'dave', objectId: 'd4e3f5a7-6b8c-4d9e-b0a4-3e5f7b9c1d46', userPrincipalName: 'dave@contoso.com',
    displayName: 'Dave Diaz', givenName: 'Dave', surname: 'Diaz', groups: [],
  },
  {
    kind: 'user', key: 'erin', objectId: 'e5f4a6b8-7c9d-4e0f-81b5-4f6a8c0d2e57', userPrincipalName: 'erin@contoso.com',
    displayName: 'Erin Eklund', givenName: 'Erin', surname: 'Eklund', groups: [gid('aks-team-b-devs'), ...overageGroupIds],
  },
  {
    kind: 'guest', key: 'frank', objectId: 'f6a5b7c9-8d0e-4f1a-92c6-5a7b9d1e3f68',
    userPrincipalName: 'frank_outlook.com#EXT#@contoso.onmicrosoft.com', mail: 'frank@outlook.com',
    uniqueName: 'live.com#frank@outlook.com', idp: 'live.com', displayName: 'Frank Fischer (guest)', groups: [gid('aks-team-a-devs')],
  },
  {
    kind: 'guest', key: 'grace', objectId: '07b6c8d0-9e1f-4a2b-a3d7-6b8c0e2f4a79',
    userPrincipalName: 'grace_fabrikam.com#EXT#@contoso.onmicrosoft.com', mail: 'grace@fabrikam.com',
    uniqueName: 'grace@fabrikam.com', idp: `https://sts.windows.net/${FABRIKAM_TENANT_ID}/`, displayName: 'Grace Gupta (Fabrikam)',
    groups: [gid('aks-team-b-devs')],
  },
  {
    kind: 'servicePrincipal', key: 'ci-deployer', objectId: '18c7d9e1-0f2a-4b3c-84e8-7c9d1f3a5b80',
    appId: '3b9e1c5d-7f2a-4e68-9d04-a6c8e0f2b4d1', displayName: 'github-actions-deployer', groups: [gid('aks-team-a-devs')],
    graphAppRoles: [], armReader: false,
  },
  {
    kind: 'servicePrincipal', key: 'kubectl-entra-reader', objectId: '29d8e0f2-1a3b-4c4d-95f9-8d0e2a4b6c91',
    appId: '6c2f8a4e-0b1d-4f37-a5e9-c3d7f1b9e2a6', displayName: 'kubectl-entra-reader', groups: [],
    graphAppRoles: ['GroupMember.Read.All', 'User.ReadBasic.All'], armReader: true,
  },
  {
    kind: 'servicePrincipal', key: 'sp-overage', objectId: '3ae9f1a3-2b4c-4d5e-a60a-9e1f3b5c7da2',
    appId: '8e4a0c6f-2d1b-4a39-b7f5-e1c9a3d5f7b8', displayName: 'batch-runner (in 250 groups)',
    groups: [gid('aks-team-b-devs'), ...overageGroupIds], graphAppRoles: [], armReader: false,
  },
  {
    kind: 'managedIdentity', key: 'billing-api-identity', objectId: '4bfa02b4-3c5d-4e6f-b71b-0f2a4c6d8eb3',
    clientId: 'a7c3e9b1-5d2f-4c80-9e6a-b4d8f0a2c6e4', displayName: 'id-billing-api',
    resourceId: `/subscriptions/${SUBSCRIPTION_ID}/resourcegroups/rg-contoso-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-billing-api`,
    groups: [gid('aks-team-b-devs')], graphAppRoles: [], armReader: false,
  },
  {
    kind: 'servicePrincipal', key: 'aks-guard', objectId: '5c0b13c5-4d6e-4f70-8c2c-1a3b5d7e9fc4',
    appId: 'd1e5a9c3-7b0f-4d26-8a4e-f2c6b0d8e1a7', displayName: 'AKS Entra webhook (stand-in)', groups: [],
    graphAppRoles: ['Directory.Read.All'], armReader: false,
  },
];

const principals: Record<string, Principal> = Object.fromEntries(principalList.map((p) => [p.key, p]));

export const directory: Directory = {
  tenantId: TENANT_ID,
  tenantDomain: TENANT_DOMAIN,
  clusterResourceId: CLUSTER_RESOURCE_ID,
  subscriptionId: SUBSCRIPTION_ID,
  groups,
  principals,
};

export function principal(key: string): Principal {
  const p = directory.principals[key];
  if (!p) throw new Error(`no seeded principal "${key}" (have: ${Object.keys(directory.principals).join(', ')})`);
  return p;
}

export function principalByObjectId(objectId: string): Principal | undefined {
  const id = objectId.toLowerCase();
  return principalList.find((p) => p.objectId === id);
}

/** The client id a token's appid claim carries for an application principal. */
export function appIdOf(p: Principal): string | undefined {
  return p.kind === 'servicePrincipal' ? p.appId : p.kind === 'managedIdentity' ? p.clientId : undefined;
}

export function principalByAppId(appId: string): Principal | undefined {
  const id = appId.toLowerCase();
  return principalList.find((p) => appIdOf(p) === id);
}

export function principalBySignInName(name: string): Principal | undefined {
  const n = name.toLowerCase();
  return principalList.find(
    (p) => (p.kind === 'user' || p.kind === 'guest') && (p.userPrincipalName.toLowerCase() === n || (p.kind === 'guest' && p.mail === n)),
  );
}

export function groupById(id: string): Group | undefined {
  const g = id.toLowerCase();
  return Object.values(groups).find((x) => x.id === g);
}

/** Groups are flat in this seed, so direct membership is the transitive membership. */
export function memberGroupIds(objectId: string): string[] {
  return principalByObjectId(objectId)?.groups.slice() ?? [];
}

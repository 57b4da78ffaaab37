// Pure: who a credential is to an Entra-integrated AKS cluster. AKS's Entra webhook names a principal by
// its upn claim when there is one and by its object id (oid) otherwise, so RoleBindings name users by UPN
// and service principals, managed identities and guests by object id; groups are Entra group object ids.
import type { Warning } from '../warnings.js';
import { audiences, isAksAudience, type EntraClaims } from './claims.js';

export type PrincipalType = 'user' | 'guest' | 'servicePrincipal' | 'managedIdentity' | 'clientCertificate' | 'unknown';

export interface AksIdentity {
  principalType: PrincipalType;
  /** The Kubernetes user name the API server will see. */
  username: string | null;
  /** Why that is the user name, in a few words. */
  usernameFrom: 'upn' | 'oid' | 'certificate CN' | 'unknown';
  objectId: string | null;
  tenantId: string | null;
  upn: string | null;
  appId: string | null;
  displayName: string | null;
  /** Group ids from the token (Entra object ids) or O= entries of a certificate. */
  groups: string[];
  groupsOverage: boolean;
}

export interface TokenFacts {
  issuer: string | null;
  audience: string[];
  audienceIsAks: boolean;
  version: string | null;
  issuedAt: string | null;
  notBefore: string | null;
  expiresAt: string | null;
  expired: boolean;
  /** Seconds until expiry (negative when expired); null without exp. */
  secondsLeft: number | null;
  claims: EntraClaims;
}

const isoOrNull = (s: number | undefined): string | null => (typeof s === 'number' ? new Date(s * 1000).toISOString() : null);

function isAppToken(c: EntraClaims): boolean {
  if (c.idtyp === 'app') return true;
  if (c.idtyp === 'user') return false;
  // Without idtyp: an app-only token carries no user name claim and no delegated scopes.
  return Boolean((c.appid || c.azp) && !c.upn && !c.unique_name && !c.preferred_username && !c.scp);
}

/**
 * A guest (B2B) account has no upn in the resource tenant's token (its unique_name looks like
 * "live.com#bob@outlook.com" and idp names its home), or says so with the acct claim; AKS names it by oid.
 */
function isGuest(c: EntraClaims): boolean {
  return c.acct === 1 || !c.upn;
}

export function principalTypeOf(c: EntraClaims): PrincipalType {
  if (isAppToken(c)) return c.xms_mirid ? 'managedIdentity' : 'servicePrincipal';
  if (c.oid || c.upn || c.unique_name || c.preferred_username) return isGuest(c) ? 'guest' : 'user';
  return 'unknown';
}

export function groupsOverage(c: EntraClaims): boolean {
  return !Array.isArray(c.groups) && (Boolean(c._claim_names && 'groups' in c._claim_names) || c.hasgroups === true);
}

export function identityFromClaims(c: EntraClaims): AksIdentity {
  const username = c.upn ?? c.oid ?? null;
  return {
    principalType: principalTypeOf(c),
    username,
    usernameFrom: c.upn ? 'upn' : c.oid ? 'oid' : 'unknown',
    objectId: c.oid ?? null,
    tenantId: c.tid ?? null,
    upn: c.upn ?? null,
    appId: c.appid ?? c.azp ?? null,
    displayName: c.name ?? c.unique_name ?? c.preferred_username ?? null,
    groups: Array.isArray(c.groups) ? c.groups.map(String) : [],
    groupsOverage: groupsOverage(c),
  };
}

export function tokenFacts(c: EntraClaims, now: Date): TokenFacts {
  const aud = audiences(c);
  const secondsLeft = typeof c.exp === 'number' ? Math.floor(c.exp - now.getTime() / 1000) : null;
  return {
    issuer: c.iss ?? null,
    audience: aud,
    audienceIsAks: aud.some(isAksAudience),
    version: c.ver ?? null,
    issuedAt: isoOrNull(c.iat),
    notBefore: isoOrNull(c.nbf),
    expiresAt: isoOrNull(c.exp),
    expired: secondsLeft !== null && secondsLeft <= 0,
    secondsLeft,
    claims: c,
  };
}

export function identityFromCertificate(cert: { commonName: string; organizations: string[] }): AksIdentity {
  return {
    principalType: 'clientCertificate',
    username: cert.commonName,
    usernameFrom: 'certificate CN',
    objectId: null,
    tenantId: null,
    upn: null,
    appId: null,
    displayName: null,
    groups: cert.organizations,
    groupsOverage: false,
  };
}

export function unknownIdentity(): AksIdentity {
  return {
    principalType: 'unknown',
    username: null,
    usernameFrom: 'unknown',
    objectId: null,
    tenantId: null,
    upn: null,
    appId: null,
    displayName: null,
    groups: [],
    groupsOverage: false,
  };
}

/** "1h 5m", "3d 2h", "45s": the time left on a token, for people. */
export function formatDuration(seconds: number): string {
  const s = Math.abs(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

/** Warnings that follow from the token alone. */
export function tokenWarnings(identity: AksIdentity, facts: TokenFacts): Warning[] {
  const w: Warning[] = [];
  if (facts.expired) {
    w.push({ code: 'TokenExpired', message: `the token expired ${formatDuration(facts.secondsLeft ?? 0)} ago (${facts.expiresAt}); get a new one (kubelogin: "kubelogin remove-cache-dir" or sign in again)` });
  }
  if (!facts.audienceIsAks) {
    w.push({
      code: 'NotAksAudience',
      message: `the token's audience ${facts.audience.length ? facts.audience.join(', ') : '(none)'} is not the AKS server application ${'6dae42f8-4368-4678-94ff-3960e28e3630'}; AKS will reject it (kubelogin: --server-id 6dae42f8-4368-4678-94ff-3960e28e3630)`,
    });
  }
  if (identity.groupsOverage) {
    const app = identity.principalType === 'servicePrincipal' || identity.principalType === 'managedIdentity';
    w.push({
      code: 'GroupsOverage',
      message: app
        ? 'the token has too many groups to carry them (groups overage); AKS cannot look them up for a service principal and refuses it: reduce its group memberships or bind it by object id'
        : 'the token has too many groups to carry them (groups overage); AKS fetches the memberships from Microsoft Graph when it authenticates you',
    });
  }
  return w;
}

export function certificateWarnings(identity: AksIdentity): Warning[] {
  const w: Warning[] = [
    {
      code: 'LocalAccount',
      message: 'a client certificate is a local account: it bypasses Entra ID, cannot be revoked per user and is what AKS "--admin" credentials use; disable local accounts on the cluster when you can',
    },
  ];
  if (identity.groups.includes('system:masters')) w.push(clusterAdminWarning());
  return w;
}

export function clusterAdminWarning(): Warning {
  return { code: 'ClusterAdmin', message: 'this identity is in system:masters: it is allowed everything before RBAC or Azure RBAC are consulted' };
}

export function opaqueTokenWarning(): Warning {
  return { code: 'OpaqueToken', message: 'the token is not a JWT (a static or service-account secret token?): only the server can tell who it is' };
}

// Pure: puts together what `kubectl entra whoami` reports from what the gatherers found: the credential,
// its decoded token or certificate, group names, the groups fetched on overage, and the server's own view.
import type { Warning } from '../warnings.js';
import { type DecodedToken } from './claims.js';
import {
  certificateWarnings,
  clusterAdminWarning,
  identityFromCertificate,
  identityFromClaims,
  opaqueTokenWarning,
  tokenFacts,
  tokenWarnings,
  unknownIdentity,
  type AksIdentity,
  type TokenFacts,
} from './identity.js';

export interface CredentialView {
  source: 'token' | 'tokenFile' | 'exec' | 'authProvider' | 'clientCertificate' | 'basicAuth' | 'none';
  details: Record<string, unknown>;
  certificate?: { subject: string; commonName: string; organizations: string[]; issuer: string; notBefore: string; notAfter: string };
  expirationTimestamp?: string;
}

export interface ServerUserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra: Record<string, string[]>;
  apiVersion: string;
}

export type ServerOutcome =
  | { kind: 'ok'; userInfo: ServerUserInfo }
  | { kind: 'skipped'; reason: string }
  | { kind: 'unreachable'; message: string }
  | { kind: 'rejected'; message: string; status?: number };

export interface GroupNameLookup {
  names: Map<string, string>;
  /** Where the names came from. */
  from: 'graph' | 'file' | null;
  /** Why names are missing, when they are. */
  unavailable?: string;
}

export interface WhoamiInput {
  now: Date;
  context: { name: string; cluster: string; user: string; server: string | null; namespace: string };
  credential: CredentialView;
  /** Null for a certificate or when there is no token. */
  decoded: DecodedToken | null;
  groupNames: GroupNameLookup;
  /** Full membership fetched from Graph on overage; null when not fetched. */
  overageGroups: string[] | null;
  overageLookupError?: string;
  server: ServerOutcome;
}

export type GroupSource = 'token' | 'graph' | 'server' | 'certificate';

export interface GroupEntry {
  id: string;
  name: string | null;
  source: GroupSource;
}

export interface ServerView extends ServerUserInfo {
  /** Groups the server has that the credential did not carry (system:authenticated, groups fetched on overage). */
  addedGroups: string[];
  /** Groups the credential carried that the server does not report. */
  missingGroups: string[];
  usernameMatches: boolean;
}

export interface WhoamiResult {
  context: WhoamiInput['context'];
  credential: CredentialView;
  identity: AksIdentity;
  token: TokenFacts | null;
  groups: GroupEntry[];
  groupsOverage: boolean;
  groupNamesFrom: GroupNameLookup['from'];
  server: ServerView | null;
  serverStatus: ServerOutcome['kind'];
  warnings: Warning[];
}

export function buildWhoami(input: WhoamiInput): WhoamiResult {
  const warnings: Warning[] = [];
  let identity: AksIdentity;
  let facts: TokenFacts | null = null;

  if (input.decoded?.kind === 'jwt') {
    identity = identityFromClaims(input.decoded.claims);
    facts = tokenFacts(input.decoded.claims, input.now);
    warnings.push(...tokenWarnings(identity, facts));
  } else if (input.decoded?.kind === 'opaque') {
    identity = unknownIdentity();
    warnings.push(opaqueTokenWarning());
  } else if (input.credential.certificate) {
    identity = identityFromCertificate(input.credential.certificate);
    warnings.push(...certificateWarnings(identity));
  } else {
    identity = unknownIdentity();
    warnings.push({
      code: 'NoCredential',
      message:
        input.credential.source === 'basicAuth'
          ? 'the user has a username and password; AKS does not accept basic authentication'
          : 'the kubeconfig user has no credential; requests are anonymous',
    });
  }

  // The server's view, when there is one, is the truth for a certificate or an opaque token.
  const userInfo = input.server.kind === 'ok' ? input.server.userInfo : null;
  if ((identity.principalType === 'unknown' || identity.principalType === 'clientCertificate') && userInfo && !identity.username) {
    identity = { ...identity, username: userInfo.username, groups: userInfo.groups.filter((g) => !g.startsWith('system:authenticated')) };
  }

  const groups = groupEntries(identity, input, userInfo);
  if (identity.principalType !== 'clientCertificate' && groups.some((g) => g.id === 'system:masters')) warnings.push(clusterAdminWarning());
  if (userInfo && userInfo.groups.includes('system:masters') && !warnings.some((w) => w.code === 'ClusterAdmin')) warnings.push(clusterAdminWarning());

  const entraGroupIds = groups.filter((g) => isGuid(g.id)).map((g) => g.id);
  if (entraGroupIds.length > 0 && input.groupNames.unavailable && input.groupNames.names.size === 0) {
    warnings.push({ code: 'GroupNamesUnavailable', message: `group names are not shown: ${input.groupNames.unavailable}` });
  }
  if (identity.groupsOverage && input.overageGroups === null && !userInfo) {
    warnings.push({
      code: 'GroupsUnknown',
      message: `the groups of this overage token could not be listed${input.overageLookupError ? `: ${input.overageLookupError}` : ''}`,
    });
  }

  let server: ServerView | null = null;
  if (userInfo) {
    const credentialGroups = new Set(groups.filter((g) => g.source !== 'server').map((g) => g.id));
    const serverGroups = new Set(userInfo.groups);
    server = {
      ...userInfo,
      addedGroups: userInfo.groups.filter((g) => !credentialGroups.has(g)),
      missingGroups: [...credentialGroups].filter((g) => !serverGroups.has(g)),
      usernameMatches: identity.username === null || identity.username === userInfo.username,
    };
    if (!server.usernameMatches) {
      warnings.push({
        code: 'UsernameMismatch',
        message: `the server knows you as "${userInfo.username}", not "${identity.username}" as the credential suggests; bindings must name "${userInfo.username}"`,
      });
    }
  } else if (input.server.kind === 'unreachable') {
    warnings.push({ code: 'ServerUnreachable', message: `${input.server.message}; showing what the credential says` });
  } else if (input.server.kind === 'rejected') {
    warnings.push({ code: 'ServerRejected', message: input.server.message });
  }

  return {
    context: input.context,
    credential: input.credential,
    identity,
    token: facts,
    groups,
    groupsOverage: identity.groupsOverage,
    groupNamesFrom: input.groupNames.from,
    server,
    serverStatus: input.server.kind,
    warnings,
  };
}

function groupEntries(identity: AksIdentity, input: WhoamiInput, userInfo: ServerUserInfo | null): GroupEntry[] {
  const name = (id: string) => input.groupNames.names.get(id) ?? input.groupNames.names.get(id.toLowerCase()) ?? null;
  if (identity.principalType === 'clientCertificate') return identity.groups.map((id) => ({ id, name: null, source: 'certificate' }));
  if (identity.groupsOverage) {
    if (input.overageGroups) return input.overageGroups.map((id) => ({ id, name: name(id), source: 'graph' }));
    if (userInfo) return userInfo.groups.filter(isGuid).map((id) => ({ id, name: name(id), source: 'server' }));
    return [];
  }
  return identity.groups.map((id) => ({ id, name: name(id), source: 'token' }));
}

/** Entra group ids are GUIDs; system groups and certificate O= values are not. */
export function isGuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}

/** The group ids whose names are worth looking up in Graph. */
export function groupIdsToName(result: Pick<WhoamiResult, 'groups'>): string[] {
  return result.groups.map((g) => g.id).filter(isGuid);
}

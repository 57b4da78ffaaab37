// The subject a command asks about when the user gives no --as: the current credential's identity, as
// whoami derives it. Online, the server's SelfSubjectReview is the truth (it includes groups AKS fetched
// on overage); offline (-f manifests, --offline) the decoded credential stands in for it.
import type { GroupDirectory } from '../azure/client.js';
import { CredentialError, isEntraError } from '../errors.js';
import { decodeToken, MalformedTokenError } from '../identity/claims.js';
import { identityFromCertificate, identityFromClaims, type PrincipalType } from '../identity/identity.js';
import type { Session } from '../kube/session.js';
import { selfSubjectReview } from '../kube/self-subject-review.js';
import type { Warning } from '../warnings.js';

export interface CurrentSubject {
  user: string;
  groups: string[];
  /** extra.oid as AKS's authenticator sets it; SubjectAccessReview needs it for Azure RBAC. */
  extra: Record<string, string[]>;
  principalType: PrincipalType;
  from: 'server' | 'credential';
  warnings: Warning[];
}

export interface SubjectOptions {
  /** Ask the server who we are (a live question). */
  useServer: boolean;
  /**
   * Offline questions (-f) without --offline: an overage token carries no groups, so fetch them the way
   * AKS does (Graph getMemberObjects), else ask the server's SelfSubjectReview; never guess.
   */
  expandOverage?: GroupDirectory | null;
}

export async function currentSubject(session: Session, opts: SubjectOptions): Promise<CurrentSubject> {
  if (opts.useServer) {
    const u = await selfSubjectReview(await session.client());
    const local = await fromCredential(session).catch(() => null);
    return {
      user: u.username,
      groups: u.groups,
      extra: u.extra,
      principalType: local?.principalType ?? 'unknown',
      from: 'server',
      warnings: [],
    };
  }
  const local = await fromCredential(session);
  if (local.overage && opts.expandOverage) return expandOverage(session, local, opts.expandOverage);
  return local;
}

async function expandOverage(session: Session, local: CurrentSubject & { overage: boolean }, directory: GroupDirectory): Promise<CurrentSubject> {
  const oid = local.extra.oid?.[0];
  const reasons: string[] = [];
  if (oid) {
    try {
      const kind = local.principalType === 'servicePrincipal' || local.principalType === 'managedIdentity' ? 'servicePrincipal' : 'user';
      const groups = await directory.memberGroupIds(oid, kind);
      return { ...local, groups, warnings: [] };
    } catch (e) {
      reasons.push(`Graph: ${isEntraError(e) ? e.message : String(e)}`);
    }
  }
  try {
    const u = await selfSubjectReview(await session.client());
    return { ...local, user: u.username, groups: u.groups.filter((g) => g !== 'system:authenticated'), extra: u.extra, warnings: [] };
  } catch (e) {
    reasons.push(`server: ${isEntraError(e) ? e.message : String(e)}`);
  }
  return {
    ...local,
    warnings: [{ code: 'GroupsOverage', message: `the token carries no groups (overage) and they could not be fetched (${reasons.join('; ')}): group bindings are not considered; pass the groups with --as-group` }],
  };
}

async function fromCredential(session: Session): Promise<CurrentSubject & { overage: boolean }> {
  const cred = await session.credential();
  if (cred.source === 'clientCertificate' && cred.certificate) {
    const id = identityFromCertificate(cred.certificate);
    return { user: id.username ?? '', groups: id.groups, extra: {}, principalType: 'clientCertificate', from: 'credential', warnings: [], overage: false };
  }
  if (!cred.token) {
    throw new CredentialError('the current kubeconfig user has no credential to ask about; use --as USER [--as-group GROUP]');
  }
  let decoded;
  try {
    decoded = decodeToken(cred.token);
  } catch (e) {
    if (e instanceof MalformedTokenError) throw new CredentialError(e.message);
    throw e;
  }
  if (decoded.kind === 'opaque') {
    throw new CredentialError('the current token is not a JWT, so only the server can tell who it is; ask the cluster (drop --offline / -f) or use --as');
  }
  const id = identityFromClaims(decoded.claims);
  if (!id.username) throw new CredentialError('the current token has neither an upn nor an oid claim; use --as');
  const warnings: Warning[] = [];
  if (id.groupsOverage) {
    warnings.push({
      code: 'GroupsOverage',
      message: 'the token carries no groups (overage): group bindings are not considered; ask the cluster, or pass the groups with --as-group',
    });
  }
  return {
    user: id.username,
    groups: id.groups,
    extra: id.objectId ? { oid: [id.objectId] } : {},
    principalType: id.principalType,
    from: 'credential',
    warnings,
    overage: id.groupsOverage,
  };
}

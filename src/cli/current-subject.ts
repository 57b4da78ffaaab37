// The subject a command asks about when the user gives no --as: the current credential's identity, as
// whoami derives it. Online, the server's SelfSubjectReview is the truth (it includes groups AKS fetched
// on overage); offline (-f manifests, --offline) the decoded credential stands in for it.
import { CredentialError } from '../errors.js';
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

export async function currentSubject(session: Session, opts: { useServer: boolean }): Promise<CurrentSubject> {
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
  return fromCredential(session);
}

async function fromCredential(session: Session): Promise<CurrentSubject> {
  const cred = await session.credential();
  if (cred.source === 'clientCertificate' && cred.certificate) {
    const id = identityFromCertificate(cred.certificate);
    return { user: id.username ?? '', groups: id.groups, extra: {}, principalType: 'clientCertificate', from: 'credential', warnings: [] };
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
  };
}

// The RBAC engine's public face, for the CLI, the live gatherer and tests (the differential test against
// kube-apiserver uses `decide`). Build an RbacPolicy once per snapshot; ask it many questions.
import { authorize, isPrivileged, type RbacDecision } from './authorize.js';
import { RbacPolicy } from './policy.js';
import type { AccessRequest, RbacSnapshot } from './types.js';

export * from './types.js';
export { RbacPolicy } from './policy.js';
export { authorize, isPrivileged, allowedOffline, describeBinding, type GrantPath, type RbacDecision, type ResolutionError } from './authorize.js';
export { ruleAllows, verbMatches, apiGroupMatches, resourceMatches, resourceNameMatches, nonResourceURLMatches } from './match.js';
export { impersonatedGroups, subjectAppliesTo } from './subjects.js';
export { resolveClusterRoles } from './aggregation.js';
export { snapshotFromObjects } from './snapshot.js';
export { explainAccess, type ExplainResult, type ServerVerdict } from './explain.js';
export { listAccess } from './list.js';
export { whoCan } from './who-can.js';
export { parseTarget } from './resources.js';

export interface Decision {
  /** What kube-apiserver's system:masters check plus the RBAC authorizer answer (no other authorizer). */
  allowed: boolean;
  /** Allowed because of system:masters, before RBAC. */
  privileged: boolean;
  rbac: RbacDecision;
}

/**
 * One question against a snapshot (or a policy built from one). The request's groups are used exactly as
 * given, as a SubjectAccessReview does; add the implicit groups with impersonatedGroups() when asking about
 * an authenticated or --as identity.
 */
export function decide(snapshotOrPolicy: RbacSnapshot | RbacPolicy, request: AccessRequest): Decision {
  const policy = snapshotOrPolicy instanceof RbacPolicy ? snapshotOrPolicy : new RbacPolicy(snapshotOrPolicy);
  const rbac = authorize(policy, request);
  const privileged = isPrivileged(request.groups);
  return { allowed: privileged || rbac.allowed, privileged, rbac };
}

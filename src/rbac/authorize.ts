// The RBAC verdict with every grant path. The authorizer stops at the first rule that allows; we keep
// walking so an explanation can show all paths, but the verdict and the first path's reason are the
// authorizer's. Resolution errors (missing roles) are recorded and the binding skipped, as upstream.
// system:masters is allowed before RBAC is consulted; that is reported beside the RBAC verdict.
import { ruleAllows } from './match.js';
import type { ApplicableBinding, RbacPolicy } from './policy.js';
import { MASTERS, describeSubject, goQuote } from './subjects.js';
import { isResourceRequest, type AccessRequest, type BindingRef, type PolicyRule, type RoleRefShown, type Subject } from './types.js';

export interface GrantPath {
  binding: BindingRef;
  /** The binding's subject entry that matched the identity (the first one that did, as upstream). */
  subject: Subject;
  role: RoleRefShown;
  /** For an aggregated ClusterRole: the source ClusterRole that contributed the rule. */
  aggregatedFrom?: string;
  ruleIndex: number;
  rule: PolicyRule;
  /** Upstream wording: `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to Group "z"`. */
  reason: string;
}

export interface ResolutionError {
  binding: BindingRef;
  message: string;
}

export interface RbacDecision {
  allowed: boolean;
  /** The authorizer's reason: the first grant path's, or the resolution errors when nothing allows. */
  reason: string;
  matches: GrantPath[];
  errors: ResolutionError[];
}

/** `ClusterRoleBinding "x" of ClusterRole "y" to Group "z"` / `RoleBinding "rb/ns" of Role "r" to User "u"`. */
export function describeBinding(ab: Pick<ApplicableBinding, 'binding' | 'ref' | 'subject'>): string {
  const ns = ab.ref.kind === 'RoleBinding' ? ab.ref.namespace ?? '' : '';
  const name = ab.ref.kind === 'RoleBinding' ? `${ab.ref.name}/${ns}` : ab.ref.name;
  const rr = ab.binding.roleRef;
  return `${ab.ref.kind} ${goQuote(name)} of ${rr.kind} ${goQuote(rr.name)} to ${describeSubject(ab.subject, ns)}`;
}

export function grantPathsOf(ab: ApplicableBinding, req: AccessRequest): GrantPath[] {
  const out: GrantPath[] = [];
  if (!ab.resolved) return out;
  const rules = ab.resolved.rules;
  for (let i = 0; i < rules.length; i++) {
    if (!ruleAllows(req, rules[i])) continue;
    const path: GrantPath = {
      binding: ab.ref,
      subject: ab.subject,
      role: ab.resolved.role,
      ruleIndex: i,
      rule: rules[i],
      reason: `RBAC: allowed by ${describeBinding(ab)}`,
    };
    const src = ab.resolved.sources?.[i];
    if (src !== undefined) path.aggregatedFrom = src;
    out.push(path);
  }
  return out;
}

export function authorize(policy: RbacPolicy, req: AccessRequest): RbacDecision {
  const matches: GrantPath[] = [];
  const errors: ResolutionError[] = [];
  // A non-resource request has no namespace (a SubjectAccessReview cannot give one), so only
  // ClusterRoleBindings can grant it.
  for (const ab of policy.applicableBindings(req, isResourceRequest(req) ? req.namespace : '')) {
    if (ab.error !== undefined) errors.push({ binding: ab.ref, message: ab.error });
    else matches.push(...grantPathsOf(ab, req));
  }
  const allowed = matches.length > 0;
  let reason = '';
  if (allowed) reason = matches[0].reason;
  else if (errors.length === 1) reason = `RBAC: ${errors[0].message}`;
  else if (errors.length > 1) reason = `RBAC: [${errors.map((e) => e.message).join(', ')}]`;
  return { allowed, reason, matches, errors };
}

/** Whether the identity is in the group the API server allows everything before any authorizer. */
export function isPrivileged(groups: string[]): boolean {
  return groups.includes(MASTERS);
}

/** The whole server-side chain we can reproduce offline: system:masters, then RBAC. */
export function allowedOffline(policy: RbacPolicy, req: AccessRequest): boolean {
  return isPrivileged(req.groups) || authorize(policy, req).allowed;
}

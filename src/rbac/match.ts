// Rule matching, one function per dimension, with the Kubernetes RBAC authorizer's exact semantics:
// `*` is the only wildcard (except a trailing `*` in non-resource URLs and `*/<sub>` for subresources),
// comparisons are case-sensitive, and an empty list matches nothing (resourceNames: empty matches all).
import { isResourceRequest, type AccessRequest, type PolicyRule } from './types.js';

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  for (const v of rule.verbs ?? []) if (v === '*' || v === verb) return true;
  return false;
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  for (const g of rule.apiGroups ?? []) if (g === '*' || g === group) return true;
  return false;
}

/** `combined` is `resource` or `resource/subresource`. */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true;
    if (subresource === '') continue;
    // Only exactly "*/<subresource>" covers a subresource of every resource.
    if (r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)) return true;
  }
  return false;
}

export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  if (names.length === 0) return true;
  for (const n of names) if (n === name) return true;
  return false;
}

export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))) return true;
  }
  return false;
}

export function combinedResource(req: Pick<AccessRequest, 'resource' | 'subresource'>): string {
  return req.subresource ? `${req.resource}/${req.subresource}` : req.resource;
}

/** Whether one rule allows the request: the heart of the authorizer. */
export function ruleAllows(req: AccessRequest, rule: PolicyRule): boolean {
  if (isResourceRequest(req)) {
    return (
      verbMatches(rule, req.verb) &&
      apiGroupMatches(rule, req.apiGroup) &&
      resourceMatches(rule, combinedResource(req), req.subresource) &&
      resourceNameMatches(rule, req.name)
    );
  }
  return verbMatches(rule, req.verb) && nonResourceURLMatches(rule, req.nonResourceURL ?? '');
}

/** A dimension of a rule that can fail to match; `subresource` means the rule covers the resource but not this subresource. */
export type Dimension = 'verb' | 'apiGroup' | 'resource' | 'subresource' | 'resourceName' | 'nonResourceURL';

/** Which dimensions of the rule fail for this request (empty when the rule allows it). Used for near misses. */
export function missingDimensions(req: AccessRequest, rule: PolicyRule): Dimension[] {
  const out: Dimension[] = [];
  if (!verbMatches(rule, req.verb)) out.push('verb');
  if (!isResourceRequest(req)) {
    if (!nonResourceURLMatches(rule, req.nonResourceURL ?? '')) out.push('nonResourceURL');
    return out;
  }
  if (!apiGroupMatches(rule, req.apiGroup)) out.push('apiGroup');
  if (!resourceMatches(rule, combinedResource(req), req.subresource)) {
    const coversParent = req.subresource !== '' && resourceMatches(rule, req.resource, '');
    out.push(coversParent ? 'subresource' : 'resource');
  }
  if (!resourceNameMatches(rule, req.name)) out.push('resourceName');
  return out;
}

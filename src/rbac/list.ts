// `--list`: everything an identity may do in a namespace (like `kubectl auth can-i --list`), one entry per
// granted rule with the binding that grants it. RBAC alone: other authorizers are not visible here.
import type { ResolutionError } from './authorize.js';
import type { RbacPolicy } from './policy.js';
import { ruleRisks, type RiskNote } from './risks.js';
import type { BindingRef, PolicyRule, RoleRefShown, Subject, UserInfo } from './types.js';

export interface ListEntry {
  binding: BindingRef;
  subject: Subject;
  role: RoleRefShown;
  ruleIndex: number;
  rule: PolicyRule;
  aggregatedFrom?: string;
  risks: RiskNote[];
}

export interface AccessList {
  entries: ListEntry[];
  errors: ResolutionError[];
}

export function listAccess(policy: RbacPolicy, who: UserInfo, namespace: string): AccessList {
  const entries: ListEntry[] = [];
  const errors: ResolutionError[] = [];
  for (const ab of policy.applicableBindings(who, namespace)) {
    if (!ab.resolved) {
      errors.push({ binding: ab.ref, message: ab.error ?? 'unresolved' });
      continue;
    }
    ab.resolved.rules.forEach((rule, i) => {
      const e: ListEntry = { binding: ab.ref, subject: ab.subject, role: ab.resolved!.role, ruleIndex: i, rule, risks: ruleRisks(rule) };
      const src = ab.resolved!.sources?.[i];
      if (src !== undefined) e.aggregatedFrom = src;
      entries.push(e);
    });
  }
  return { entries, errors };
}

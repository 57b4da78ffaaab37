// The reverse question: every subject that may do VERB on TYPE, with the binding, role and rule that
// grant it. Looks at every ClusterRoleBinding and at the RoleBindings of the request's namespace (or of
// every namespace with allNamespaces, each grant then holding only inside its binding's namespace).
// Subjects that can never match (a ClusterRoleBinding's ServiceAccount without a namespace, unknown kinds)
// are reported with a note instead of being silently dropped.
import type { ResolutionError } from './authorize.js';
import { ruleAllows } from './match.js';
import type { AnyBinding, RbacPolicy } from './policy.js';
import { MASTERS } from './subjects.js';
import { isResourceRequest, type AccessRequest, type BindingRef, type PolicyRule, type RoleRefShown, type Subject } from './types.js';

export interface WhoCanEntry {
  /** The subject as the binding names it, with a ServiceAccount's namespace filled in from a RoleBinding. */
  subject: Subject;
  binding: BindingRef;
  role: RoleRefShown;
  ruleIndex: number;
  rule: PolicyRule;
  aggregatedFrom?: string;
  /** Where the grant holds: "" for everywhere (ClusterRoleBinding), else the RoleBinding's namespace. */
  scope: string;
  /** Set when this subject entry matches nobody. */
  note?: string;
}

export interface WhoCanResult {
  entries: WhoCanEntry[];
  errors: ResolutionError[];
  /** Groups allowed everything before RBAC. */
  privilegedGroups: string[];
}

export function whoCan(policy: RbacPolicy, req: Omit<AccessRequest, 'user' | 'groups'>, opts: { allNamespaces?: boolean } = {}): WhoCanResult {
  const entries: WhoCanEntry[] = [];
  const errors: ResolutionError[] = [];
  const probe: AccessRequest = { ...req, user: '', groups: [] };

  const visit = (b: AnyBinding, ref: BindingRef, ns: string): void => {
    const r = policy.resolveRoleRef(b.roleRef, ns);
    if ('error' in r) {
      errors.push({ binding: ref, message: r.error });
      return;
    }
    const i = r.rules.findIndex((rule) => ruleAllows({ ...probe, namespace: ns || probe.namespace }, rule));
    if (i < 0) return;
    for (const s of b.subjects ?? []) {
      const subject: Subject = s.kind === 'ServiceAccount' && !s.namespace && ns ? { ...s, namespace: ns } : { ...s };
      const e: WhoCanEntry = { subject, binding: ref, role: r.role, ruleIndex: i, rule: r.rules[i], scope: ns };
      const src = r.sources?.[i];
      if (src !== undefined) e.aggregatedFrom = src;
      if (s.kind === 'ServiceAccount' && !s.namespace && !ns) e.note = 'a ServiceAccount subject without a namespace in a ClusterRoleBinding matches nothing';
      else if (!['User', 'Group', 'ServiceAccount'].includes(s.kind)) e.note = `subject kind "${s.kind}" matches nothing`;
      entries.push(e);
    }
  };

  for (const b of policy.clusterRoleBindings) visit(b, { kind: 'ClusterRoleBinding', name: b.metadata.name }, '');
  // RoleBindings never grant non-resource URLs (such requests have no namespace).
  const namespaces = !isResourceRequest(probe) ? [] : opts.allNamespaces ? policy.namespacesWithBindings() : req.namespace ? [req.namespace] : [];
  for (const ns of namespaces) {
    for (const b of policy.roleBindingsIn(ns)) visit(b, { kind: 'RoleBinding', namespace: ns, name: b.metadata.name }, ns);
  }
  return { entries, errors, privilegedGroups: [MASTERS] };
}

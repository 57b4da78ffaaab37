// When RBAC says no: the near misses a person wants to see. A binding that would grant this in another
// namespace; a rule of a binding that applies which lacks only one thing (verb, subresource,
// resourceName, apiGroup, URL); a binding to a missing role; a ClusterRoleBinding to a Role; a
// ClusterRoleBinding naming this service account without a namespace.
import { describeBinding } from './authorize.js';
import { missingDimensions, ruleAllows, type Dimension } from './match.js';
import type { ApplicableBinding, RbacPolicy } from './policy.js';
import { parseServiceAccountUser } from './subjects.js';
import { isResourceRequest, type AccessRequest, type BindingRef, type PolicyRule, type RoleRefShown, type Subject } from './types.js';

export type NearMissKind = 'OtherNamespace' | 'RuleLacks' | 'MissingRole' | 'ClusterRoleBindingToRole' | 'ServiceAccountWithoutNamespace';

export interface NearMiss {
  kind: NearMissKind;
  message: string;
  binding: BindingRef;
  subject?: Subject;
  role?: RoleRefShown;
  ruleIndex?: number;
  rule?: PolicyRule;
  aggregatedFrom?: string;
  /** RuleLacks: the one dimension the rule does not cover. */
  missing?: Dimension;
  /** OtherNamespace: where the binding grants it. */
  namespace?: string;
}

const MAX_RULE_LACKS = 10;
const MAX_OTHER_NAMESPACES = 10;

function bindingName(ref: BindingRef): string {
  return ref.kind === 'RoleBinding' ? `RoleBinding ${ref.namespace}/${ref.name}` : `ClusterRoleBinding ${ref.name}`;
}

function roleName(r: RoleRefShown): string {
  return `${r.kind} ${r.name}`;
}

const lacks: Record<Dimension, (req: AccessRequest) => string> = {
  verb: (r) => `verb "${r.verb}"`,
  apiGroup: (r) => `API group "${r.apiGroup}"${r.apiGroup === '' ? ' (core)' : ''}`,
  resource: (r) => `resource "${r.resource}"`,
  subresource: (r) => `subresource "${r.resource}/${r.subresource}" (it covers "${r.resource}" only)`,
  resourceName: (r) => (r.name === '' ? `a request without a name (the rule lists resourceNames; ${r.verb} has no name)` : `name "${r.name}"`),
  nonResourceURL: (r) => `URL "${r.nonResourceURL}"`,
};

export function nearMisses(policy: RbacPolicy, req: AccessRequest, applicable: ApplicableBinding[]): NearMiss[] {
  const out: NearMiss[] = [];

  // Bindings that apply but point at nothing.
  for (const ab of applicable) {
    if (ab.error === undefined) continue;
    const isCrbToRole = ab.ref.kind === 'ClusterRoleBinding' && ab.binding.roleRef.kind === 'Role';
    out.push({
      kind: isCrbToRole ? 'ClusterRoleBindingToRole' : 'MissingRole',
      binding: ab.ref,
      subject: ab.subject,
      role: { kind: ab.binding.roleRef.kind, name: ab.binding.roleRef.name, ...(ab.ref.namespace ? { namespace: ab.ref.namespace } : {}) },
      message: isCrbToRole
        ? `${bindingName(ab.ref)} binds you to Role "${ab.binding.roleRef.name}", but a ClusterRoleBinding can only refer to a ClusterRole, so it grants nothing`
        : `${bindingName(ab.ref)} binds you to ${ab.binding.roleRef.kind} "${ab.binding.roleRef.name}", which does not exist (${ab.error})`,
    });
  }

  // RoleBindings for this identity that grant it in other namespaces.
  if (isResourceRequest(req)) {
    let others = 0;
    const seen = new Set<string>();
    for (const ab of policy.applicableRoleBindingsAnywhere(req)) {
      const ns = ab.ref.namespace ?? '';
      if (ns === req.namespace || seen.has(ns) || !ab.resolved || others >= MAX_OTHER_NAMESPACES) continue;
      const there = { ...req, namespace: ns };
      const i = ab.resolved.rules.findIndex((r) => ruleAllows(there, r));
      if (i < 0) continue;
      // One binding per namespace is enough to point there.
      seen.add(ns);
      others++;
      out.push({
        kind: 'OtherNamespace',
        binding: ab.ref,
        subject: ab.subject,
        role: ab.resolved.role,
        ruleIndex: i,
        rule: ab.resolved.rules[i],
        namespace: ns,
        message:
          req.namespace === ''
            ? `${describeBinding(ab)} grants this only inside namespace "${ns}", not cluster-wide`
            : `${describeBinding(ab)} grants this in namespace "${ns}", not in "${req.namespace}"`,
      });
    }
  }

  // Rules that lack exactly one thing.
  let ruleLacks = 0;
  for (const ab of applicable) {
    if (!ab.resolved) continue;
    ab.resolved.rules.forEach((rule, i) => {
      const miss = missingDimensions(req, rule);
      // A rule for some other resource altogether is not "near"; one short of a verb, subresource, name or group is.
      if (miss.length !== 1 || miss[0] === 'resource' || ruleLacks >= MAX_RULE_LACKS) return;
      ruleLacks++;
      const nm: NearMiss = {
        kind: 'RuleLacks',
        binding: ab.ref,
        subject: ab.subject,
        role: ab.resolved!.role,
        ruleIndex: i,
        rule,
        missing: miss[0],
        message: `${roleName(ab.resolved!.role)} (via ${bindingName(ab.ref)}) rule ${i} matches everything but ${lacks[miss[0]](req)}`,
      };
      const src = ab.resolved!.sources?.[i];
      if (src !== undefined) nm.aggregatedFrom = src;
      out.push(nm);
    });
  }

  // A ClusterRoleBinding naming this service account without a namespace matches nothing.
  const sa = parseServiceAccountUser(req.user);
  if (sa) {
    for (const b of policy.clusterRoleBindings) {
      const s = (b.subjects ?? []).find((x) => x.kind === 'ServiceAccount' && !x.namespace && x.name === sa.name);
      if (!s) continue;
      out.push({
        kind: 'ServiceAccountWithoutNamespace',
        binding: { kind: 'ClusterRoleBinding', name: b.metadata.name },
        subject: s,
        message: `ClusterRoleBinding ${b.metadata.name} names ServiceAccount "${s.name}" without a namespace, which matches no service account (add namespace: ${sa.namespace})`,
      });
    }
  }
  return out;
}

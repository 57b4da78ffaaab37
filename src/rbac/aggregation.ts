// Aggregated ClusterRoles. On a live cluster the aggregation controller has already written their rules;
// in manifests nobody has, so we do what the controller does: for each selector, the matching ClusterRoles
// sorted by name (never the role itself), their rules appended unless an equal rule is already there.
// The controller writes with server-side apply, so an empty result leaves the role's own rules in place.
// Nested aggregation converges the way the controller's repeated syncs do: repeat until nothing changes.
// Either way we record which source ClusterRole contributed each rule, for explanations.
import { compileSelector, type LabelMatcher } from './selectors.js';
import type { ClusterRole, PolicyRule } from './types.js';

export interface ResolvedClusterRole {
  role: ClusterRole;
  rules: PolicyRule[];
  /** For an aggregated role, per rule: the ClusterRole that contributed it (the original one, through nesting). */
  sources?: Array<string | undefined>;
}

export interface AggregationResult {
  byName: Map<string, ResolvedClusterRole>;
  /** Problems found: invalid selectors, no convergence. */
  problems: Array<{ role: string; message: string }>;
}

const list = (a: string[] | undefined): string[] => a ?? [];
function sameList(a: string[] | undefined, b: string[] | undefined): boolean {
  const x = list(a);
  const y = list(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Equality as apimachinery's semantic DeepEqual sees two rules: a missing list equals an empty one. */
export function rulesEqual(a: PolicyRule, b: PolicyRule): boolean {
  return (
    sameList(a.verbs, b.verbs) &&
    sameList(a.apiGroups, b.apiGroups) &&
    sameList(a.resources, b.resources) &&
    sameList(a.resourceNames, b.resourceNames) &&
    sameList(a.nonResourceURLs, b.nonResourceURLs)
  );
}

function ruleListsEqual(a: PolicyRule[], b: PolicyRule[]): boolean {
  return a.length === b.length && a.every((r, i) => rulesEqual(r, b[i]));
}

export function resolveClusterRoles(clusterRoles: ClusterRole[], mode: 'server' | 'compute'): AggregationResult {
  const byName = new Map<string, ResolvedClusterRole>();
  for (const role of clusterRoles) byName.set(role.metadata.name, { role, rules: role.rules ?? [] });
  const problems: AggregationResult['problems'] = [];
  const sorted = [...byName.values()].sort((a, b) => (a.role.metadata.name < b.role.metadata.name ? -1 : a.role.metadata.name > b.role.metadata.name ? 1 : 0));

  const aggregated: Array<{ target: ResolvedClusterRole; selectors: LabelMatcher[] }> = [];
  for (const r of sorted) {
    const rule = r.role.aggregationRule;
    if (!rule) continue;
    try {
      aggregated.push({ target: r, selectors: (rule.clusterRoleSelectors ?? []).map(compileSelector) });
    } catch (e) {
      problems.push({ role: r.role.metadata.name, message: `invalid aggregationRule selector: ${(e as Error).message}` });
    }
  }
  if (aggregated.length === 0) return { byName, problems };

  const gather = (target: ResolvedClusterRole, selectors: LabelMatcher[]): { rules: PolicyRule[]; sources: Array<string | undefined> } => {
    const rules: PolicyRule[] = [];
    const sources: Array<string | undefined> = [];
    for (const sel of selectors) {
      for (const src of sorted) {
        if (src === target || !sel(src.role.metadata.labels)) continue;
        src.rules.forEach((r, i) => {
          if (rules.some((have) => rulesEqual(have, r))) return;
          rules.push(r);
          sources.push(src.sources?.[i] ?? src.role.metadata.name);
        });
      }
    }
    return { rules, sources };
  };

  if (mode === 'compute') {
    const limit = aggregated.length + 10;
    let changed = true;
    let rounds = 0;
    while (changed && rounds < limit) {
      changed = false;
      rounds++;
      for (const { target, selectors } of aggregated) {
        const next = gather(target, selectors);
        if (next.rules.length === 0) continue;
        if (!ruleListsEqual(next.rules, target.rules)) changed = true;
        target.rules = next.rules;
        target.sources = next.sources;
      }
    }
    if (changed) problems.push({ role: aggregated.map((a) => a.target.role.metadata.name).join(','), message: 'aggregation did not converge (a selector cycle?)' });
  }

  // Provenance only: the rules stay as given (live) or as computed above.
  for (const { target, selectors } of aggregated) {
    const found = gather(target, selectors);
    target.sources = target.rules.map((r) => {
      const i = found.rules.findIndex((f) => rulesEqual(f, r));
      return i >= 0 ? found.sources[i] : undefined;
    });
  }
  return { byName, problems };
}

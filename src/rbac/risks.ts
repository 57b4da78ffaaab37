// Risk notes on granted rules: the permissions reviewers look for first. A rule restricted by
// resourceNames is still flagged (it grants the dangerous verb on some objects).
import { apiGroupMatches, resourceMatches, verbMatches } from './match.js';
import type { PolicyRule } from './types.js';

export interface RiskNote {
  code: 'Wildcard' | 'ReadSecrets' | 'PodExec' | 'Impersonate' | 'BindEscalate' | 'NodeProxy' | 'SystemMasters';
  message: string;
}

function covers(rule: PolicyRule, verbs: string[], group: string, resources: string[]): boolean {
  if (!verbs.some((v) => verbMatches(rule, v)) || !apiGroupMatches(rule, group)) return false;
  return resources.some((r) => {
    const [res, sub = ''] = r.split('/');
    return resourceMatches(rule, sub ? `${res}/${sub}` : res, sub);
  });
}

export function ruleRisks(rule: PolicyRule): RiskNote[] {
  const out: RiskNote[] = [];
  const star = (l: string[] | undefined): boolean => (l ?? []).includes('*');
  if (star(rule.verbs) || star(rule.resources) || star(rule.apiGroups) || star(rule.nonResourceURLs)) {
    out.push({ code: 'Wildcard', message: 'uses "*": grants everything of that kind, including resources and verbs added later' });
  }
  if (covers(rule, ['get', 'list', 'watch'], '', ['secrets'])) {
    out.push({ code: 'ReadSecrets', message: 'can read Secrets (list and watch return their data too)' });
  }
  if (covers(rule, ['create', 'get'], '', ['pods/exec', 'pods/attach'])) {
    out.push({ code: 'PodExec', message: 'can run commands in containers (pods/exec or pods/attach)' });
  }
  if (verbMatches(rule, 'impersonate') && (rule.resources ?? []).some((r) => r === '*' || /^(users|groups|serviceaccounts|uids|userextras)(\/|$)/.test(r))) {
    out.push({ code: 'Impersonate', message: 'can act as other users, groups or service accounts' });
  }
  if (covers(rule, ['bind', 'escalate'], 'rbac.authorization.k8s.io', ['roles', 'clusterroles'])) {
    out.push({ code: 'BindEscalate', message: 'can grant permissions it does not hold (bind or escalate on roles)' });
  }
  if (covers(rule, ['get', 'create'], '', ['nodes/proxy'])) {
    out.push({ code: 'NodeProxy', message: "can reach kubelets' APIs through nodes/proxy (which includes running commands in pods)" });
  }
  return out;
}

export const SYSTEM_MASTERS_RISK: RiskNote = {
  code: 'SystemMasters',
  message: 'member of system:masters: every request is allowed before RBAC or any other authorizer is asked, and no binding can take it away',
};

/** Distinct notes, first occurrence first. */
export function mergeRisks(lists: RiskNote[][]): RiskNote[] {
  const seen = new Set<string>();
  const out: RiskNote[] = [];
  for (const l of lists) for (const r of l) if (!seen.has(r.code)) (seen.add(r.code), out.push(r));
  return out;
}

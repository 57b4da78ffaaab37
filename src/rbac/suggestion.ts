// The smallest fix for a denied request, as kubectl commands. In order of preference: create the Role a
// RoleBinding already points at; add the one missing verb to a namespaced Role whose rule lacks only that;
// bind an existing ClusterRole that allows the request (not a system: one; the one with the fewest rules
// and no wildcards); else create a Role (or ClusterRole) for exactly this request and bind it.
import { ruleAllows } from './match.js';
import type { NearMiss } from './near-misses.js';
import type { RbacPolicy } from './policy.js';
import { qualifiedResource } from './resources.js';
import { parseServiceAccountUser } from './subjects.js';
import { mergeRisks, ruleRisks, type RiskNote } from './risks.js';
import { isResourceRequest, type AccessRequest, type PolicyRule } from './types.js';

export interface FixSuggestion {
  summary: string;
  commands: string[];
  /** What the fix would grant that reviewers look for (reading Secrets, exec, ...). */
  risks: RiskNote[];
}

/** Quotes a shell word only when it needs it. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function dnsName(...parts: string[]): string {
  const n = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return (n.slice(0, 63).replace(/[-.]+$/, '') || 'access');
}

function subjectFlag(user: string): { flag: string; short: string } {
  const sa = parseServiceAccountUser(user);
  if (sa) return { flag: `--serviceaccount=${sa.namespace}:${sa.name}`, short: sa.name };
  const short = user.includes('@') ? user.split('@')[0] : user.length > 20 ? user.slice(0, 8) : user;
  return { flag: `--user=${user}`, short };
}

function ruleFlags(req: AccessRequest): string[] {
  if (!isResourceRequest(req)) return [`--verb=${req.verb}`, `--non-resource-url=${req.nonResourceURL ?? ''}`];
  const res = qualifiedResource(req.resource, req.apiGroup);
  // kubectl create role reads RESOURCE.GROUP/SUBRESOURCE.
  const flags = [`--verb=${req.verb}`, `--resource=${req.subresource ? `${res}/${req.subresource}` : res}`];
  if (req.name) flags.push(`--resource-name=${req.name}`);
  return flags;
}

const cmd = (words: string[]): string => words.map(shellWord).join(' ');

/** The rule that grants exactly this request. */
function exactRule(req: AccessRequest): PolicyRule {
  if (!isResourceRequest(req)) return { verbs: [req.verb], nonResourceURLs: [req.nonResourceURL ?? ''] };
  return { verbs: [req.verb], apiGroups: [req.apiGroup], resources: [req.subresource ? `${req.resource}/${req.subresource}` : req.resource], ...(req.name ? { resourceNames: [req.name] } : {}) };
}

export function suggestFix(policy: RbacPolicy, req: AccessRequest, misses: NearMiss[]): FixSuggestion | null {
  const fix = suggestCommands(policy, req, misses);
  if (!fix) return null;
  const { grants, ...rest } = fix;
  return { ...rest, risks: mergeRisks((grants ?? [exactRule(req)]).map(ruleRisks)) };
}

/** `grants`: the rules the fix hands out, when more than exactly this request (binding an existing role). */
function suggestCommands(policy: RbacPolicy, req: AccessRequest, misses: NearMiss[]): (Omit<FixSuggestion, 'risks'> & { grants?: PolicyRule[] }) | null {
  const who = subjectFlag(req.user);
  const ns = req.namespace;
  const namespaced = isResourceRequest(req) && ns !== '';

  // 1. A RoleBinding in this namespace already points at a Role that does not exist.
  const missing = misses.find((m) => m.kind === 'MissingRole' && m.binding.kind === 'RoleBinding' && m.role?.kind === 'Role' && m.binding.namespace === ns);
  if (missing && namespaced) {
    return {
      summary: `create the Role "${missing.role!.name}" that RoleBinding ${ns}/${missing.binding.name} already refers to`,
      commands: [cmd(['kubectl', 'create', 'role', missing.role!.name, ...ruleFlags(req), '-n', ns])],
    };
  }

  // 2. A namespaced Role's rule lacks only the verb.
  const verbOnly = misses.find((m) => m.kind === 'RuleLacks' && m.missing === 'verb' && m.role?.kind === 'Role');
  if (verbOnly) {
    const patch = JSON.stringify([{ op: 'add', path: `/rules/${verbOnly.ruleIndex}/verbs/-`, value: req.verb }]);
    return {
      summary: `add verb "${req.verb}" to rule ${verbOnly.ruleIndex} of Role ${verbOnly.role!.namespace}/${verbOnly.role!.name}`,
      commands: [cmd(['kubectl', 'patch', 'role', verbOnly.role!.name, '-n', verbOnly.role!.namespace ?? ns, '--type=json', '-p', patch])],
    };
  }

  // 3. An existing ClusterRole already allows exactly this: bind it.
  const candidates = policy
    .allClusterRoles()
    // system: roles belong to the cluster's own components; never suggest binding people to them.
    .filter((cr) => !cr.role.metadata.name.startsWith('system:') && cr.rules.some((r) => ruleAllows(req, r)))
    .map((cr) => ({ name: cr.role.metadata.name, rules: cr.rules, size: cr.rules.length, wild: cr.rules.some((r) => [r.verbs, r.resources, r.apiGroups].some((l) => (l ?? []).includes('*'))) }))
    .sort((a, b) => Number(a.wild) - Number(b.wild) || a.size - b.size || (a.name < b.name ? -1 : 1));
  const best = candidates[0];
  if (best && !best.wild) {
    const bindingName = dnsName(who.short, best.name);
    return namespaced
      ? {
          summary: `bind the existing ClusterRole "${best.name}" in namespace ${ns}`,
          grants: best.rules,
          commands: [cmd(['kubectl', 'create', 'rolebinding', bindingName, `--clusterrole=${best.name}`, who.flag, '-n', ns])],
        }
      : {
          summary: `bind the existing ClusterRole "${best.name}" cluster-wide`,
          grants: best.rules,
          commands: [cmd(['kubectl', 'create', 'clusterrolebinding', bindingName, `--clusterrole=${best.name}`, who.flag])],
        };
  }

  // 4. Create a role for exactly this request.
  const what = isResourceRequest(req) ? (req.subresource ? `${req.resource}-${req.subresource}` : req.resource) : 'nonresource';
  const roleName = dnsName(req.verb === '*' ? 'all' : req.verb, what === '*' ? 'all' : what);
  const bindingName = dnsName(who.short, roleName);
  if (namespaced) {
    return {
      summary: `create a Role for exactly this request in namespace ${ns} and bind it`,
      commands: [
        cmd(['kubectl', 'create', 'role', roleName, ...ruleFlags(req), '-n', ns]),
        cmd(['kubectl', 'create', 'rolebinding', bindingName, `--role=${roleName}`, who.flag, '-n', ns]),
      ],
    };
  }
  return {
    summary: 'create a ClusterRole for exactly this request and bind it cluster-wide',
    commands: [
      cmd(['kubectl', 'create', 'clusterrole', roleName, ...ruleFlags(req)]),
      cmd(['kubectl', 'create', 'clusterrolebinding', bindingName, `--clusterrole=${roleName}`, who.flag]),
    ],
  };
}

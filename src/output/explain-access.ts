// Renders an explain-access answer: a readable explanation (grant paths, near misses, the smallest fix,
// risks, the server's view) for people, or the ExplainResult itself as JSON / YAML for tools. Pure.
import type { ExplainResult, ShownSubject } from '../rbac/explain.js';
import type { PolicyRule, RoleRefShown, BindingRef } from '../rbac/types.js';
import { painter, toJson, toYaml, type OutputFormat, type Style } from './format.js';

export function renderExplain(result: ExplainResult, format: OutputFormat, style: Style = { color: false }): string {
  if (format === 'json') return toJson(result);
  if (format === 'yaml') return toYaml(result);
  return explainText(result, style);
}

/** `{verbs: get, list | resources: pods, deployments | apiGroups: "", apps | names: a}` in one line. */
export function ruleText(rule: PolicyRule): string {
  const parts: string[] = [];
  const q = (l: string[] | undefined): string => (l ?? []).map((g) => (g === '' ? '""' : g)).join(', ');
  parts.push(`verbs: ${(rule.verbs ?? []).join(', ') || '(none)'}`);
  if (rule.nonResourceURLs?.length) parts.push(`urls: ${rule.nonResourceURLs.join(', ')}`);
  if (rule.resources?.length || rule.apiGroups?.length) {
    parts.push(`resources: ${(rule.resources ?? []).join(', ') || '(none)'}`);
    parts.push(`apiGroups: ${q(rule.apiGroups) || '(none)'}`);
  }
  if (rule.resourceNames?.length) parts.push(`names: ${rule.resourceNames.join(', ')}`);
  return parts.join(' | ');
}

export function bindingText(b: BindingRef): string {
  return b.kind === 'RoleBinding' ? `RoleBinding ${b.namespace}/${b.name}` : `ClusterRoleBinding ${b.name}`;
}

export function roleText(r: RoleRefShown): string {
  return r.kind === 'Role' && r.namespace ? `Role ${r.namespace}/${r.name}` : `${r.kind} ${r.name}`;
}

export function subjectText(s: ShownSubject): string {
  if (s.kind === 'ServiceAccount') return `ServiceAccount ${s.namespace ? s.namespace + '/' : ''}${s.name}`;
  if (s.kind === 'Group' && s.displayName) return `Group ${s.name} (${s.displayName})`;
  return `${s.kind} ${s.name}`;
}

export function requestText(r: ExplainResult['request']): string {
  if (r.nonResourceURL !== null) return `${r.verb} ${r.nonResourceURL}`;
  const res = (r.subresource ? `${r.resource}/${r.subresource}` : r.resource) + (r.apiGroup ? ` (API group ${r.apiGroup})` : '');
  const name = r.name ? ` named "${r.name}"` : '';
  const where = r.namespace ? `in namespace ${r.namespace}` : 'cluster-wide';
  return `${r.verb} ${res}${name} ${where}`;
}

function explainText(r: ExplainResult, style: Style): string {
  const p = painter(style);
  const out: string[] = [];
  const verdict = r.allowed ? p.green(p.bold('yes')) : p.red(p.bold('no'));
  const by: Record<ExplainResult['decidedBy'], string> = {
    rbac: 'allowed by RBAC',
    'system:masters': 'allowed: the identity is in system:masters',
    'other-authorizer': 'allowed by another authorizer, not RBAC',
    server: 'allowed by the server',
    nobody: r.server ? 'denied by the server' : 'no RBAC rule allows it',
  };
  out.push(`${verdict}: ${by[r.decidedBy]}`);
  out.push('');
  out.push(`${p.bold('Request:')}  ${requestText(r.request)}`);
  out.push(`${p.bold('As:')}       ${r.request.user}${r.request.groups.length ? ` (groups: ${r.request.groups.map((g) => (r.groupNames[g] ? `${g} (${r.groupNames[g]})` : g)).join(', ')})` : ''}`);
  if (r.server) {
    const s = r.server;
    out.push(`${p.bold('Server:')}   ${s.allowed ? 'allowed' : s.denied ? 'denied' : 'no opinion (denied)'}${s.reason ? ` (${s.reason})` : ''}`);
  }
  if (r.serverPath) {
    const sp = r.serverPath;
    out.push('');
    out.push(p.bold("Granted by (as the server's reason names it; the rules could not be read):"));
    out.push(`  1. ${bindingText(sp.binding)}`);
    out.push(`     subject: ${subjectText(sp.subject)}`);
    out.push(`     role:    ${roleText(sp.role)}`);
  }
  if (r.rbac) {
    const m = r.rbac.matches;
    if (m.length > 0) {
      out.push('');
      out.push(p.bold(`Granted by ${m.length === 1 ? '1 path' : `${m.length} paths`}:`));
      m.forEach((g, i) => {
        out.push(`  ${i + 1}. ${bindingText(g.binding)}`);
        out.push(`     subject: ${subjectText(g.subject)}`);
        out.push(`     role:    ${roleText(g.role)}${g.aggregatedFrom ? ` (rule aggregated from ClusterRole ${g.aggregatedFrom})` : ''}`);
        out.push(`     rule ${g.ruleIndex}:  ${ruleText(g.rule)}`);
        out.push(p.dim(`     ${g.reason}`));
      });
    }
    if (r.rbac.nearMisses.length > 0) {
      out.push('');
      out.push(p.bold('Near misses:'));
      for (const n of r.rbac.nearMisses) {
        out.push(`  - ${n.message}`);
        if (n.rule) out.push(p.dim(`    rule ${n.ruleIndex}: ${ruleText(n.rule)}`));
      }
    }
    // When denied, the near misses already name the skipped bindings.
    if (r.rbac.errors.length > 0 && r.rbac.allowed) {
      out.push('');
      out.push(p.bold('Bindings skipped (their role cannot be resolved):'));
      for (const e of r.rbac.errors) out.push(`  - ${bindingText(e.binding)}: ${e.message}`);
    }
  }
  if (r.suggestion) {
    out.push('');
    out.push(`${p.bold('Smallest fix:')} ${r.suggestion.summary}`);
    for (const c of r.suggestion.commands) out.push(`  ${p.cyan(c)}`);
    for (const k of r.suggestion.risks) out.push(`  ${p.yellow('Careful:')} the fix grants ${k.code}: ${k.message}`);
  }
  if (r.risks.length > 0) {
    out.push('');
    out.push(p.bold('Risks in what is granted:'));
    for (const k of r.risks) out.push(`  ${p.yellow('!')} ${k.code}: ${k.message}`);
  }
  if (r.notes.length > 0) {
    out.push('');
    for (const n of r.notes) out.push(`Note: ${n}`);
  }
  return out.join('\n') + '\n';
}

// Renders `explain-access --list` (everything an identity may do, like `kubectl auth can-i --list`, with
// the granting binding on each line) and `explain-access who-can` (every subject that may do it). Pure.
import type { AccessList } from '../rbac/list.js';
import type { RiskNote } from '../rbac/risks.js';
import type { WhoCanResult } from '../rbac/who-can.js';
import type { Warning } from '../warnings.js';
import { bindingText, roleText } from './explain-access.js';
import { table, toJson, toYaml, type OutputFormat } from './format.js';

/** The server's SelfSubjectRulesReview answer, used by --list when the RBAC objects cannot be read. */
export interface ServerRulesView {
  resourceRules: Array<{ verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }>;
  nonResourceRules: Array<{ verbs: string[]; nonResourceURLs?: string[] }>;
  incomplete: boolean;
  evaluationError: string;
}

export interface ListOutput {
  subject: { user: string; groups: string[] };
  namespace: string;
  /** RBAC only; other authorizers (Azure RBAC) may allow more. */
  entries: AccessList['entries'];
  errors: AccessList['errors'];
  privileged: boolean;
  risks: RiskNote[];
  /** Set (and entries empty) when RBAC could not be read and the server listed the rules instead. */
  serverRules: ServerRulesView | null;
  warnings: Warning[];
}

export interface WhoCanOutput {
  request: { verb: string; namespace: string; apiGroup: string; resource: string; subresource: string; name: string; nonResourceURL: string | null };
  allNamespaces: boolean;
  entries: Array<WhoCanResult['entries'][number] & { subject: WhoCanResult['entries'][number]['subject'] & { displayName?: string } }>;
  errors: WhoCanResult['errors'];
  privilegedGroups: string[];
  warnings: Warning[];
}

const brackets = (l: string[] | undefined): string => `[${(l ?? []).join(' ')}]`;

/** `pods`, `deployments.apps`, `*.*`: resource names as `kubectl auth can-i --list` prints them. */
function resourcesOf(groups: string[] | undefined, resources: string[] | undefined): string {
  const out: string[] = [];
  for (const r of resources ?? []) for (const g of groups ?? []) out.push(g === '' ? r : `${r}.${g}`);
  return out.join(', ');
}

export function renderList(o: ListOutput, format: OutputFormat): string {
  if (format === 'json') return toJson(o);
  if (format === 'yaml') return toYaml(o);
  if (o.serverRules) {
    const sr = o.serverRules;
    const rows = [
      ...sr.resourceRules.map((r) => [resourcesOf(r.apiGroups, r.resources), '[]', brackets(r.resourceNames), brackets(r.verbs)]),
      ...sr.nonResourceRules.map((r) => ['', brackets(r.nonResourceURLs), '[]', brackets(r.verbs)]),
    ];
    let text = table(['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs'], rows);
    text += "\nThese are the server's rules (SelfSubjectRulesReview): the RBAC objects could not be read, so no binding is named.\n";
    if (sr.incomplete) text += `The list is incomplete${sr.evaluationError ? `: ${sr.evaluationError}` : ''} (other authorizers, such as Azure RBAC, cannot list rules).\n`;
    return text;
  }
  const rows = o.entries.map((e) => [
    resourcesOf(e.rule.apiGroups, e.rule.resources),
    brackets(e.rule.nonResourceURLs),
    brackets(e.rule.resourceNames),
    brackets(e.rule.verbs),
    `${bindingText(e.binding)} -> ${roleText(e.role)}${e.aggregatedFrom ? ` (from ${e.aggregatedFrom})` : ''}`,
  ]);
  let text = table(['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs', 'Granted by'], rows);
  if (o.privileged) text = `The identity is in system:masters: everything is allowed, whatever the rules below say.\n\n${text}`;
  if (o.errors.length) text += `\nBindings skipped:\n${o.errors.map((e) => `  - ${bindingText(e.binding)}: ${e.message}`).join('\n')}\n`;
  if (o.risks.length) text += `\nRisks in what is granted:\n${o.risks.map((k) => `  ! ${k.code}: ${k.message}`).join('\n')}\n`;
  return text;
}

export function renderWhoCan(o: WhoCanOutput, format: OutputFormat): string {
  if (format === 'json') return toJson(o);
  if (format === 'yaml') return toYaml(o);
  const rows = o.entries.map((e) => [
    e.subject.kind,
    e.subject.kind === 'ServiceAccount' ? `${e.subject.namespace ?? ''}/${e.subject.name}` : e.subject.displayName ? `${e.subject.name} (${e.subject.displayName})` : e.subject.name,
    e.scope === '' ? '(all)' : e.scope,
    bindingText(e.binding),
    `${roleText(e.role)}${e.aggregatedFrom ? ` (from ${e.aggregatedFrom})` : ''} rule ${e.ruleIndex}`,
    e.note ?? '',
  ]);
  let text = rows.length ? table(['Kind', 'Subject', 'Namespace', 'Binding', 'Role', 'Note'], rows) : 'No RBAC binding grants this.\n';
  text += `\nAlways allowed, before RBAC: Group ${o.privilegedGroups.join(', ')}\n`;
  if (o.errors.length) text += `\nBindings skipped:\n${o.errors.map((e) => `  - ${bindingText(e.binding)}: ${e.message}`).join('\n')}\n`;
  return text;
}

// Renderers of the pod-identity migration plan: a table for people, the manifests as multi-document
// YAML (for `kubectl apply -f -` and review), the plan as JSON, and a commented bash script.
import { painter, table, toJson, toYaml, type Style } from './format.js';
import { kubectlName } from '../migrate/apply-config.js';
import type { AppliedObject, MigrationPlan, PlannedWorkload, WorkloadStatus } from '../migrate/types.js';
import type { Warning } from '../warnings.js';

export type MigrateOutputFormat = 'table' | 'yaml' | 'json' | 'script';
export const MIGRATE_OUTPUT_FORMATS: readonly MigrateOutputFormat[] = ['table', 'yaml', 'json', 'script'];

/** The JSON document of `-o json` and plan.json: the documented plan shape. */
export function planDocument(plan: MigrationPlan): object {
  return {
    issuer: plan.issuer,
    identities: plan.identities,
    workloads: plan.workloads,
    manifests: plan.manifests,
    commands: plan.commands,
    federatedCredentials: plan.federatedCredentials,
    cleanup: plan.cleanup,
    warnings: plan.warnings,
    notes: plan.notes,
  };
}

export function renderPlanJson(plan: MigrationPlan): string {
  return toJson(planDocument(plan));
}

/** The manifests, ServiceAccounts first, as one multi-document YAML stream. */
export function renderManifestsYaml(plan: MigrationPlan): string {
  const header = `# Workload ID manifests from kubectl entra pod-identity-migrate: ${count(plan.manifests.filter((m) => m.kind === 'ServiceAccount').length, 'ServiceAccount')}, ${count(plan.manifests.filter((m) => m.kind !== 'ServiceAccount').length, 'workload')}.\n# The aadpodidbinding labels stay, so pod identity keeps working until the new identity is verified.\n`;
  if (plan.manifests.length === 0) return header;
  return header + plan.manifests.map((m) => '---\n' + toYaml(m)).join('');
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

function identityCell(w: PlannedWorkload): string {
  if (w.identities.length === 0) return '<none>';
  const first = `${w.identities[0]!.namespace}/${w.identities[0]!.name}`;
  return w.identities.length > 1 ? `${first} (+${w.identities.length - 1})` : first;
}

function serviceAccountCell(w: PlannedWorkload): string {
  return w.serviceAccount ? `${w.serviceAccount.name} (${w.serviceAccount.action})` : '<none>';
}

export function warningLine(w: Warning): string {
  return `Warning: [${w.code}]${w.object ? ` ${w.object}:` : ''} ${w.message}`;
}

/** The default view: workload -> identity -> ServiceAccount -> status, then the warnings and what to run next. */
export function renderPlanTable(plan: MigrationPlan, style: Style): string {
  const p = painter(style);
  const paintStatus: Record<WorkloadStatus, (s: string) => string> = {
    ready: p.green,
    migrated: p.dim,
    review: p.yellow,
    manual: p.yellow,
    unbound: p.red,
  };
  let out = '';
  if (plan.workloads.length === 0) {
    out += 'No workload carries the aadpodidbinding label: nothing to migrate.\n';
  } else {
    out += table(
      ['workload', 'identity', 'serviceaccount', 'status'],
      plan.workloads.map((w) => [`${w.kind} ${w.namespace}/${w.name}`, identityCell(w), serviceAccountCell(w), paintStatus[w.status](w.status)]),
    );
  }
  const order: WorkloadStatus[] = ['ready', 'migrated', 'review', 'manual', 'unbound'];
  const summary = order
    .map((s) => [s, plan.workloads.filter((w) => w.status === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  out += `\n${count(plan.workloads.length, 'workload')}${summary ? ` (${summary})` : ''}; ${count(plan.federatedCredentials.length, 'federated credential')}; ${count(plan.manifests.length, 'manifest')}.\n`;
  out += `OIDC issuer: ${plan.issuer ?? '<unknown: pass --issuer>'}\n`;
  if (plan.warnings.length > 0) {
    out += `\n${p.bold('Warnings:')}\n`;
    for (const w of plan.warnings) out += `  ${p.yellow(`[${w.code}]`)}${w.object ? ` ${w.object}:` : ''} ${w.message}\n`;
  }
  if (plan.manifests.length > 0 || plan.commands.length > 0) {
    out += `\nNext: review with -o yaml (manifests) or -o script (az commands, then kubectl apply); --apply applies the manifests after a server-side dry run. Nothing is deleted.\n`;
  }
  return out;
}

const HEREDOC = 'KUBECTL_ENTRA_MANIFESTS';
const PLACEHOLDER = /<[A-Z][A-Z0-9_]*>/g;

function comment(text: string): string {
  return text.split('\n').map((l) => (l ? `# ${l}` : '#')).join('\n') + '\n';
}

/** A bash script: az commands for the federated credentials, then kubectl apply with the manifests inline. */
export function renderScript(plan: MigrationPlan): string {
  const manifestsYaml = plan.manifests.map((m) => '---\n' + toYaml(m)).join('');
  let s = '#!/usr/bin/env bash\n';
  s += comment(
    [
      'Move from aad-pod-identity to Microsoft Entra Workload ID, as planned by `kubectl entra pod-identity-migrate`.',
      'Review before running. Step 1 creates federated identity credentials in Azure (az login first);',
      'step 2 applies ServiceAccounts and the changed workloads to the current kubectl context.',
      'Pod identity keeps working side by side: the aadpodidbinding labels stay. The cleanup at the end',
      'is shown, not run: do it after each workload is verified to authenticate with Workload ID.',
      '',
      `OIDC issuer: ${plan.issuer ?? '<OIDC_ISSUER> (unknown)'}`,
      'Workloads:',
      ...(plan.workloads.length
        ? plan.workloads.map((w) => `  ${w.kind} ${w.namespace}/${w.name} -> ${identityCell(w)} -> ServiceAccount ${serviceAccountCell(w)}: ${w.status}`)
        : ['  (none)']),
      ...(plan.warnings.length ? ['Warnings:', ...plan.warnings.map((w) => `  [${w.code}]${w.object ? ` ${w.object}:` : ''} ${w.message}`)] : []),
    ].join('\n'),
  );
  s += 'set -euo pipefail\n';
  const placeholders = new Set([...plan.commands.join('\n').matchAll(PLACEHOLDER), ...manifestsYaml.matchAll(PLACEHOLDER)].map((m) => m[0]));
  if (placeholders.size > 0) {
    s += '\n' + comment(`This plan still has placeholders: replace ${[...placeholders].sort().join(', ')} below, then delete these lines.`);
    s += `echo "error: fill in the placeholders (${[...placeholders].sort().join(' ')}) in $0 first" >&2\nexit 1\n`;
  }
  const az = plan.federatedCredentials.map((f) => f.command);
  if (az.length > 0) {
    s += '\n' + comment('1. Federated identity credentials: trust the cluster\'s ServiceAccount tokens (create updates an existing one of the same name)');
    for (const f of plan.federatedCredentials) s += `# ${f.identity.namespace}/${f.identity.name} <- ${f.subject}\n${f.command}\n`;
  }
  if (plan.manifests.length > 0) {
    s += '\n' + comment('2. ServiceAccounts first, then the workloads: their pods roll onto the new ServiceAccount with the Workload ID label');
    s += `kubectl apply -f - <<'${HEREDOC}'\n${manifestsYaml}${HEREDOC}\n`;
  }
  if (plan.cleanup.length > 0) {
    s += '\n' + comment('3. Cleanup, NOT run by this script: after verifying every workload above, remove pod identity');
    s += plan.cleanup.map((c) => (c.startsWith('#') ? `#${c.slice(1)}` : `# ${c}`)).join('\n') + '\n';
  }
  if (az.length === 0 && plan.manifests.length === 0) s += '\necho "nothing to migrate"\n';
  return s;
}

/** kubectl's apply result lines: `deployment.apps/orders-api configured`. */
export function renderApplied(results: AppliedObject[]): string {
  return results.map((r) => `${kubectlName(r.kind, r.name)} ${r.result} (namespace ${r.namespace})`).join('\n') + (results.length ? '\n' : '');
}

// The pod-identity removal that follows a verified migration. Shown (plan.cleanup, the script's last
// section as comments), never run by default: Microsoft's guide runs both side by side first.
// Objects the AKS pod-identity add-on created are removed through az, since the add-on would restore them.
import { templatePath, POD_IDENTITY_LABEL } from './inventory.js';
import { shellCommand } from './shell.js';
import type { AzureIdentity, AzureIdentityBinding, AzurePodIdentityException, Workload } from './types.js';

export interface CleanupInput {
  /** Workloads whose manifests carry the migration (their pod identity label can go). */
  migrated: Workload[];
  bindings: AzureIdentityBinding[];
  identities: AzureIdentity[];
  exceptions: AzurePodIdentityException[];
}

const RESOURCE_NAMES: Record<string, string> = {
  Deployment: 'deployment',
  StatefulSet: 'statefulset',
  DaemonSet: 'daemonset',
  ReplicaSet: 'replicaset',
  CronJob: 'cronjob',
  Job: 'job',
  Pod: 'pod',
};

/** JSON Pointer escaping: '/' in a label key becomes ~1. */
function pointer(parts: string[]): string {
  return '/' + parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

export function cleanupCommands(input: CleanupInput): string[] {
  const out: string[] = [];
  const akd = (name: string, namespace: string, what: 'pod-identity' | 'exception') =>
    shellCommand(['az', 'aks', 'pod-identity', ...(what === 'exception' ? ['exception'] : []), 'delete', '--cluster-name', '<CLUSTER_NAME>', '--resource-group', '<CLUSTER_RESOURCE_GROUP>', '--namespace', namespace, '--name', name]);

  if (input.migrated.length > 0) {
    out.push('# Stop pod identity for the migrated workloads (rolls their pods again)');
    for (const w of input.migrated) {
      const path = pointer([...templatePath(w.kind), 'metadata', 'labels', POD_IDENTITY_LABEL]);
      out.push(shellCommand(['kubectl', 'patch', RESOURCE_NAMES[w.kind]!, w.name, '-n', w.namespace, '--type=json', '-p', JSON.stringify([{ op: 'remove', path }])]));
    }
  }
  const addOn = input.identities.filter((i) => i.managedByAks);
  const bindings = input.bindings.filter((b) => !b.managedByAks);
  if (bindings.length > 0 || input.identities.length > 0) out.push('# Remove the pod identity bindings and identities');
  for (const b of bindings) out.push(shellCommand(['kubectl', 'delete', 'azureidentitybinding', b.name, '-n', b.namespace]));
  for (const i of input.identities.filter((x) => !x.managedByAks)) out.push(shellCommand(['kubectl', 'delete', 'azureidentity', i.name, '-n', i.namespace]));
  for (const i of addOn) out.push(akd(i.name, i.namespace, 'pod-identity'));
  if (input.exceptions.length > 0) {
    out.push('# Remove the pod identity exceptions (only needed while NMI intercepts IMDS)');
    for (const e of input.exceptions) out.push(shellCommand(['kubectl', 'delete', 'azurepodidentityexception', e.name, '-n', e.namespace]));
  }
  const secrets = input.identities.filter((i) => i.type !== 0 && i.clientPassword?.name);
  if (secrets.length > 0) {
    out.push('# Service principal credentials pod identity needed; Workload ID does not (check nothing else uses them)');
    for (const i of secrets) out.push(shellCommand(['kubectl', 'delete', 'secret', i.clientPassword!.name!, '-n', i.clientPassword!.namespace ?? i.namespace]));
  }
  if (addOn.length > 0) out.push('# Turn off the AKS pod identity add-on', shellCommand(['az', 'aks', 'update', '--resource-group', '<CLUSTER_RESOURCE_GROUP>', '--name', '<CLUSTER_NAME>', '--disable-pod-identity']));
  else if (out.length > 0) out.push('# Uninstall aad-pod-identity (MIC and NMI) the way it was installed, e.g. helm uninstall');
  return out;
}

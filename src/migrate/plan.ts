// The decider of pod-identity-migrate: inventory in, migration plan out. Per labelled workload: its
// identities through the binding selector, the ServiceAccount it will run as, the client-id annotation,
// the pod template changes, the federated credentials; then manifests, commands, cleanup and warnings.
import { isGuid, parseUserAssignedIdentityId, sameId, tenantFromIssuer } from './azure-ids.js';
import { cleanupCommands } from './cleanup.js';
import { FEDERATED_CREDENTIAL_LIMIT, azureIdentityKey, federatedCredential } from './credentials.js';
import { BindingIndex, exceptionMatches, identityKey, podIdentitySelector, type WorkloadMatch } from './match.js';
import {
  DEFAULT_PROXY_SIDECAR_PORT,
  alreadyMigrated,
  serviceAccountCurrent,
  serviceAccountManifest,
  workloadManifest,
  type ServiceAccountChange,
  type WorkloadChange,
} from './manifests.js';
import { ServiceAccountPlanner, workloadRef } from './service-accounts.js';
import { IDENTITY_TYPE_NAMES } from './types.js';
import type {
  AzureIdentity,
  FederatedCredential,
  KubeObject,
  MigrationPlan,
  PlanOptions,
  PlannedIdentity,
  PlannedWorkload,
  PodIdentityInventory,
  Workload,
  WorkloadStatus,
} from './types.js';
import type { Warning } from '../warnings.js';

export const MANIFESTS_FILE = 'manifests.yaml';

const KIND_ORDER = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job', 'ReplicaSet', 'Pod'];

function byWorkload(a: Workload, b: Workload): number {
  return a.namespace.localeCompare(b.namespace) || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name);
}

function byObject(a: { namespace: string; name: string }, b: { namespace: string; name: string }): number {
  return a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
}

export function planMigration(inv: PodIdentityInventory, opts: PlanOptions = {}): MigrationPlan {
  const issuer = opts.issuer ?? inv.issuer ?? null;
  const clusterTenant = opts.tenantId ?? tenantFromIssuer(issuer);
  const proxySidecarPort = opts.proxySidecar ? (opts.proxySidecarPort ?? DEFAULT_PROXY_SIDECAR_PORT) : undefined;
  const index = new BindingIndex(inv);
  const accounts = new ServiceAccountPlanner(inv);
  const warnings: Warning[] = [];
  const warn = (code: string, object: string | undefined, message: string) => {
    const w: Warning = { code, message };
    if (object) w.object = object;
    warnings.push(w);
  };

  const identities = [...inv.identities].sort(byObject);
  const bindings = [...inv.bindings].sort(byObject);
  const labelled = inv.workloads.filter((w) => podIdentitySelector(w) !== undefined).sort(byWorkload);

  // Identity-level findings first: they explain the workload-level ones.
  for (const i of identities) {
    const ref = `AzureIdentity ${i.namespace}/${i.name}`;
    if (i.type === 0 && !parseUserAssignedIdentityId(i.resourceID)) {
      warn('InvalidResourceID', ref, `spec.resourceID ${i.resourceID ? `"${i.resourceID}"` : '(missing)'} is not a user-assigned managed identity resource id (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>): its federated credential command has placeholders to fill in`);
    }
    if (!isGuid(i.clientID)) warn('InvalidClientID', ref, `spec.clientID "${i.clientID}" is not a client id (a GUID): fill it in before applying, the ServiceAccount annotation repeats it`);
    if (i.type !== 0) {
      const secret = i.clientPassword?.name ? `; its ${i.type === 1 ? 'client secret' : 'certificate'} (Secret ${i.clientPassword.namespace ?? i.namespace}/${i.clientPassword.name}) is no longer needed once that works` : '';
      warn('ServicePrincipalIdentity', ref, `a service principal (type ${i.type}, ${IDENTITY_TYPE_NAMES[i.type]}): Workload ID federates its app registration (az ad app federated-credential create, which needs rights on the application in Entra ID) instead of a managed identity${secret}; consider moving to a user-assigned managed identity`);
    }
  }
  for (const b of bindings) {
    if (!index.identityOf(b)) warn('IdentityNotFound', `AzureIdentityBinding ${b.namespace}/${b.name}`, `names AzureIdentity "${b.azureIdentity}", which does not exist in namespace ${b.namespace}: workloads with aadpodidbinding=${b.selector} get no identity from it`);
  }

  const planned: PlannedWorkload[] = [];
  const manifestsSA: KubeObject[] = [];
  const manifestsWorkloads: KubeObject[] = [];
  const credentials = new Map<string, FederatedCredential>(); // by azure identity + subject
  const credentialsPerIdentity = new Map<string, { identity: AzureIdentity; subjects: Set<string> }>();
  const usedBindings = new Set<string>();
  const migrated: Workload[] = [];
  const saManifestKeys = new Set<string>();

  for (const w of labelled) {
    const match = index.match(w) as WorkloadMatch;
    for (const m of match.matches) usedBindings.add(`${m.binding.namespace}/${m.binding.name}`);
    for (const d of match.dangling) usedBindings.add(`${d.namespace}/${d.name}`);
    const pw: PlannedWorkload = {
      kind: w.kind,
      namespace: w.namespace,
      name: w.name,
      selector: match.selector,
      identities: match.matches.map((m) => ({ name: m.identity.name, namespace: m.identity.namespace, clientID: m.identity.clientID ?? null })),
      serviceAccount: null,
      status: 'ready',
      bindings: [...match.matches.map((m) => m.binding), ...match.dangling].map((b) => `${b.namespace}/${b.name}`),
    };
    planned.push(pw);
    const ref = workloadRef(w);

    if (match.matches.length === 0) {
      pw.status = 'unbound';
      if (match.dangling.length === 0) {
        warn('UnboundWorkload', ref, `its pods carry aadpodidbinding=${match.selector}, but no AzureIdentityBinding has that selector: it gets no identity from pod identity today, so there is nothing to migrate (remove the label, or bind it first)`);
      }
      continue;
    }

    const primary = match.matches[0]!.identity;
    let review = false;
    if (match.matches.length > 1) {
      review = true;
      const others = match.matches.slice(1).map((m) => `${m.identity.namespace}/${m.identity.name} (${m.identity.clientID})`);
      warn('MultipleIdentities', ref, `${match.matches.length} bindings give it identities; Workload ID gives a ServiceAccount one default client id, so it gets ${primary.namespace}/${primary.name} (${primary.clientID})${match.matches[0]!.binding.weight !== undefined ? ' (highest binding weight)' : ''}; federated credentials are made for ${others.join(', ')} too, and the app must name their client ids explicitly to use them`);
    }
    if (match.matches.some((m) => m.crossNamespace)) {
      review = true;
      warn('CrossNamespaceBinding', ref, `its identity comes from bindings in another namespace (${match.matches.filter((m) => m.crossNamespace).map((m) => `${m.binding.namespace}/${m.binding.name}`).join(', ')}), which aad-pod-identity honours only without --forceNamespaced: check that this workload really uses it`);
    }
    if (match.matches.some((m) => m.identity.type !== 0 || (m.identity.type === 0 && !parseUserAssignedIdentityId(m.identity.resourceID)) || !isGuid(m.identity.clientID))) review = true;

    const decision = accounts.assign(w, primary.clientID!);
    pw.serviceAccount = { name: decision.name, action: decision.action };
    if (decision.warning) {
      review = true;
      warnings.push(decision.warning);
    }

    const tenantID = primary.tenantID && (!clusterTenant || !sameId(primary.tenantID, clusterTenant)) ? primary.tenantID : undefined;
    const saChange: ServiceAccountChange = { name: decision.name, namespace: w.namespace, clientID: primary.clientID!, create: decision.action === 'create' };
    if (tenantID) saChange.tenantID = tenantID;
    if (decision.existing) saChange.existing = decision.existing;
    const saKey = `${w.namespace}/${decision.name}`;
    if (!saManifestKeys.has(saKey)) {
      saManifestKeys.add(saKey);
      manifestsSA.push(serviceAccountManifest(saChange));
    }

    for (const m of match.matches) {
      const key = azureIdentityKey(m.identity);
      const fc = federatedCredential(m.identity, w.namespace, decision.name, issuer);
      if (!credentials.has(`${key} ${fc.subject}`)) credentials.set(`${key} ${fc.subject}`, fc);
      const entry = credentialsPerIdentity.get(key) ?? { identity: m.identity, subjects: new Set<string>() };
      entry.subjects.add(fc.subject);
      credentialsPerIdentity.set(key, entry);
    }

    const change: WorkloadChange = { serviceAccountName: decision.name };
    if (proxySidecarPort !== undefined) change.proxySidecarPort = proxySidecarPort;
    const manual = manualReason(w);
    if (manual) {
      pw.status = 'manual';
      warn(manual.code, ref, manual.message(decision.name));
      continue;
    }
    manifestsWorkloads.push(workloadManifest(w, change));
    migrated.push(w);
    const status: WorkloadStatus = review ? 'review' : 'ready';
    pw.status = alreadyMigrated(w, change) && serviceAccountCurrent(saChange) ? 'migrated' : status;
    const noRollout = pw.status !== 'migrated' ? rolloutBlocker(w) : undefined;
    if (noRollout) warn('RestartNeeded', ref, `${noRollout}: after applying, delete its pods so they start again as ServiceAccount ${decision.name} with the Workload ID label`);
  }

  for (const b of bindings) {
    if (!usedBindings.has(`${b.namespace}/${b.name}`)) {
      warn('UnusedBinding', `AzureIdentityBinding ${b.namespace}/${b.name}`, `no workload${inv.workloads.length === 0 ? ' read' : ''} carries aadpodidbinding=${b.selector}: nothing to migrate for it; delete it with the cleanup`);
    }
  }

  for (const e of [...inv.exceptions].sort(byObject)) {
    const affected = inv.workloads.filter((w) => exceptionMatches(e, w)).sort(byWorkload).map(workloadRef);
    warn('PodIdentityException', `AzurePodIdentityException ${e.namespace}/${e.name}`, `pods labelled ${Object.entries(e.podLabels).map(([k, v]) => `${k}=${v}`).join(',')}${affected.length ? ` (${affected.join(', ')})` : ''} reach IMDS past NMI today; Workload ID does not intercept IMDS, so they keep that access without the exception, which can go with the cleanup (if they used it to reach a pod identity, migrate them like the others)`);
  }

  for (const { identity, subjects } of credentialsPerIdentity.values()) {
    if (subjects.size > FEDERATED_CREDENTIAL_LIMIT) {
      warn('FederatedCredentialLimit', `AzureIdentity ${identity.namespace}/${identity.name}`, `this plan creates ${subjects.size} federated credentials on ${identity.resourceID ?? identity.clientID}, but Azure allows ${FEDERATED_CREDENTIAL_LIMIT} per identity (fewer if it already has some): share ServiceAccounts between its workloads, or split it into several identities`);
    }
  }

  const federated = [...credentials.values()];
  if (!issuer && federated.length > 0) {
    warn('IssuerUnknown', undefined, `the cluster's OIDC issuer is unknown, so the federated credential commands say <OIDC_ISSUER>: pass --issuer (az aks show -n <cluster> -g <group> --query oidcIssuerProfile.issuerUrl -o tsv) or run against the cluster`);
  }
  if (inv.webhookInstalled === false && labelled.length > 0) {
    warn('WebhookNotInstalled', 'MutatingWebhookConfiguration azure-wi-webhook-mutating-webhook-configuration', `the Workload ID webhook is not installed, so pods will not get the token volume and AZURE_* variables: enable it first (az aks update -g <group> -n <cluster> --enable-oidc-issuer --enable-workload-identity)`);
  }

  const manifests = [...manifestsSA, ...manifestsWorkloads];
  const commands = federated.map((f) => f.command);
  if (manifests.length > 0) commands.push(`kubectl apply -f ${MANIFESTS_FILE}`);

  const plannedIdentities: PlannedIdentity[] = identities.map((i) => ({
    name: i.name,
    namespace: i.namespace,
    type: i.type,
    typeName: IDENTITY_TYPE_NAMES[i.type],
    clientID: i.clientID ?? null,
    resourceID: i.resourceID ?? null,
    tenantID: i.tenantID ?? null,
    assignedPods: inv.assignedIdentities.filter((a) => a.identityName === i.name && (a.identityNamespace ?? a.namespace) === i.namespace).length,
    federatedCredentials: federated.filter((f) => identityKey(f.identity) === identityKey(i)).length,
  }));

  return {
    issuer,
    identities: plannedIdentities,
    workloads: planned,
    manifests,
    commands,
    federatedCredentials: federated,
    cleanup: cleanupCommands({ migrated, bindings, identities, exceptions: [...inv.exceptions].sort(byObject) }),
    warnings,
    notes: [...inv.notes],
  };
}

/** Why applying a changed pod template would not replace the running pods, if it would not. */
function rolloutBlocker(w: Workload): string | undefined {
  const spec = (w.object.spec ?? {}) as { paused?: unknown; updateStrategy?: { type?: unknown } };
  if (w.kind === 'ReplicaSet') return 'a ReplicaSet does not replace its pods when its template changes';
  if ((w.kind === 'StatefulSet' || w.kind === 'DaemonSet') && spec.updateStrategy?.type === 'OnDelete') return `its updateStrategy is OnDelete`;
  if (w.kind === 'Deployment' && spec.paused === true) return 'the Deployment is paused (or resume it)';
  return undefined;
}

interface ManualReason {
  code: string;
  message: (sa: string) => string;
}

/** Objects whose pod template cannot be changed in place by applying a manifest. */
function manualReason(w: Workload): ManualReason | undefined {
  if (w.controller) {
    return {
      code: 'ForeignController',
      message: (sa) => `is controlled by ${w.controller!.kind} ${w.controller!.name}, which this tool does not change: give its pod template the label azure.workload.identity/use: "true" and serviceAccountName: ${sa} there`,
    };
  }
  if (w.kind === 'Pod') {
    return {
      code: 'BarePod',
      message: (sa) => `a Pod without a controller cannot change its ServiceAccount in place: recreate it with the label azure.workload.identity/use: "true" and serviceAccountName: ${sa} (the ServiceAccount and federated credential are planned)`,
    };
  }
  if (w.kind === 'Job') {
    return {
      code: 'ImmutableJob',
      message: (sa) => `a Job's pod template cannot be changed once created: create its next run with the label azure.workload.identity/use: "true" and serviceAccountName: ${sa} (the ServiceAccount and federated credential are planned)`,
    };
  }
  return undefined;
}

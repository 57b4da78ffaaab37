// The data shapes of pod-identity-migrate: the inventory snapshot (filled by the live gatherer and by
// the -f loader through the same builder) and the migration plan the decider returns.
import type { Warning } from '../warnings.js';

export type { KubeObject, OwnerReference } from '../kube-object.js';
import type { KubeObject } from '../kube-object.js';

/** An object plus a description of where it came from ("file.yaml (document 3)", "cluster"), for errors. */
export interface SourcedObject {
  object: KubeObject;
  source?: string;
}

/** aad-pod-identity's spec.type: 0 user-assigned managed identity, 1 service principal with a secret, 2 with a certificate. */
export type IdentityType = 0 | 1 | 2;

export const IDENTITY_TYPE_NAMES: Record<IdentityType, string> = {
  0: 'UserAssignedMSI',
  1: 'ServicePrincipal',
  2: 'ServicePrincipalCertificate',
};

/** A reference to the Secret that holds a service principal's secret or certificate. Never its data. */
export interface SecretReference {
  name?: string;
  namespace?: string;
}

export interface AzureIdentity {
  name: string;
  namespace: string;
  type: IdentityType;
  resourceID?: string;
  clientID?: string;
  tenantID?: string;
  clientPassword?: SecretReference;
  /** aad-pod-identity's `aadpodidentity.k8s.io/Behavior: namespaced`: matches only pods of its own namespace. */
  namespacedBehavior: boolean;
  /** Created by the AKS pod-identity add-on (`az aks pod-identity add`), which also owns its removal. */
  managedByAks: boolean;
  source?: string;
}

export interface AzureIdentityBinding {
  name: string;
  namespace: string;
  /** Name of the AzureIdentity, looked up in the binding's namespace. */
  azureIdentity: string;
  /** Matched against the pod label `aadpodidbinding`. */
  selector: string;
  weight?: number;
  managedByAks: boolean;
  source?: string;
}

export interface AzurePodIdentityException {
  name: string;
  namespace: string;
  podLabels: Record<string, string>;
  source?: string;
}

/** What the MIC has assigned right now: one per pod and identity. */
export interface AzureAssignedIdentity {
  name: string;
  namespace: string;
  identityName?: string;
  identityNamespace?: string;
  bindingName?: string;
  pod?: string;
  podNamespace?: string;
  node?: string;
  status?: string;
}

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'CronJob' | 'Job' | 'ReplicaSet' | 'Pod';

export const WORKLOAD_KINDS: readonly WorkloadKind[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job', 'ReplicaSet', 'Pod'];

/** The pod template (or a bare Pod's own metadata and spec) reduced to what the migration reads. */
export interface PodTemplateView {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** spec.serviceAccountName, else the deprecated spec.serviceAccount, else undefined (= "default"). */
  serviceAccountName?: string;
}

export interface Workload {
  kind: WorkloadKind;
  name: string;
  namespace: string;
  template: PodTemplateView;
  /** The object as read, kept so the manifests can be the same object with only the migration's changes. */
  object: KubeObject;
  /** For a Pod or Job whose controller is not a workload kind this tool changes (an operator's CRD, say). */
  controller?: { kind: string; name: string };
  source?: string;
}

export interface ServiceAccount {
  name: string;
  namespace: string;
  annotations: Record<string, string>;
  object: KubeObject;
}

export interface PodIdentityInventory {
  identities: AzureIdentity[];
  bindings: AzureIdentityBinding[];
  exceptions: AzurePodIdentityException[];
  assignedIdentities: AzureAssignedIdentity[];
  /** Every workload read (not only the labelled ones): ServiceAccount sharing needs all of them. */
  workloads: Workload[];
  serviceAccounts: ServiceAccount[];
  /** Whether the azure-workload-identity mutating webhook is installed; null when unknown (files). */
  webhookInstalled: boolean | null;
  /** The cluster's OIDC issuer URL; null when unknown. */
  issuer: string | null;
  /** Facts about how the inventory was gathered (e.g. "the aad-pod-identity CRDs are not installed"). */
  notes: string[];
}

// ---------------------------------------------------------------------------------------------------------
// The plan

export interface PlanOptions {
  /** --issuer, which wins over the inventory's issuer. */
  issuer?: string;
  /** --proxy-sidecar: add the migration sidecar annotations for apps on old Azure SDKs (IMDS calls). */
  proxySidecar?: boolean;
  /** Port of the proxy sidecar; the webhook's default is 8000. */
  proxySidecarPort?: number;
  /** The tenant the webhook defaults to (AZURE_TENANT_ID); derived from an AKS issuer URL when not given. */
  tenantId?: string;
}

export type WorkloadStatus =
  /** The manifests and commands migrate it. */
  | 'ready'
  /** It migrates, but a warning needs a person's decision first (several identities, a service principal, placeholders). */
  | 'review'
  /** It already runs with Workload ID as planned: applying changes nothing. */
  | 'migrated'
  /** Its label matches no binding (or only bindings to missing identities): nothing to migrate. */
  | 'unbound'
  /** A bare Pod or a standalone Job: the ServiceAccount and credential are planned, the object must be recreated by hand. */
  | 'manual';

export interface PlannedIdentityRef {
  name: string;
  namespace: string;
  clientID: string | null;
}

export interface PlannedWorkload {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  /** The `aadpodidbinding` label value. */
  selector: string;
  /** The identities pod identity gives it today; the first is the one the ServiceAccount's client-id names. */
  identities: PlannedIdentityRef[];
  serviceAccount: { name: string; action: 'create' | 'annotate' } | null;
  status: WorkloadStatus;
  /** The bindings that matched, as "namespace/name". */
  bindings: string[];
}

export interface PlannedIdentity {
  name: string;
  namespace: string;
  type: IdentityType;
  typeName: string;
  clientID: string | null;
  resourceID: string | null;
  tenantID: string | null;
  /** Pods it is assigned to right now, from AzureAssignedIdentity (0 when none are known). */
  assignedPods: number;
  /** Federated credentials this plan creates on it. */
  federatedCredentials: number;
}

export interface FederatedCredential {
  identity: { name: string; namespace: string };
  /** Name of the federated identity credential on the managed identity or app registration. */
  name: string;
  issuer: string;
  subject: string;
  audience: string;
  command: string;
}

export interface MigrationPlan {
  issuer: string | null;
  identities: PlannedIdentity[];
  workloads: PlannedWorkload[];
  /** ServiceAccounts first, then the changed workloads: what `kubectl apply` receives. */
  manifests: KubeObject[];
  /** The az commands, then the kubectl apply. */
  commands: string[];
  federatedCredentials: FederatedCredential[];
  /** Removal of pod identity after the new identity is verified: shown, never run by default. */
  cleanup: string[];
  warnings: Warning[];
  notes: string[];
}

/** What --apply did to one object. */
export type ApplyOutcome = 'created' | 'configured' | 'unchanged';

export interface AppliedObject {
  kind: string;
  namespace: string;
  name: string;
  result: ApplyOutcome;
}

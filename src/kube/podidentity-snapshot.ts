// The live gatherer of pod-identity-migrate: LISTs the aad-pod-identity objects, the workloads, their
// Pods and the ServiceAccounts of the namespace (or all of them), looks for the Workload ID webhook and
// reads the OIDC issuer, and hands raw objects to the same inventory builder that -f uses.
import { ClusterError } from '../errors.js';
import { POD_IDENTITY_GROUP, POD_IDENTITY_LABEL, WEBHOOK_CONFIGURATION_NAME } from '../migrate/inventory.js';
import type { KubeObject, SourcedObject } from '../migrate/types.js';
import type { KubeClient } from './client.js';
import { isForbidden } from './status.js';

export interface PodIdentityScope {
  /** undefined = all namespaces (-A). */
  namespace?: string;
  /** Skip reading the issuer from the cluster (--issuer given). */
  skipIssuer?: boolean;
}

export interface LiveObjects {
  objects: SourcedObject[];
  webhookInstalled: boolean | null;
  issuer: string | null;
  notes: string[];
}

interface Listing {
  group: string;
  version: string;
  resource: string;
  kind: string;
  labelSelector?: string;
  /** A 403 on it is a note, not an error. */
  optional?: boolean;
}

const POD_IDENTITY_LISTINGS: Listing[] = [
  { group: POD_IDENTITY_GROUP, version: 'v1', resource: 'azureidentities', kind: 'AzureIdentity' },
  { group: POD_IDENTITY_GROUP, version: 'v1', resource: 'azureidentitybindings', kind: 'AzureIdentityBinding' },
  { group: POD_IDENTITY_GROUP, version: 'v1', resource: 'azurepodidentityexceptions', kind: 'AzurePodIdentityException', optional: true },
  { group: POD_IDENTITY_GROUP, version: 'v1', resource: 'azureassignedidentities', kind: 'AzureAssignedIdentity', optional: true },
];

const WORKLOAD_LISTINGS: Listing[] = [
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment' },
  { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet' },
  { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet' },
  { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet' },
  { group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob' },
  { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job' },
  // A Pod's own labels are its template's: only labelled Pods can be bare pod-identity workloads.
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod', labelSelector: POD_IDENTITY_LABEL },
  { group: '', version: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount' },
];

function listPath(l: Listing, namespace: string | undefined): string {
  const base = l.group === '' ? `/api/${l.version}` : `/apis/${l.group}/${l.version}`;
  return namespace === undefined ? `${base}/${l.resource}` : `${base}/namespaces/${encodeURIComponent(namespace)}/${l.resource}`;
}

export async function gatherPodIdentityObjects(client: KubeClient, scope: PodIdentityScope): Promise<LiveObjects> {
  const notes: string[] = [];
  const where = scope.namespace === undefined ? 'in all namespaces' : `in namespace ${scope.namespace}`;

  const list = async (l: Listing): Promise<SourcedObject[]> => {
    try {
      const items = await client.listAll<KubeObject>(listPath(l, scope.namespace), { query: { labelSelector: l.labelSelector } });
      // LIST items carry no apiVersion/kind; the inventory needs them.
      const apiVersion = l.group === '' ? l.version : `${l.group}/${l.version}`;
      return items.map((o) => ({ object: { ...o, apiVersion, kind: l.kind }, source: `the cluster (${l.resource} ${where})` }));
    } catch (e) {
      if (isForbidden(e)) {
        if (l.optional) {
          notes.push(`cannot list ${l.resource} ${where} (forbidden): left out`);
          return [];
        }
        throw new ClusterError(`cannot list ${l.resource} ${where}: forbidden; pod-identity-migrate needs to list ${l.resource} (or use -f with exported manifests)`, 403, { cause: e });
      }
      throw e;
    }
  };

  // Every request starts now and is awaited by one Promise.all, so a failure in one (an unreachable server
  // fails them all) is reported once and never left as an unhandled rejection.
  const podIdentityObjects = client
    .request<unknown>('GET', `/apis/${POD_IDENTITY_GROUP}/v1`, { acceptStatus: [404] })
    .then((r) => {
      if (r.status !== 404) return Promise.all(POD_IDENTITY_LISTINGS.map(list));
      notes.push(`the aad-pod-identity CRDs (${POD_IDENTITY_GROUP}/v1) are not installed: no pod identity objects to migrate`);
      return [];
    });
  const [podIdentity, workloads, { webhookInstalled, issuer }] = await Promise.all([
    podIdentityObjects,
    Promise.all(WORKLOAD_LISTINGS.map(list)),
    readClusterFacts(client, scope, notes),
  ]);
  return { objects: [...podIdentity.flat(), ...workloads.flat()], webhookInstalled, issuer, notes };
}

/** Whether the Workload ID webhook is installed, and the OIDC issuer the API server advertises. */
export async function readClusterFacts(
  client: KubeClient,
  scope: { skipIssuer?: boolean },
  notes: string[],
): Promise<{ webhookInstalled: boolean | null; issuer: string | null }> {
  const webhook: Promise<boolean | null> = client
    .request<unknown>('GET', `/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/${WEBHOOK_CONFIGURATION_NAME}`, { acceptStatus: [404] })
    .then(
      (r) => r.status !== 404,
      (e) => {
        if (isForbidden(e)) {
          notes.push(`cannot read MutatingWebhookConfiguration ${WEBHOOK_CONFIGURATION_NAME} (forbidden): whether the Workload ID webhook is installed is unknown`);
          return null;
        }
        throw e;
      },
    );
  const issuer: Promise<string | null> = scope.skipIssuer
    ? Promise.resolve(null)
    : client.request<{ issuer?: unknown }>('GET', '/.well-known/openid-configuration', { acceptStatus: [401, 403, 404] }).then(
        (r) => (r.status === 200 && typeof r.body?.issuer === 'string' ? r.body.issuer : null),
        (e) => {
          if (e instanceof ClusterError && !e.unreachable) return null;
          throw e;
        },
      );

  const [webhookInstalled, issuerUrl] = await Promise.all([webhook, issuer]);
  if (!scope.skipIssuer && issuerUrl === null) notes.push('the API server did not serve /.well-known/openid-configuration: the OIDC issuer is unknown');
  return { webhookInstalled, issuer: issuerUrl };
}

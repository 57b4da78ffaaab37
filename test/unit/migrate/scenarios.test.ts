import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { buildInventory } from '../../../src/migrate/inventory.js';
import { planMigration } from '../../../src/migrate/plan.js';
import type { KubeObject, MigrationPlan } from '../../../src/migrate/types.js';
import { ISSUER, codes, loadScenario, planScenario } from './scenario.js';

function warningFor(plan: MigrationPlan, code: string, object?: string) {
  const found = plan.warnings.filter((w) => w.code === code && (object === undefined || w.object === object));
  expect(found, `${code} ${object ?? ''} in ${JSON.stringify(plan.warnings.map((w) => [w.code, w.object]))}`).toHaveLength(1);
  return found[0]!;
}

function manifest(plan: MigrationPlan, kind: string, namespace: string, name: string): any {
  return plan.manifests.find((m) => m.kind === kind && m.metadata.name === name && m.metadata.namespace === namespace);
}

describe('service principal identities (types 1 and 2)', () => {
  it('federates the app registration and warns, naming the Secret but never its data', async () => {
    const plan = await planScenario('service-principal', {}, { issuer: ISSUER });
    expect(plan.identities.map((i) => [i.name, i.type, i.typeName])).toEqual([
      ['billing-sp', 1, 'ServicePrincipal'],
      ['partner-sp', 2, 'ServicePrincipalCertificate'],
    ]);
    const cmd = plan.federatedCredentials.find((f) => f.identity.name === 'billing-sp')!.command;
    const m = /^az ad app federated-credential create --id 4d7a2e9c-1b3f-4a6e-9d8c-2f5b7e0a1c63 --parameters '(.*)'$/.exec(cmd);
    expect(m, cmd).not.toBeNull();
    expect(JSON.parse(m![1]!)).toEqual({
      name: expect.stringMatching(/^billing-invoicing-[0-9a-f]{6}$/),
      issuer: ISSUER,
      subject: 'system:serviceaccount:billing:invoicing',
      description: expect.stringContaining('billing/billing-sp'),
      audiences: ['api://AzureADTokenExchange'],
    });
    expect(warningFor(plan, 'ServicePrincipalIdentity', 'AzureIdentity billing/billing-sp').message).toContain('Secret billing/billing-sp-secret');
    expect(warningFor(plan, 'ServicePrincipalIdentity', 'AzureIdentity billing/partner-sp').message).toContain('certificate');
    expect(plan.workloads.map((w) => [w.name, w.status])).toEqual([
      ['invoicing', 'review'],
      ['partner-sync', 'review'],
    ]);
  });

  it('adds tenant-id only where the identity is in another tenant than the cluster', async () => {
    const plan = await planScenario('service-principal', {}, { issuer: ISSUER });
    expect(manifest(plan, 'ServiceAccount', 'billing', 'invoicing').metadata.annotations).toEqual({
      'azure.workload.identity/client-id': '4d7a2e9c-1b3f-4a6e-9d8c-2f5b7e0a1c63',
    });
    expect(manifest(plan, 'ServiceAccount', 'billing', 'partner-sync').metadata.annotations).toEqual({
      'azure.workload.identity/client-id': '6b3c8e1a-5d7f-4b2e-8c9a-0e4d6f1b3a75',
      'azure.workload.identity/tenant-id': '9e1f3a5c-7b2d-4c8e-b6a0-1d3f5e7a9c20',
    });
    // cluster tenant unknown: every stated tenant is kept, harmless and correct
    const unknown = await planScenario('service-principal', {}, { issuer: 'https://issuer.example/' });
    expect(manifest(unknown, 'ServiceAccount', 'billing', 'invoicing').metadata.annotations['azure.workload.identity/tenant-id']).toBe('2b8e4f6a-9c1d-4e3b-8a7f-5d0c6e2b9a41');
    // --tenant-id names the cluster tenant explicitly
    const explicit = await planScenario('service-principal', {}, { issuer: 'https://issuer.example/', tenantId: '9E1F3A5C-7B2D-4C8E-B6A0-1D3F5E7A9C20' });
    expect(manifest(explicit, 'ServiceAccount', 'billing', 'partner-sync').metadata.annotations['azure.workload.identity/tenant-id']).toBeUndefined();
  });

  it('offers to delete the service principal Secrets in the cleanup', async () => {
    const plan = await planScenario('service-principal', {}, { issuer: ISSUER });
    expect(plan.cleanup).toContain('kubectl delete secret billing-sp-secret -n billing');
    expect(plan.cleanup).toContain('kubectl delete secret partner-sp-cert -n billing');
  });

  it('keeps no Secret in the inventory', async () => {
    const inv = await loadScenario('service-principal');
    expect(JSON.stringify(inv)).not.toContain('czNjcjN0');
    expect(JSON.stringify(inv)).not.toContain('NotARealPassw0rd');
  });
});

describe('a messy repository (-n apps)', () => {
  const load = () => planScenario('messy', { defaultNamespace: 'apps' }, { issuer: ISSUER });

  it('gives every labelled workload a status', async () => {
    const plan = await load();
    expect(plan.workloads.map((w) => [`${w.kind} ${w.namespace}/${w.name}`, w.status, w.serviceAccount?.name ?? null, w.serviceAccount?.action ?? null])).toEqual([
      ['Deployment apps/ghost-reader', 'unbound', null, null],
      ['Deployment apps/orphan-worker', 'unbound', null, null],
      ['Deployment apps/reports', 'review', 'reports-sa', 'annotate'],
      ['Deployment apps/tax-calc', 'review', 'tax-calc', 'create'],
      ['StatefulSet apps/ledger', 'ready', 'ledger', 'create'],
      ['Job apps/db-migrate', 'manual', 'db-migrate', 'create'],
      ['ReplicaSet apps/legacy-poller', 'ready', 'legacy-poller', 'create'],
      ['Pod apps/debug-shell', 'manual', 'debug-shell', 'create'],
      ['Deployment platform/audit-forwarder', 'review', 'audit', 'annotate'],
    ]);
  });

  it('several bindings: the highest weight names the client id, every identity gets a credential', async () => {
    const plan = await load();
    const reports = plan.workloads.find((w) => w.name === 'reports')!;
    expect(reports.identities.map((i) => i.name)).toEqual(['kv-reader', 'storage-writer']);
    expect(reports.bindings).toEqual(['apps/kv-reader-binding', 'apps/storage-writer-binding']);
    expect(warningFor(plan, 'MultipleIdentities', 'Deployment apps/reports').message).toContain('8f7e6d5c-4b3a-4c2d-9e1f-0a9b8c7d6e5f');
    expect(manifest(plan, 'ServiceAccount', 'apps', 'reports-sa').metadata.annotations['azure.workload.identity/client-id']).toBe('1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d');
    const subjects = plan.federatedCredentials.filter((f) => f.subject === 'system:serviceaccount:apps:reports-sa').map((f) => f.identity.name);
    expect(subjects).toEqual(['kv-reader', 'storage-writer']);
  });

  it('a shared existing ServiceAccount is annotated in full (its other fields kept) with a warning naming the sharers', async () => {
    const plan = await load();
    expect(warningFor(plan, 'ExistingServiceAccount', 'ServiceAccount apps/reports-sa').message).toContain('Deployment apps/reports-ui');
    const sa = manifest(plan, 'ServiceAccount', 'apps', 'reports-sa');
    expect(sa.imagePullSecrets).toEqual([{ name: 'acr-pull' }]);
    expect(sa.metadata.labels).toBeUndefined(); // not ours: not marked as created by kubectl-entra
  });

  it('a ServiceAccount that already names another client id is left alone: the workload gets its own', async () => {
    const plan = await load();
    const w = warningFor(plan, 'ExistingServiceAccount', 'ServiceAccount apps/tax');
    expect(w.message).toContain('0d9c8b7a-6f5e-4d3c-8b2a-1f0e9d8c7b6a');
    expect(w.message).toContain('tax-calc');
    expect(manifest(plan, 'ServiceAccount', 'apps', 'tax')).toBeUndefined();
    expect(manifest(plan, 'Deployment', 'apps', 'tax-calc').spec.template.spec.serviceAccountName).toBe('tax-calc');
  });

  it('placeholders and missing optional fields: InvalidResourceID with placeholder arguments; no spec.type means 0', async () => {
    const plan = await load();
    expect(warningFor(plan, 'InvalidResourceID', 'AzureIdentity apps/kv-reader').message).toContain('<RESOURCE_ID>');
    const kv = plan.federatedCredentials.find((f) => f.identity.name === 'kv-reader')!;
    expect(kv.command).toContain(`--identity-name '<IDENTITY_NAME>' --resource-group '<RESOURCE_GROUP>'`);
    const sw = plan.federatedCredentials.find((f) => f.identity.name === 'storage-writer')!;
    expect(sw.command).toContain('--identity-name id-storage-writer --resource-group rg-apps --subscription 0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e');
    expect(plan.identities.find((i) => i.name === 'storage-writer')!.type).toBe(0);
  });

  it('bindings: missing identity, unused binding, labelled workload without binding', async () => {
    const plan = await load();
    expect(warningFor(plan, 'IdentityNotFound', 'AzureIdentityBinding apps/ghost-binding').message).toContain('deleted-identity');
    warningFor(plan, 'UnusedBinding', 'AzureIdentityBinding apps/legacy-binding');
    expect(warningFor(plan, 'UnboundWorkload', 'Deployment apps/orphan-worker').message).toContain('no-such-binding');
    expect(plan.warnings.some((w) => w.code === 'UnboundWorkload' && w.object === 'Deployment apps/ghost-reader')).toBe(false);
    expect(manifest(plan, 'Deployment', 'apps', 'orphan-worker')).toBeUndefined();
  });

  it('bare Pods and standalone Jobs get a ServiceAccount and credential, but no manifest of their own', async () => {
    const plan = await load();
    expect(warningFor(plan, 'BarePod', 'Pod apps/debug-shell').message).toContain('serviceAccountName: debug-shell');
    expect(warningFor(plan, 'ImmutableJob', 'Job apps/db-migrate').message).toContain('serviceAccountName: db-migrate');
    expect(manifest(plan, 'Pod', 'apps', 'debug-shell')).toBeUndefined();
    expect(manifest(plan, 'Job', 'apps', 'db-migrate')).toBeUndefined();
    expect(manifest(plan, 'ServiceAccount', 'apps', 'debug-shell')).toBeDefined();
    expect(plan.federatedCredentials.map((f) => f.subject)).toContain('system:serviceaccount:apps:db-migrate');
    expect(plan.cleanup.some((c) => c.includes('debug-shell') || c.includes('db-migrate'))).toBe(false);
  });

  it('workloads whose pods a template change does not replace: RestartNeeded', async () => {
    const plan = await load();
    expect(warningFor(plan, 'RestartNeeded', 'StatefulSet apps/ledger').message).toContain('OnDelete');
    expect(warningFor(plan, 'RestartNeeded', 'ReplicaSet apps/legacy-poller').message).toContain('ReplicaSet does not replace its pods');
    expect(plan.warnings.filter((w) => w.code === 'RestartNeeded')).toHaveLength(2);
  });

  it('pod identity exceptions are reported with the workloads they cover', async () => {
    const plan = await load();
    expect(warningFor(plan, 'PodIdentityException', 'AzurePodIdentityException apps/node-exporter-exception').message).toContain('DaemonSet apps/node-exporter');
    expect(plan.cleanup).toContain('kubectl delete azurepodidentityexception node-exporter-exception -n apps');
  });

  it('a binding from another namespace is used as aad-pod-identity does by default, with a warning', async () => {
    const plan = await load();
    expect(warningFor(plan, 'CrossNamespaceBinding', 'Deployment platform/audit-forwarder').message).toContain('apps/audit-binding');
    const d = manifest(plan, 'Deployment', 'platform', 'audit-forwarder');
    // the deprecated serviceAccount field stays consistent with serviceAccountName
    expect(d.spec.template.spec.serviceAccountName).toBe('audit');
    expect(d.spec.template.spec.serviceAccount).toBe('audit');
    // a ServiceAccount referenced but not among the files: annotated through a minimal object
    expect(manifest(plan, 'ServiceAccount', 'platform', 'audit')).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'audit', namespace: 'platform', annotations: { 'azure.workload.identity/client-id': '8f7e6d5c-4b3a-4c2d-9e1f-0a9b8c7d6e5f' } },
    });
  });

  it('honours aadpodidentity.k8s.io/Behavior: namespaced on the identity', async () => {
    const inv = await loadScenario('messy', { defaultNamespace: 'apps' });
    inv.identities.find((i) => i.name === 'storage-writer')!.namespacedBehavior = true;
    const plan = planMigration(inv, { issuer: ISSUER });
    expect(plan.workloads.find((w) => w.name === 'audit-forwarder')!.status).toBe('unbound');
  });
});

describe('federated credential limit', () => {
  it('warns when one identity would need more than 20 credentials', async () => {
    const plan = await planScenario('credential-limit', {}, { issuer: ISSUER });
    expect(plan.workloads).toHaveLength(21);
    expect(plan.federatedCredentials).toHaveLength(21);
    expect(warningFor(plan, 'FederatedCredentialLimit', 'AzureIdentity fleet/shared-identity').message).toMatch(/21 federated credentials.*20 per identity/);
  });

  it('twenty are fine', async () => {
    const inv = await loadScenario('credential-limit');
    inv.workloads = inv.workloads.slice(0, 20);
    expect(codes(planMigration(inv, { issuer: ISSUER }))).not.toContain('FederatedCredentialLimit');
  });
});

describe('objects as a live cluster returns them', () => {
  const load = () => planScenario('live-objects', {}, { issuer: ISSUER });

  it('follows pods and ReplicaSets to the Deployment, Jobs to the CronJob; keeps pods of unknown controllers', async () => {
    const plan = await load();
    expect(plan.workloads.map((w) => `${w.kind} ${w.name} ${w.status}`)).toEqual([
      'Deployment payments-api ready',
      'CronJob settlement ready',
      'Pod payments-canary-0 manual',
    ]);
    expect(warningFor(plan, 'ForeignController', 'Pod payments/payments-canary-0').message).toContain('Rollout payments-canary');
  });

  it('manifests are clean: no status or server-owned metadata, user annotations kept', async () => {
    const plan = await load();
    const d = manifest(plan, 'Deployment', 'payments', 'payments-api');
    expect(d.status).toBeUndefined();
    expect(Object.keys(d.metadata).sort()).toEqual(['annotations', 'name', 'namespace']);
    expect(d.metadata.annotations).toEqual({ team: 'payments' });
    expect(d.spec.template.metadata).toEqual({ labels: { app: 'payments-api', aadpodidbinding: 'payments-identity', 'azure.workload.identity/use': 'true' } });
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    const c = manifest(plan, 'CronJob', 'payments', 'settlement');
    expect(c.status).toBeUndefined();
    expect(c.metadata.resourceVersion).toBeUndefined();
    expect(c.spec.jobTemplate.metadata).toEqual({});
    const text = JSON.stringify(plan.manifests);
    for (const f of ['managedFields', 'resourceVersion', '"uid"', 'creationTimestamp', 'last-applied-configuration', 'deployment.kubernetes.io/revision', 'observedGeneration']) {
      expect(text).not.toContain(f);
    }
  });

  it('sees the webhook, and cleans up add-on identities through az', async () => {
    const inv = await loadScenario('live-objects');
    expect(inv.webhookInstalled).toBe(true);
    const plan = planMigration(inv, { issuer: ISSUER });
    expect(codes(plan)).not.toContain('WebhookNotInstalled');
    expect(plan.cleanup).toContain(
      "az aks pod-identity delete --cluster-name '<CLUSTER_NAME>' --resource-group '<CLUSTER_RESOURCE_GROUP>' --namespace payments --name payments-identity",
    );
    expect(plan.cleanup.some((c) => c.startsWith('kubectl delete azureidentity'))).toBe(false);
    expect(plan.cleanup.some((c) => c.includes('--disable-pod-identity'))).toBe(true);
  });
});

describe('webhook', () => {
  it('warns on a live cluster without the Workload ID webhook; says nothing when unknown', async () => {
    const missing = await planScenario('user-assigned', { webhookInstalled: false }, { issuer: ISSUER });
    expect(warningFor(missing, 'WebhookNotInstalled').object).toBe('MutatingWebhookConfiguration azure-wi-webhook-mutating-webhook-configuration');
    const unknown = await planScenario('user-assigned', { webhookInstalled: null }, { issuer: ISSUER });
    expect(codes(unknown)).toEqual([]);
  });
});

describe('bad input', () => {
  async function error(file: string): Promise<InputError> {
    try {
      await loadScenario(`bad-input/${file}`, { defaultNamespace: 'apps' });
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return e as InputError;
    }
    throw new Error(`no error for ${file}`);
  }

  it.each([
    ['invalid-yaml.yaml', /invalid-yaml\.yaml: document 1.*invalid YAML/],
    ['unknown-kind.yaml', /unknown-kind\.yaml \(document 1\): unknown kind "AzureIdentityBindings".*AzureIdentityBindings apps\/typo/],
    ['missing-selector.yaml', /missing-selector\.yaml \(document 1\): AzureIdentityBinding apps\/no-selector: has no spec\.selector/],
    ['bad-type.yaml', /bad-type\.yaml \(document 1\): AzureIdentity apps\/weird-type: spec\.type must be 0.*not "7"/],
    ['missing-template.yaml', /missing-template\.yaml \(document 1\): Deployment apps\/no-template: has no spec\.template/],
  ])('%s: one line naming the file and the object', async (file, pattern) => {
    const e = await error(file);
    expect(e.message).toMatch(pattern);
    expect(e.message).not.toContain('\n');
    expect(e.exitCode).toBe(3);
  });

  it('an AzureIdentity without clientID is refused', () => {
    const object: KubeObject = { apiVersion: 'aadpodidentity.k8s.io/v1', kind: 'AzureIdentity', metadata: { name: 'x', namespace: 'a' }, spec: { type: 0 } };
    expect(() => buildInventory([{ object, source: 'x.yaml (document 2)' }], { defaultNamespace: 'default' })).toThrow(/x\.yaml \(document 2\): AzureIdentity a\/x: has no spec\.clientID/);
  });
});

describe('every warning code is produced by some fixture', () => {
  it('covers the documented codes', async () => {
    const all = new Set<string>();
    for (const [name, inv] of [
      ['user-assigned', { webhookInstalled: false }],
      ['user-assigned', {}],
      ['service-principal', {}],
      ['messy', { defaultNamespace: 'apps' }],
      ['credential-limit', {}],
      ['live-objects', {}],
    ] as const) {
      for (const c of codes(await planScenario(name, inv, name === 'user-assigned' && Object.keys(inv).length === 0 ? {} : { issuer: ISSUER }))) all.add(c);
    }
    expect([...all].sort()).toEqual(
      [
        'BarePod', 'CrossNamespaceBinding', 'ExistingServiceAccount', 'FederatedCredentialLimit', 'ForeignController', 'IdentityNotFound',
        'ImmutableJob', 'InvalidResourceID', 'IssuerUnknown', 'MultipleIdentities', 'PodIdentityException', 'RestartNeeded', 'ServicePrincipalIdentity',
        'UnboundWorkload', 'UnusedBinding', 'WebhookNotInstalled',
      ].sort(),
    );
  });
});

describe('objects the plan cannot use', () => {
  const identity = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'aadpodidentity.k8s.io/v1', kind: 'AzureIdentity', metadata: { name: 'kv', namespace: 'a' }, spec });
  const binding: KubeObject = { apiVersion: 'aadpodidentity.k8s.io/v1', kind: 'AzureIdentityBinding', metadata: { name: 'kv-binding', namespace: 'a' }, spec: { azureIdentity: 'kv', selector: 'kv' } };
  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'a' },
    spec: { template: { metadata: { labels: { aadpodidbinding: 'kv' } }, spec: { containers: [] } } },
  };

  it('a live cluster: an unusable object is left out with a note instead of failing', () => {
    const inv = buildInventory([identity({ type: 0 }), binding, deployment].map((object) => ({ object, source: 'the cluster' })), { defaultNamespace: 'default', skipInvalid: true });
    expect(inv.identities).toEqual([]);
    expect(inv.notes).toEqual(['left out: the cluster: AzureIdentity a/kv: has no spec.clientID (required: the client id of the identity)']);
    expect(codes(planMigration(inv, { issuer: ISSUER }))).toEqual(['IdentityNotFound']);
  });

  it('a placeholder client id is flagged: InvalidClientID, and the workload needs review', () => {
    const inv = buildInventory([identity({ type: 0, clientID: '<CLIENT_ID>', resourceID: '/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/kv' }), binding, deployment].map((object) => ({ object })), { defaultNamespace: 'default' });
    const plan = planMigration(inv, { issuer: ISSUER });
    expect(codes(plan)).toEqual(['InvalidClientID']);
    expect(plan.workloads[0]!.status).toBe('review');
  });
});

describe('a JSON export (kubectl get ... -o json)', () => {
  it('reads a List with nulls in optional fields and plans it', async () => {
    const plan = await planScenario('json-export', {}, { issuer: ISSUER });
    expect(plan.workloads.map((w) => [w.kind, w.namespace, w.name, w.status])).toEqual([['Deployment', 'search', 'indexer', 'ready']]);
    expect(plan.warnings).toEqual([]);
    const d = manifest(plan, 'Deployment', 'search', 'indexer');
    expect(d.metadata).toEqual({ name: 'indexer', namespace: 'search' });
    expect(d.spec.template.metadata).toEqual({ labels: { app: 'indexer', aadpodidbinding: 'search-indexer', 'azure.workload.identity/use': 'true' } });
  });
});

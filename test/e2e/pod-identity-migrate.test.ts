// pod-identity-migrate against a real kube-apiserver with the aad-pod-identity CRDs: the live inventory,
// the issuer from the API server, --apply's all-or-nothing server-side dry run, a real server-side apply
// that owns only the Workload ID fields, and a second run that changes nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { e2e, kubectl, kubectlEntra } from './support/kubectl.js';

const CLIENT_ID = '5b0e2c7d-3f1a-4d9e-8b6c-2a4f6e8d0c13';
const RESOURCE_ID = '/subscriptions/2d8f6a41-7b3c-4e95-a0d2-61c9e5f7b832/resourceGroups/rg-e2e/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-e2e-orders';

function podIdentity(ns: string): string {
  return `
apiVersion: v1
kind: Namespace
metadata: {name: ${ns}}
---
apiVersion: aadpodidentity.k8s.io/v1
kind: AzureIdentity
metadata: {name: orders, namespace: ${ns}}
spec: {type: 0, resourceID: ${RESOURCE_ID}, clientID: ${CLIENT_ID}}
---
apiVersion: aadpodidentity.k8s.io/v1
kind: AzureIdentityBinding
metadata: {name: orders-binding, namespace: ${ns}}
spec: {azureIdentity: orders, selector: orders}
---
apiVersion: v1
kind: Secret
metadata: {name: unrelated, namespace: ${ns}}
stringData: {password: e2e-Secret-Value-Never-Printed}
`;
}

function deployment(ns: string, name: string, extraSpec = ''): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}, aadpodidbinding: orders}}
    spec:${extraSpec}
      containers: [{name: app, image: "contoso.azurecr.io/${name}:1.0"}]
`;
}

const cronJob = (ns: string) => `
apiVersion: batch/v1
kind: CronJob
metadata: {name: orders-report, namespace: ${ns}}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {aadpodidbinding: orders}}
        spec:
          restartPolicy: OnFailure
          containers: [{name: report, image: "contoso.azurecr.io/orders-report:1.0"}]
`;

async function apply(yaml: string, extra: string[] = []): Promise<void> {
  const r = await kubectl(['apply', ...extra, '-f', '-'], { input: yaml });
  expect(r.exitCode, r.stderr).toBe(0);
}

async function getJson(args: string[]): Promise<any> {
  const r = await kubectl(['get', ...args, '-o', 'json']);
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('kubectl entra pod-identity-migrate (live cluster)', () => {
  beforeAll(async () => {
    await apply(podIdentity('pim-apply'));
    await apply(deployment('pim-apply', 'orders-api') + '---' + cronJob('pim-apply'));
    await apply(podIdentity('pim-conflict'));
    // A GitOps tool owns serviceAccountName through server-side apply: changing it is a conflict.
    await apply(deployment('pim-conflict', 'orders-api', '\n      serviceAccountName: default'), ['--server-side', '--field-manager=gitops-controller']);
  });

  it('inventories the namespace and reads the issuer from the API server', async () => {
    const r = await kubectlEntra(['pod-identity-migrate', '-n', 'pim-apply', '-o', 'json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.issuer).toBe(e2e().server);
    expect(plan.workloads.map((w: any) => [w.kind, w.name, w.status, w.serviceAccount])).toEqual([
      ['Deployment', 'orders-api', 'ready', { name: 'orders-api', action: 'create' }],
      ['CronJob', 'orders-report', 'ready', { name: 'orders-report', action: 'create' }],
    ]);
    expect(plan.warnings.map((w: any) => w.code)).toEqual(['WebhookNotInstalled']);
    expect(plan.commands[0]).toContain(`--issuer ${e2e().server} --subject system:serviceaccount:pim-apply:orders-api`);
    expect(r.stdout).not.toContain('e2e-Secret-Value-Never-Printed');
  });

  it('the seeded team-b workload is found, and -A sees every namespace', async () => {
    const r = await kubectlEntra(['pod-identity-migrate', '-A', '-o', 'json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.workloads.map((w: any) => `${w.namespace}/${w.name}`)).toEqual(expect.arrayContaining(['team-b/billing-api', 'pim-apply/orders-api', 'pim-conflict/orders-api']));
    expect(plan.warnings.map((w: any) => w.code)).toContain('PodIdentityException');
  });

  it('a failing server-side dry run applies nothing', async () => {
    const r = await kubectlEntra(['pod-identity-migrate', '-n', 'pim-conflict', '--apply']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/^error: nothing applied: the server-side dry run failed for Deployment pim-conflict\/orders-api: .*conflict.*--force-conflicts/im);
    // the ServiceAccount's dry run passed, but it was not created
    const sas = await getJson(['serviceaccounts', '-n', 'pim-conflict']);
    expect(sas.items.map((s: any) => s.metadata.name)).not.toContain('orders-api');
    const d = await getJson(['deployment', 'orders-api', '-n', 'pim-conflict']);
    expect(d.spec.template.spec.serviceAccountName).toBe('default');
    expect(d.spec.template.metadata.labels['azure.workload.identity/use']).toBeUndefined();
  });

  it('--force-conflicts takes over the fields after review', async () => {
    const r = await kubectlEntra(['pod-identity-migrate', '-n', 'pim-conflict', '--apply', '--force-conflicts', '-o', 'json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).applied.map((a: any) => `${a.kind}/${a.name} ${a.result}`)).toEqual(['ServiceAccount/orders-api created', 'Deployment/orders-api configured']);
    expect((await getJson(['deployment', 'orders-api', '-n', 'pim-conflict'])).spec.template.spec.serviceAccountName).toBe('orders-api');
  });

  it('applies for real, owning only the Workload ID fields, then a second run changes nothing', async () => {
    const before = await getJson(['deployment', 'orders-api', '-n', 'pim-apply']);
    const first = await kubectlEntra(['pod-identity-migrate', '-n', 'pim-apply', '--apply']);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toContain('serviceaccount/orders-api created (namespace pim-apply)');
    expect(first.stdout).toContain('deployment.apps/orders-api configured (namespace pim-apply)');
    expect(first.stdout).toContain('cronjob.batch/orders-report configured (namespace pim-apply)');
    expect(first.stderr).toContain('federated identity credentials are not created by --apply');

    const sa = await getJson(['serviceaccount', 'orders-api', '-n', 'pim-apply']);
    expect(sa.metadata.annotations['azure.workload.identity/client-id']).toBe(CLIENT_ID);
    const d = await getJson(['deployment', 'orders-api', '-n', 'pim-apply', '--show-managed-fields']);
    expect(d.spec.template.metadata.labels).toEqual({ app: 'orders-api', aadpodidbinding: 'orders', 'azure.workload.identity/use': 'true' });
    expect(d.spec.template.spec.serviceAccountName).toBe('orders-api');
    expect(d.spec.template.spec.containers).toEqual(before.spec.template.spec.containers);
    const ours = d.metadata.managedFields.find((m: any) => m.manager === 'kubectl-entra');
    expect(ours.operation).toBe('Apply');
    const owned = JSON.stringify(ours.fieldsV1);
    expect(owned).toContain('azure.workload.identity/use');
    expect(owned).toContain('f:serviceAccountName');
    expect(owned).not.toContain('f:containers');
    expect(owned).not.toContain('f:replicas');
    const cron = await getJson(['cronjob', 'orders-report', '-n', 'pim-apply']);
    expect(cron.spec.jobTemplate.spec.template.spec.serviceAccountName).toBe('orders-report');

    const second = await kubectlEntra(['pod-identity-migrate', '-n', 'pim-apply', '--apply', '-o', 'json']);
    expect(second.exitCode, second.stderr).toBe(0);
    const plan = JSON.parse(second.stdout);
    expect(plan.workloads.map((w: any) => w.status)).toEqual(['migrated', 'migrated']);
    expect(plan.applied.map((a: any) => a.result)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    const after = await getJson(['deployment', 'orders-api', '-n', 'pim-apply']);
    expect(after.metadata.resourceVersion).toBe(d.metadata.resourceVersion);
    expect(after.metadata.generation).toBe(d.metadata.generation);
    // nothing of pod identity was deleted
    expect((await getJson(['azureidentitybindings', '-n', 'pim-apply'])).items).toHaveLength(1);
  });

  it('bad -f input: one line naming the file and object, exit 3, nothing applied', async () => {
    const dir = join(e2e().runDir, 'tests', 'pim-bad');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ok.yaml'), deployment('pim-bad', 'web'));
    writeFileSync(join(dir, 'z-bad.yaml'), 'apiVersion: aadpodidentity.k8s.io/v1\nkind: AzureIdentityBinding\nmetadata: {name: broken, namespace: pim-bad}\nspec: {azureIdentity: x}\n');
    const r = await kubectlEntra(['pod-identity-migrate', '-f', dir, '--apply']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('z-bad.yaml (document 1): AzureIdentityBinding pim-bad/broken: has no spec.selector');
    expect((await kubectl(['get', 'namespace', 'pim-bad'])).exitCode).not.toBe(0);
  });

  it('-f with --apply refuses workloads that are not in the cluster, before applying anything', async () => {
    const dir = join(e2e().runDir, 'tests', 'pim-files');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'all.yaml'), podIdentity('pim-files') + '---' + deployment('pim-files', 'not-deployed'));
    await apply(podIdentity('pim-files'));
    const r = await kubectlEntra(['pod-identity-migrate', '-f', dir, '--apply']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('nothing applied: Deployment pim-files/not-deployed does not exist in the cluster');
    const sas = await getJson(['serviceaccounts', '-n', 'pim-files']);
    expect(sas.items.map((s: any) => s.metadata.name)).not.toContain('not-deployed');
  });

  it('--apply refuses a placeholder client id: nothing applied', async () => {
    await apply(podIdentity('pim-placeholder').replace(CLIENT_ID, "'<CLIENT_ID>'"));
    await apply(deployment('pim-placeholder', 'web'));
    const r = await kubectlEntra(['pod-identity-migrate', '-n', 'pim-placeholder', '--apply']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('error: nothing applied: ServiceAccount pim-placeholder/web (client id "<CLIENT_ID>") would not name a real identity');
    const sas = await getJson(['serviceaccounts', '-n', 'pim-placeholder']);
    expect(sas.items.map((s: any) => s.metadata.name)).toEqual(['default']);
  });
});

import { describe, expect, it } from 'vitest';
import { buildInventory } from '../../../src/migrate/inventory.js';
import { planMigration } from '../../../src/migrate/plan.js';
import type { KubeObject } from '../../../src/migrate/types.js';
import { ISSUER, codes, loadScenario, planScenario } from './scenario.js';

const CLIENT_ID = '7c1e9a52-3d4b-4f8e-a1b6-0e2d5c9f8a14';

function find(manifests: KubeObject[], kind: string, name: string): KubeObject {
  const m = manifests.find((o) => o.kind === kind && o.metadata.name === name);
  if (!m) throw new Error(`no ${kind} ${name} in ${manifests.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return m;
}

describe('user-assigned managed identity, the common case', () => {
  it('plans every labelled workload, and only those, with its own new ServiceAccount', async () => {
    const plan = await planScenario('user-assigned', {}, { issuer: ISSUER });
    expect(plan.workloads.map((w) => [w.kind, w.namespace, w.name, w.selector, w.status, w.serviceAccount])).toEqual([
      ['Deployment', 'shop', 'orders-api', 'orders', 'ready', { name: 'orders-api', action: 'create' }],
      ['StatefulSet', 'shop', 'orders-ledger', 'orders', 'ready', { name: 'orders-ledger', action: 'create' }],
      ['CronJob', 'shop', 'orders-nightly-export', 'orders', 'ready', { name: 'orders-nightly-export', action: 'create' }],
    ]);
    for (const w of plan.workloads) expect(w.identities).toEqual([{ name: 'orders-identity', namespace: 'shop', clientID: CLIENT_ID }]);
    expect(plan.warnings).toEqual([]);
    expect(plan.identities).toEqual([
      expect.objectContaining({ name: 'orders-identity', type: 0, typeName: 'UserAssignedMSI', clientID: CLIENT_ID, tenantID: null, assignedPods: 1, federatedCredentials: 3 }),
    ]);
  });

  it('creates ServiceAccounts with the client-id annotation, and no tenant-id when the identity names none', async () => {
    const plan = await planScenario('user-assigned', {}, { issuer: ISSUER });
    expect(plan.manifests.map((m) => m.kind)).toEqual(['ServiceAccount', 'ServiceAccount', 'ServiceAccount', 'Deployment', 'StatefulSet', 'CronJob']);
    expect(find(plan.manifests, 'ServiceAccount', 'orders-api')).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'orders-api',
        namespace: 'shop',
        labels: { 'app.kubernetes.io/managed-by': 'kubectl-entra' },
        annotations: { 'azure.workload.identity/client-id': CLIENT_ID },
      },
    });
  });

  it('changes only the pod template: use label, serviceAccountName; keeps aadpodidbinding for side by side', async () => {
    const inv = await loadScenario('user-assigned');
    const plan = planMigration(inv, { issuer: ISSUER });
    const original = structuredClone(inv.workloads.find((w) => w.name === 'orders-api')!.object);
    const expected = structuredClone(original) as any;
    expected.spec.template.metadata.labels['azure.workload.identity/use'] = 'true';
    expected.spec.template.spec.serviceAccountName = 'orders-api';
    expect(find(plan.manifests, 'Deployment', 'orders-api')).toEqual(expected);
    expect((find(plan.manifests, 'Deployment', 'orders-api') as any).spec.template.metadata.labels.aadpodidbinding).toBe('orders');
    // the inventory's object is not modified by planning
    expect(inv.workloads.find((w) => w.name === 'orders-api')!.object).toEqual(original);

    const sts = find(plan.manifests, 'StatefulSet', 'orders-ledger') as any;
    expect(sts.spec.template.spec.serviceAccountName).toBe('orders-ledger');
    const cron = find(plan.manifests, 'CronJob', 'orders-nightly-export') as any;
    expect(cron.spec.jobTemplate.spec.template.metadata.labels).toEqual({ aadpodidbinding: 'orders', 'azure.workload.identity/use': 'true' });
    expect(cron.spec.jobTemplate.spec.template.spec.serviceAccountName).toBe('orders-nightly-export');
    expect(plan.manifests.some((m) => m.metadata.name === 'storefront')).toBe(false);
  });

  it('creates one federated credential per ServiceAccount on the identity from its resource id, then applies', async () => {
    const plan = await planScenario('user-assigned', {}, { issuer: ISSUER });
    expect(plan.federatedCredentials.map((f) => f.subject)).toEqual([
      'system:serviceaccount:shop:orders-api',
      'system:serviceaccount:shop:orders-ledger',
      'system:serviceaccount:shop:orders-nightly-export',
    ]);
    const name = plan.federatedCredentials[0]!.name;
    expect(name).toMatch(/^shop-orders-api-[0-9a-f]{6}$/);
    expect(plan.commands[0]).toBe(
      `az identity federated-credential create --name ${name} --identity-name id-orders --resource-group rg-shop-identities ` +
        `--subscription 3f2a8c1e-5b7d-4e21-9a0c-6d4e8f1b2c37 --issuer ${ISSUER} --subject system:serviceaccount:shop:orders-api --audiences api://AzureADTokenExchange`,
    );
    expect(plan.commands.at(-1)).toBe('kubectl apply -f manifests.yaml');
    expect(plan.commands).toHaveLength(4);
    // stable across runs, different per cluster
    const again = await planScenario('user-assigned', {}, { issuer: ISSUER });
    expect(again.federatedCredentials[0]!.name).toBe(name);
    const other = await planScenario('user-assigned', {}, { issuer: ISSUER.replace('5f4e3d2c', '00000000') });
    expect(other.federatedCredentials[0]!.name).not.toBe(name);
  });

  it('without an issuer: placeholder in the commands and an IssuerUnknown warning; the cluster issuer is used when known', async () => {
    const plan = await planScenario('user-assigned');
    expect(codes(plan)).toEqual(['IssuerUnknown']);
    expect(plan.issuer).toBeNull();
    expect(plan.commands[0]).toContain(`--issuer '<OIDC_ISSUER>'`);
    const fromCluster = await planScenario('user-assigned', { issuer: ISSUER });
    expect(fromCluster.issuer).toBe(ISSUER);
    expect(codes(fromCluster)).toEqual([]);
    const flagWins = await planScenario('user-assigned', { issuer: ISSUER }, { issuer: 'https://issuer.example/' });
    expect(flagWins.issuer).toBe('https://issuer.example/');
  });

  it('--proxy-sidecar adds the migration sidecar annotations to the pod templates', async () => {
    const plan = await planScenario('user-assigned', {}, { issuer: ISSUER, proxySidecar: true });
    for (const m of plan.manifests.filter((o) => o.kind !== 'ServiceAccount')) {
      const tpl = m.kind === 'CronJob' ? (m as any).spec.jobTemplate.spec.template : (m as any).spec.template;
      expect(tpl.metadata.annotations).toEqual({ 'azure.workload.identity/inject-proxy-sidecar': 'true', 'azure.workload.identity/proxy-sidecar-port': '8000' });
    }
    const custom = await planScenario('user-assigned', {}, { issuer: ISSUER, proxySidecar: true, proxySidecarPort: 8080 });
    expect((find(custom.manifests, 'Deployment', 'orders-api') as any).spec.template.metadata.annotations['azure.workload.identity/proxy-sidecar-port']).toBe('8080');
  });

  it('lists the cleanup (labels, binding, identity) without putting it in the commands', async () => {
    const plan = await planScenario('user-assigned', {}, { issuer: ISSUER });
    expect(plan.cleanup.filter((c) => !c.startsWith('#'))).toEqual([
      `kubectl patch deployment orders-api -n shop --type=json -p '[{"op":"remove","path":"/spec/template/metadata/labels/aadpodidbinding"}]'`,
      `kubectl patch statefulset orders-ledger -n shop --type=json -p '[{"op":"remove","path":"/spec/template/metadata/labels/aadpodidbinding"}]'`,
      `kubectl patch cronjob orders-nightly-export -n shop --type=json -p '[{"op":"remove","path":"/spec/jobTemplate/spec/template/metadata/labels/aadpodidbinding"}]'`,
      'kubectl delete azureidentitybinding orders-identity-binding -n shop',
      'kubectl delete azureidentity orders-identity -n shop',
    ]);
    expect(plan.commands.some((c) => c.includes('delete') || c.includes('patch'))).toBe(false);
  });

  it('is idempotent: planning the applied result again changes nothing and reports migrated', async () => {
    const inv = await loadScenario('user-assigned');
    const first = planMigration(inv, { issuer: ISSUER });
    // the cluster after applying: the manifests replace the objects they name
    const applied = new Map<string, KubeObject>();
    const key = (o: KubeObject) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
    const rawObjects: KubeObject[] = [...inv.workloads.map((w) => w.object), ...inv.serviceAccounts.map((s) => s.object)];
    for (const o of rawObjects) applied.set(key(o), o);
    for (const o of first.manifests) applied.set(key(o), o);
    const identities = inv.identities.map((i) => ({ apiVersion: 'aadpodidentity.k8s.io/v1', kind: 'AzureIdentity', metadata: { name: i.name, namespace: i.namespace }, spec: { type: i.type, resourceID: i.resourceID, clientID: i.clientID } }));
    const bindings = inv.bindings.map((b) => ({ apiVersion: 'aadpodidentity.k8s.io/v1', kind: 'AzureIdentityBinding', metadata: { name: b.name, namespace: b.namespace }, spec: { azureIdentity: b.azureIdentity, selector: b.selector } }));
    const inv2 = buildInventory([...identities, ...bindings, ...applied.values()].map((object) => ({ object })), { defaultNamespace: 'default' });
    const second = planMigration(inv2, { issuer: ISSUER });
    expect(second.workloads.map((w) => w.status)).toEqual(['migrated', 'migrated', 'migrated']);
    expect(second.workloads.map((w) => w.serviceAccount)).toEqual(first.workloads.map((w) => w.serviceAccount));
    expect(second.manifests).toEqual(first.manifests);
    expect(second.commands).toEqual(first.commands);
    expect(second.warnings).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { applyConfiguration, kubectlName, objectPath } from '../../../src/migrate/apply-config.js';
import { ISSUER, planScenario } from './scenario.js';

describe('the apply configurations of --apply own only the Workload ID fields', () => {
  it('a created ServiceAccount: our label and the annotations', async () => {
    const plan = await planScenario('service-principal', {}, { issuer: 'https://issuer.example/' });
    const sa = plan.manifests.find((m) => m.kind === 'ServiceAccount' && m.metadata.name === 'partner-sync')!;
    expect(applyConfiguration(sa)).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'partner-sync',
        namespace: 'billing',
        labels: { 'app.kubernetes.io/managed-by': 'kubectl-entra' },
        annotations: { 'azure.workload.identity/client-id': '6b3c8e1a-5d7f-4b2e-8c9a-0e4d6f1b3a75', 'azure.workload.identity/tenant-id': '9e1f3a5c-7b2d-4c8e-b6a0-1d3f5e7a9c20' },
      },
    });
  });

  it('an existing ServiceAccount: the annotation only, not its imagePullSecrets or labels', async () => {
    const plan = await planScenario('messy', { defaultNamespace: 'apps' }, { issuer: ISSUER });
    const sa = plan.manifests.find((m) => m.kind === 'ServiceAccount' && m.metadata.name === 'reports-sa')!;
    expect(applyConfiguration(sa)).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'reports-sa', namespace: 'apps', annotations: { 'azure.workload.identity/client-id': '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d' } },
    });
  });

  it('a Deployment: the use label, sidecar annotations and serviceAccountName, nothing else', async () => {
    const plan = await planScenario('user-assigned', {}, { issuer: ISSUER, proxySidecar: true });
    const d = plan.manifests.find((m) => m.kind === 'Deployment')!;
    expect(applyConfiguration(d)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'orders-api', namespace: 'shop' },
      spec: {
        template: {
          metadata: {
            labels: { 'azure.workload.identity/use': 'true' },
            annotations: { 'azure.workload.identity/inject-proxy-sidecar': 'true', 'azure.workload.identity/proxy-sidecar-port': '8000' },
          },
          spec: { serviceAccountName: 'orders-api' },
        },
      },
    });
  });

  it('a CronJob: through jobTemplate', async () => {
    const plan = await planScenario('user-assigned', {}, { issuer: ISSUER });
    const c = plan.manifests.find((m) => m.kind === 'CronJob')!;
    expect(applyConfiguration(c)).toEqual({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'orders-nightly-export', namespace: 'shop' },
      spec: { jobTemplate: { spec: { template: { metadata: { labels: { 'azure.workload.identity/use': 'true' } }, spec: { serviceAccountName: 'orders-nightly-export' } } } } },
    });
  });

  it('paths and names as kubectl shows them', () => {
    expect(objectPath('ServiceAccount', 'shop', 'orders-api')).toBe('/api/v1/namespaces/shop/serviceaccounts/orders-api');
    expect(objectPath('StatefulSet', 'shop', 'ledger')).toBe('/apis/apps/v1/namespaces/shop/statefulsets/ledger');
    expect(objectPath('CronJob', 'shop', 'x')).toBe('/apis/batch/v1/namespaces/shop/cronjobs/x');
    expect(kubectlName('Deployment', 'orders-api')).toBe('deployment.apps/orders-api');
    expect(kubectlName('ServiceAccount', 'orders-api')).toBe('serviceaccount/orders-api');
    expect(() => objectPath('Pod', 'a', 'b')).toThrow();
  });
});

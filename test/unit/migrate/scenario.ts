// Loads a scenario folder of test/fixtures/migrate through the same -f loader and inventory builder
// the command uses, and plans it.
import { join } from 'node:path';
import { loadManifests } from '../../../src/kube/manifests.js';
import { buildInventory, type InventoryOptions } from '../../../src/migrate/inventory.js';
import { planMigration } from '../../../src/migrate/plan.js';
import type { MigrationPlan, PlanOptions, PodIdentityInventory } from '../../../src/migrate/types.js';

export const FIXTURES = join(__dirname, '../../fixtures/migrate');

export async function loadScenario(name: string, opts: Partial<InventoryOptions> = {}): Promise<PodIdentityInventory> {
  const defaultNamespace = opts.defaultNamespace ?? 'default';
  const loaded = await loadManifests([join(FIXTURES, name)], { defaultNamespace });
  return buildInventory(
    loaded.map((l) => ({ object: l.object, source: `${l.source.file} (document ${l.source.document})` })),
    { ...opts, defaultNamespace },
  );
}

export async function planScenario(name: string, inv: Partial<InventoryOptions> = {}, plan: PlanOptions = {}): Promise<MigrationPlan> {
  return planMigration(await loadScenario(name, inv), plan);
}

/** An AKS-shaped issuer: https://<region>.oic.prod-aks.azure.com/<tenant>/<cluster guid>/ */
export const TENANT = '2b8e4f6a-9c1d-4e3b-8a7f-5d0c6e2b9a41';
export const ISSUER = `https://westeurope.oic.prod-aks.azure.com/${TENANT}/5f4e3d2c-1b0a-4f9e-8d7c-6b5a4f3e2d1c/`;

export function codes(plan: MigrationPlan): string[] {
  return plan.warnings.map((w) => w.code);
}

// pod-identity-migrate's pure core: inventory -> plan -> manifests and commands. No I/O here.
export { buildInventory, POD_IDENTITY_GROUP, POD_IDENTITY_LABEL, WEBHOOK_CONFIGURATION_NAME, type InventoryOptions } from './inventory.js';
export { planMigration, MANIFESTS_FILE } from './plan.js';
export * from './types.js';

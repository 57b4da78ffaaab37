// Reading Azure identifiers found in aad-pod-identity objects: the ARM resource id of a user-assigned
// managed identity, GUID-shaped client and tenant ids, and the tenant inside an AKS OIDC issuer URL.

export interface UserAssignedIdentityId {
  subscription: string;
  resourceGroup: string;
  name: string;
}

// ARM ids are case-insensitive in their fixed segments; real manifests use both resourceGroups and resourcegroups.
const RESOURCE_ID =
  /^\/subscriptions\/([^/\s]+)\/resourcegroups\/([^/\s]+)\/providers\/microsoft\.managedidentity\/userassignedidentities\/([^/\s]+)\/?$/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `<RESOURCE_ID>`, `${CLIENT_ID}`, `{{ .Values.x }}`, `$(VAR)`, `__TOKEN__`: values that were never filled in. */
const PLACEHOLDER = /[<>{}$]|__\w+__/;

/** The parts of a user-assigned identity's resource id, or null when it is not one (or is a placeholder). */
export function parseUserAssignedIdentityId(resourceID: string | undefined): UserAssignedIdentityId | null {
  if (!resourceID) return null;
  const m = RESOURCE_ID.exec(resourceID.trim());
  if (!m) return null;
  const [, subscription, resourceGroup, name] = m as unknown as [string, string, string, string];
  if ([subscription, resourceGroup, name].some((p) => PLACEHOLDER.test(p))) return null;
  return { subscription, resourceGroup, name };
}

export function isGuid(value: string | undefined | null): boolean {
  return typeof value === 'string' && GUID.test(value);
}

// AKS issuers look like https://<region>.oic.prod-aks.azure.com/<tenant id>/<cluster guid>/
const AKS_ISSUER = /^https:\/\/[^/]+\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/[0-9a-f-]{36}\/?$/i;

/** The tenant an AKS OIDC issuer URL names, which is the tenant the workload identity webhook defaults to. */
export function tenantFromIssuer(issuer: string | null | undefined): string | undefined {
  if (!issuer) return undefined;
  return AKS_ISSUER.exec(issuer)?.[1]?.toLowerCase();
}

export function sameId(a: string | undefined | null, b: string | undefined | null): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}

/** A short, stable hash (FNV-1a, 32 bit) for names that must differ per cluster but not per run. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0').slice(0, 6);
}

// Federated identity credentials: the trust between the cluster's OIDC issuer and an identity, one per
// identity and ServiceAccount subject. A user-assigned managed identity gets
// `az identity federated-credential create`; a service principal gets the app registration form
// `az ad app federated-credential create --parameters <json>`. Azure allows 20 per identity.
import { parseUserAssignedIdentityId, shortHash } from './azure-ids.js';
import { shellCommand } from './shell.js';
import type { AzureIdentity, FederatedCredential } from './types.js';

export const AUDIENCE = 'api://AzureADTokenExchange';
export const ISSUER_PLACEHOLDER = '<OIDC_ISSUER>';
export const FEDERATED_CREDENTIAL_LIMIT = 20;

export function serviceAccountSubject(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/**
 * Credential names allow letters, digits, '-' and '_', start with a letter or digit, 3 to 120 characters.
 * The issuer's hash keeps two clusters with the same namespace and ServiceAccount apart on one identity,
 * while a second run against the same cluster produces the same name (so `create` updates in place).
 */
export function credentialName(namespace: string, serviceAccount: string, issuer: string | null): string {
  const suffix = issuer ? `-${shortHash(issuer)}` : '';
  let base = `${namespace}-${serviceAccount}`.replace(/[^A-Za-z0-9_-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  if (base.length < 3) base = `sa-${base}`;
  const max = 120 - suffix.length;
  if (base.length > max) base = base.slice(0, max - 7) + '-' + shortHash(base);
  return base + suffix;
}

/** The Azure object a credential is created on: two AzureIdentity objects can name the same one. */
export function azureIdentityKey(identity: AzureIdentity): string {
  const parsed = parseUserAssignedIdentityId(identity.resourceID);
  if (identity.type === 0 && parsed) return identity.resourceID!.toLowerCase();
  if (identity.clientID) return `client:${identity.clientID.toLowerCase()}`;
  return `object:${identity.namespace}/${identity.name}`;
}

export function federatedCredential(identity: AzureIdentity, namespace: string, serviceAccount: string, issuer: string | null): FederatedCredential {
  const name = credentialName(namespace, serviceAccount, issuer);
  const subject = serviceAccountSubject(namespace, serviceAccount);
  const iss = issuer ?? ISSUER_PLACEHOLDER;
  let command: string;
  if (identity.type === 0) {
    const id = parseUserAssignedIdentityId(identity.resourceID);
    const words = ['az', 'identity', 'federated-credential', 'create', '--name', name];
    words.push('--identity-name', id?.name ?? '<IDENTITY_NAME>', '--resource-group', id?.resourceGroup ?? '<RESOURCE_GROUP>');
    if (id) words.push('--subscription', id.subscription);
    // --audiences is the parameter's name in the az reference; the AKS guides' --audience only works as an abbreviation.
    words.push('--issuer', iss, '--subject', subject, '--audiences', AUDIENCE);
    command = shellCommand(words);
  } else {
    // Service principals federate on their app registration; --id takes the application (client) id.
    const parameters = JSON.stringify({
      name,
      issuer: iss,
      subject,
      description: `Workload ID for ServiceAccount ${namespace}/${serviceAccount} (migrated from aad-pod-identity ${identity.namespace}/${identity.name})`,
      audiences: [AUDIENCE],
    });
    command = shellCommand(['az', 'ad', 'app', 'federated-credential', 'create', '--id', identity.clientID ?? '<APPLICATION_CLIENT_ID>', '--parameters', parameters]);
  }
  return { identity: { name: identity.name, namespace: identity.namespace }, name, issuer: iss, subject, audience: AUDIENCE, command };
}

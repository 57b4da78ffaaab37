// One place that turns flags + environment into ready-to-use Azure client options, and the group
// directory commands use for names and overage membership. The credential is built lazily, so a
// command that never needs Graph or ARM never touches @azure/identity's sources.
import { createAzureCredential, type AzureCredential, type CredentialSource } from './credential.js';
import { resolveAzureEndpoints, type AzureEndpoints, type EndpointFlags } from './endpoints.js';
import { getMemberObjectIds, resolveGroupNames, type AzureClientOptions } from './graph.js';
import { DEFAULT_AZURE_TIMEOUT_MS } from './http.js';

export interface AzureSetupOptions {
  /** Deadline per Graph/ARM call and per token acquisition (default 10 s). */
  timeoutMs?: number;
  /** Extra trusted CA certificates (PEM). NODE_EXTRA_CA_CERTS works too, as for any Node program. */
  ca?: string | string[];
  sources?: readonly CredentialSource[];
}

/** Endpoints now (so a bad --graph-endpoint is a usage error up front), the credential on first use. */
export function azureClientOptions(flags: EndpointFlags = {}, env: NodeJS.ProcessEnv = process.env, opts: AzureSetupOptions = {}): AzureClientOptions & { endpoints: AzureEndpoints } {
  const endpoints = resolveAzureEndpoints(flags, env);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_AZURE_TIMEOUT_MS;
  let credential: AzureCredential | undefined;
  const lazy = {
    getToken: (scopes: string | string[], o?: { abortSignal?: AbortSignal }) => {
      credential ??= createAzureCredential({ endpoints, env, timeoutMs, ca: opts.ca, sources: opts.sources });
      return credential.getToken(scopes, o);
    },
  };
  return { endpoints, credential: lazy, timeoutMs, ca: opts.ca };
}

/** The shape commands use to name groups and expand an overage (see src/cli/azure-options.ts). */
export interface GroupDirectory {
  groupNames(ids: string[]): Promise<Map<string, string>>;
  memberGroupIds(objectId: string, kind: 'user' | 'servicePrincipal'): Promise<string[]>;
}

export function createGroupDirectory(flags: EndpointFlags = {}, env: NodeJS.ProcessEnv = process.env, opts: AzureSetupOptions = {}): GroupDirectory {
  const client = azureClientOptions(flags, env, opts);
  return {
    groupNames: (ids) => resolveGroupNames(ids, client),
    memberGroupIds: (objectId, kind) => getMemberObjectIds(objectId, kind, client),
  };
}

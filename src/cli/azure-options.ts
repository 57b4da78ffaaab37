// Flags and helpers for the optional Microsoft Graph / Azure Resource Manager lookups that several
// commands share (group names, overage membership).
import type { Argv } from 'yargs';
import { createGroupDirectory, type GroupDirectory } from '../azure/client.js';

export interface AzureFlags {
  'graph-endpoint'?: string;
}

export type { GroupDirectory } from '../azure/client.js';

export function azureFlags<T>(y: Argv<T>): Argv<T & AzureFlags> {
  return y.option('graph-endpoint', {
    type: 'string',
    describe: 'Microsoft Graph base URL (default https://graph.microsoft.com; env KUBECTL_ENTRA_GRAPH_ENDPOINT)',
  }) as Argv<T & AzureFlags>;
}

/** Graph lookups are best-effort: a short deadline so a slow or unreachable Graph never holds up the answer. */
export const GROUP_LOOKUP_TIMEOUT_MS = 8_000;

export function groupDirectory(argv: AzureFlags): GroupDirectory {
  return createGroupDirectory({ graphEndpoint: argv['graph-endpoint'] }, process.env, { timeoutMs: GROUP_LOOKUP_TIMEOUT_MS });
}

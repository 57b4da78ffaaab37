// Flags and helpers for the optional Microsoft Graph / Azure Resource Manager lookups that several
// commands share (group names, overage membership).
import type { Argv } from 'yargs';

export interface AzureFlags {
  'graph-endpoint'?: string;
}

export interface GroupDirectory {
  groupNames(ids: string[]): Promise<Map<string, string>>;
  memberGroupIds(objectId: string, kind: 'user' | 'servicePrincipal'): Promise<string[]>;
}

export function azureFlags<T>(y: Argv<T>): Argv<T & AzureFlags> {
  return y.option('graph-endpoint', {
    type: 'string',
    describe: 'Microsoft Graph base URL (default https://graph.microsoft.com; env KUBECTL_ENTRA_GRAPH_ENDPOINT)',
  }) as Argv<T & AzureFlags>;
}

export function groupDirectory(_argv: AzureFlags): GroupDirectory | null {
  return null;
}

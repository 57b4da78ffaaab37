// Flags and helpers for the optional Microsoft Graph / Azure Resource Manager lookups that several
// commands share (group names, overage membership).
import { readFile } from 'node:fs/promises';
import type { Argv } from 'yargs';
import { InputError } from '../errors.js';
import type { GroupDirectory } from '../azure/client.js';

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
  // @azure/identity is large: load it only when a lookup happens, so --help and --offline stay fast.
  let directory: Promise<GroupDirectory> | undefined;
  const get = () =>
    (directory ??= import('../azure/client.js').then((m) =>
      m.createGroupDirectory({ graphEndpoint: argv['graph-endpoint'] }, process.env, { timeoutMs: GROUP_LOOKUP_TIMEOUT_MS }),
    ));
  return {
    groupNames: async (ids) => (await get()).groupNames(ids),
    memberGroupIds: async (objectId, kind) => (await get()).memberGroupIds(objectId, kind),
  };
}

/** Reads a --group-names file (id -> display name; JSON or CSV), the offline alternative to Graph. */
export async function readGroupNamesFile(file: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read --group-names file "${file}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const { groupNamesFromFile } = await import('../identity/group-names.js');
  return groupNamesFromFile(text, file);
}

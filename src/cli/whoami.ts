// `kubectl entra whoami`: the identity of the current kubeconfig credential as AKS sees it, beside the
// server's own answer. Gathers (credential, server, Graph), decides (src/identity), renders (src/output).
// This file is the command line; whoami-run.ts, loaded when the command runs, does the work.
import type { CommandModule } from 'yargs';
import { azureFlags, type AzureFlags } from './azure-options.js';
import { verbosity, type GlobalFlags } from './flags.js';
import { programName, runCommand } from './run.js';

export interface WhoamiFlags extends GlobalFlags, AzureFlags {
  output?: string;
  offline?: boolean;
  'group-names'?: string;
}

export const whoamiCommand: CommandModule<GlobalFlags, WhoamiFlags> = {
  command: 'whoami',
  aliases: ['who-am-i'],
  describe: 'Show who the current credential is to an Entra-integrated AKS cluster',
  builder: (y) =>
    azureFlags(y)
      .option('output', { alias: 'o', type: 'string', describe: 'Output format: table|json|yaml' })
      .option('offline', { type: 'boolean', describe: 'Make no network call (no API server, no Microsoft Graph)' })
      .option('group-names', { type: 'string', describe: 'File mapping group ids to names (JSON or CSV), used instead of Graph' })
      .example(`${programName()} whoami`, 'Who am I on the current context?')
      .example(`${programName()} whoami --context aks-prod -o json`, 'The same as JSON, for another context')
      .example(`${programName()} whoami --offline --group-names groups.csv`, 'Decode the credential only, naming groups from a file')
      .epilogue(
        'Exec plugins (kubelogin) run as kubectl runs them; a device-code prompt appears on stderr.\n' +
          'Group names come from Microsoft Graph (Azure CLI sign-in, environment or managed identity credential) or --group-names.\n' +
          'Warning codes: TokenExpired, NotAksAudience, GroupsOverage, LocalAccount, ClusterAdmin, OpaqueToken, ServerUnreachable, ServerRejected, UsernameMismatch, GroupNamesUnavailable.',
      ),
  handler: (argv) =>
    runCommand({ programName: programName(), commandName: 'whoami', verbosity: verbosity(argv.v) }, async () => (await import('./whoami-run.js')).whoami(argv)),
};

// `kubectl entra explain-access` (alias can-i-explain): why a request is allowed or denied, binding by
// binding. Gathers RBAC objects (live LISTs or -f manifests) and the server's verdict, decides with the
// pure engine (src/rbac), renders (src/output). Also `--list` and the reverse question `who-can`.
// This file is the command line; explain-access-run.ts, loaded when the command runs, does the work.
import type { Argv, CommandModule } from 'yargs';
import { azureFlags, type AzureFlags } from './azure-options.js';
import { verbosity, type GlobalFlags } from './flags.js';
import { programName, runCommand } from './run.js';

export interface ExplainFlags extends GlobalFlags, AzureFlags {
  verb?: string;
  target?: string;
  more?: string;
  'all-namespaces'?: boolean;
  subresource?: string;
  as?: string;
  'as-group'?: string | string[];
  'as-oid'?: string;
  quiet?: boolean;
  output?: string;
  filename?: string | string[];
  list?: boolean;
  'group-names'?: string;
  offline?: boolean;
}

export const explainAccessCommand: CommandModule<GlobalFlags, ExplainFlags> = {
  command: 'explain-access [verb] [target] [more]',
  aliases: ['can-i-explain'],
  describe: 'Explain why a request is allowed or denied, binding by binding (like kubectl auth can-i)',
  builder: (y: Argv<GlobalFlags>) =>
    azureFlags(y)
      .positional('verb', { type: 'string', describe: 'The verb (get, list, create, ...), or who-can' })
      .positional('target', { type: 'string', describe: 'TYPE[/NAME], TYPE.GROUP[/NAME] or /non-resource-url' })
      .positional('more', { type: 'string', describe: 'With who-can: the TYPE (who-can VERB TYPE)' })
      .option('all-namespaces', { alias: 'A', type: 'boolean', describe: 'Ask about all namespaces (cluster scope); who-can: look in every namespace' })
      .option('subresource', { type: 'string', describe: 'The subresource (log, exec, scale, status, ...)' })
      .option('as', { type: 'string', describe: 'Ask about this user instead of the current credential' })
      .option('as-group', { type: 'string', describe: 'Group of the --as user (repeatable)' })
      .option('as-oid', { type: 'string', describe: "Entra object id of the --as user, sent as extra oid (AKS's Azure RBAC needs it)" })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Print nothing; only the exit code answers (0 yes, 1 no)' })
      .option('output', { alias: 'o', type: 'string', describe: 'Output format: table|json|yaml' })
      .option('filename', { alias: 'f', type: 'string', describe: 'Evaluate manifests (files, folders, -) instead of the cluster (repeatable)' })
      .option('list', { type: 'boolean', describe: 'List everything the subject may do in the namespace, with the granting binding' })
      .option('group-names', { type: 'string', describe: 'File mapping group ids to names (JSON or CSV), used instead of Graph' })
      .option('offline', { type: 'boolean', describe: 'Make no network call (with -f: the subject comes from the decoded credential)' })
      .example(`${programName()} explain-access get pods -n team-a`, 'Why may I (not) get pods in team-a?')
      .example(`${programName()} explain-access delete deploy/web -n prod --as alice@contoso.com`, 'The same for someone else')
      .example(`${programName()} explain-access get /healthz`, 'A non-resource URL')
      .example(`${programName()} explain-access -f ./rbac --as-group <group-id> --as bob list secrets -n app`, 'Review manifests with no cluster')
      .example(`${programName()} explain-access --list -n team-a`, 'Everything I may do in team-a, and why')
      .example(`${programName()} explain-access who-can delete pods -n prod`, 'Every subject that may delete pods in prod')
      .epilogue(
        'Exit codes: 0 allowed (or a listing), 1 denied, 2 usage error, 3 runtime error.\n' +
          'TYPE may be a plural, singular or short name (po, deploy, cm, sa, ...) or RESOURCE.GROUP; an unknown bare name is taken as core.\n' +
          'Warning codes: UnknownResourceType, NotNamespaced, GroupsOverage, DuplicateObject, InvalidObject, AggregationProblem, NoBindings, RbacUnreadable, AsWithoutOid, ServerVerdictUnavailable, GroupNamesUnavailable, NearMissesPartial.',
      ) as unknown as Argv<ExplainFlags>,
  handler: (argv) =>
    runCommand({ programName: programName(), commandName: 'explain-access', verbosity: verbosity(argv.v) }, async () =>
      (await import('./explain-access-run.js')).explainAccessHandler(argv),
    ),
};

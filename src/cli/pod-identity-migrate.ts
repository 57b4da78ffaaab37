// `kubectl entra pod-identity-migrate`: inventories aad-pod-identity (live cluster or -f files), plans the
// move to Microsoft Entra Workload ID, and prints it (table, manifests, plan, script), writes it
// (--output-dir) or applies it (--apply: server-side dry run first, then server-side apply; never deletes).
// This file is the command line; pod-identity-migrate-run.ts, loaded when the command runs, does the work.
import type { CommandModule } from 'yargs';
import { verbosity, type GlobalFlags } from './flags.js';
import { programName, runCommand } from './run.js';

export interface MigrateFlags extends GlobalFlags {
  filename?: string | string[];
  'all-namespaces'?: boolean;
  issuer?: string;
  'tenant-id'?: string;
  output?: string;
  'output-dir'?: string;
  'proxy-sidecar'?: boolean;
  'proxy-sidecar-port'?: number;
  apply?: boolean;
  'force-conflicts'?: boolean;
}

const WARNING_CODES = [
  'ServicePrincipalIdentity, MultipleIdentities, IdentityNotFound, UnusedBinding, UnboundWorkload,',
  'PodIdentityException, InvalidResourceID, InvalidClientID, IssuerUnknown, WebhookNotInstalled,',
  'BarePod, ImmutableJob, ForeignController, RestartNeeded, CrossNamespaceBinding, ExistingServiceAccount,',
  'FederatedCredentialLimit.',
];

export const podIdentityMigrateCommand: CommandModule<GlobalFlags, MigrateFlags> = {
  command: 'pod-identity-migrate',
  describe: 'Plan (and optionally apply) the move from aad-pod-identity to Microsoft Entra Workload ID',
  builder: (y) =>
    y
      .option('filename', { alias: 'f', type: 'string', describe: 'Read manifests from files, folders (recursively) or - (stdin) instead of the cluster' })
      .option('all-namespaces', { alias: 'A', type: 'boolean', describe: 'Inventory every namespace' })
      .option('issuer', { type: 'string', describe: "The cluster's OIDC issuer URL (default: read from the API server)" })
      .option('tenant-id', { type: 'string', describe: 'Tenant the Workload ID webhook defaults to (default: from an AKS issuer URL)' })
      .option('output', { alias: 'o', type: 'string', describe: 'Output format: table|yaml|json|script' })
      .option('output-dir', { type: 'string', describe: 'Also write plan.json, manifests.yaml and migrate.sh into this directory' })
      .option('proxy-sidecar', { type: 'boolean', describe: 'Add the migration proxy sidecar annotations (apps on old Azure SDKs that call IMDS)' })
      .option('proxy-sidecar-port', { type: 'number', describe: 'Port of the proxy sidecar (default 8000)' })
      .option('apply', { type: 'boolean', describe: 'Apply the manifests: server-side dry run of all, then server-side apply (field manager kubectl-entra)' })
      .option('force-conflicts', { type: 'boolean', describe: 'With --apply: take over fields another field manager owns' })
      .example(`${programName()} pod-identity-migrate -A`, 'What would move, cluster-wide')
      .example(`${programName()} pod-identity-migrate -n shop -o yaml | kubectl diff -f -`, 'Review as a diff')
      .example(`${programName()} pod-identity-migrate -f ./deploy -o script`, 'Plan from files, no cluster')
      .example(`${programName()} pod-identity-migrate -n shop --apply`, 'Apply the Kubernetes side')
      .epilogue(
        [
          'Pod identity keeps working side by side: the aadpodidbinding labels stay and nothing is',
          'deleted. The federated credentials are az commands (-o script); the cleanup commands',
          '(-o json "cleanup", the end of -o script) are for after the new identity is verified.',
          '',
          'Warning codes:',
          ...WARNING_CODES.map((l) => `  ${l}`),
        ].join('\n'),
      ),
  handler: (argv) =>
    runCommand({ programName: programName(), commandName: 'pod-identity-migrate', verbosity: verbosity(argv.v) }, async () =>
      (await import('./pod-identity-migrate-run.js')).podIdentityMigrate(argv),
    ),
};

// `kubectl entra pod-identity-migrate`: inventories aad-pod-identity (live cluster or -f files), plans the
// move to Microsoft Entra Workload ID, and prints it (table, manifests, plan, script), writes it
// (--output-dir) or applies it (--apply: server-side dry run first, then server-side apply; never deletes).
import { lstat, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { ExitCode, InputError, UsageError } from '../errors.js';
import { applyMigration } from '../kube/apply.js';
import { describeSource, loadManifests } from '../kube/manifests.js';
import { gatherPodIdentityObjects, readClusterFacts } from '../kube/podidentity-snapshot.js';
import { openSession, type Session } from '../kube/session.js';
import { isGuid } from '../migrate/azure-ids.js';
import { buildInventory } from '../migrate/inventory.js';
import { planMigration } from '../migrate/plan.js';
import { CLIENT_ID_ANNOTATION } from '../migrate/service-accounts.js';
import type { AppliedObject, MigrationPlan, PodIdentityInventory } from '../migrate/types.js';
import {
  MIGRATE_OUTPUT_FORMATS,
  planDocument,
  renderApplied,
  renderManifestsYaml,
  renderPlanJson,
  renderPlanTable,
  renderScript,
  warningLine,
  type MigrateOutputFormat,
} from '../output/pod-identity-migrate.js';
import { toJson } from '../output/format.js';
import { connectionOptions } from './connection.js';
import { outputFormat, useColor, verbosity, type GlobalFlags } from './flags.js';
import { programName, runCommand } from './run.js';

interface MigrateFlags extends GlobalFlags {
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
    runCommand({ programName: programName(), commandName: 'pod-identity-migrate', verbosity: verbosity(argv.v) }, async () => {
      const format = outputFormat(argv.output, MIGRATE_OUTPUT_FORMATS) as MigrateOutputFormat;
      // Repeated -f gives an array; a lone '-' (stdin) must stay a value, which `array: true` would not allow.
      const files = (argv.filename === undefined ? [] : ([] as string[]).concat(argv.filename)).filter((f) => f !== '');
      if (argv.filename !== undefined && files.length === 0) throw new UsageError('-f needs a file, folder or - for stdin');
      const issuer = argv.issuer;
      if (issuer !== undefined && !/^https:\/\/[^\s/]+/.test(issuer)) throw new UsageError(`invalid --issuer "${issuer}": the OIDC issuer is an https URL`);
      if (argv['tenant-id'] !== undefined && !isGuid(argv['tenant-id'])) throw new UsageError(`invalid --tenant-id "${argv['tenant-id']}": use the tenant's GUID`);
      const port = argv['proxy-sidecar-port'];
      if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new UsageError(`invalid --proxy-sidecar-port "${port}": use a port number`);
      if (argv['force-conflicts'] && !argv.apply) throw new UsageError('--force-conflicts only applies with --apply');

      const stderr: string[] = [];
      let session: Session | undefined;
      const client = async () => (session ??= openSession(connectionOptions(argv))).client();
      let inventory: PodIdentityInventory;
      if (files.length > 0) {
        const defaultNamespace = argv.namespace || 'default';
        const loaded = await loadManifests(files, { defaultNamespace });
        let webhookInstalled: boolean | null = null;
        let clusterIssuer: string | null = null;
        const notes: string[] = [];
        if (argv.apply) {
          ({ webhookInstalled, issuer: clusterIssuer } = await readClusterFacts(await client(), { skipIssuer: issuer !== undefined }, notes));
        }
        inventory = buildInventory(
          loaded.map((l) => ({ object: l.object, source: describeSource(l.source) })),
          { defaultNamespace, webhookInstalled, issuer: clusterIssuer, notes },
        );
      } else {
        session = openSession(connectionOptions(argv));
        const namespace = argv['all-namespaces'] ? undefined : session.context.namespace;
        const live = await gatherPodIdentityObjects(await session.client(), { namespace, skipIssuer: issuer !== undefined });
        inventory = buildInventory(live.objects, {
          defaultNamespace: namespace ?? 'default',
          webhookInstalled: live.webhookInstalled,
          issuer: live.issuer,
          notes: live.notes,
          skipInvalid: true,
        });
      }

      const plan = planMigration(inventory, {
        issuer,
        proxySidecar: Boolean(argv['proxy-sidecar']) || port !== undefined,
        proxySidecarPort: port,
        tenantId: argv['tenant-id'],
      });
      for (const n of plan.notes) stderr.push(`note: ${n}`);

      if (argv['output-dir']) {
        await writeOutputDir(argv['output-dir'], plan);
        stderr.push(`wrote plan.json, manifests.yaml and migrate.sh to ${argv['output-dir']}`);
      }

      let applied: AppliedObject[] | null = null;
      if (argv.apply) {
        if (plan.manifests.length === 0) stderr.push('nothing to apply');
        else {
          refusePlaceholders(plan);
          applied = await applyMigration(await client(), plan.manifests, { forceConflicts: argv['force-conflicts'] });
          if (plan.federatedCredentials.length > 0) {
            stderr.push(`note: the federated identity credentials are not created by --apply: run the az commands (-o script) before the pods restart`);
          }
        }
      }

      let stdout: string;
      switch (format) {
        case 'json':
          stdout = applied ? toJson({ ...planDocument(plan), applied }) : renderPlanJson(plan);
          break;
        case 'yaml':
          stdout = renderManifestsYaml(plan);
          break;
        case 'script':
          stdout = renderScript(plan);
          break;
        default:
          stdout = renderPlanTable(plan, { color: useColor() });
          if (applied) stdout += `\nApplied (server-side, field manager kubectl-entra; dry run passed for all ${applied.length}):\n${renderApplied(applied)}`;
      }
      if (format === 'yaml' || format === 'script') {
        for (const w of plan.warnings) stderr.push(warningLine(w));
        if (applied) stderr.push(renderApplied(applied).trimEnd());
      }
      return { stdout, stderr, exitCode: ExitCode.OK };
    }),
};

/** A ServiceAccount must never be annotated with a placeholder client id such as <CLIENT_ID>. */
function refusePlaceholders(plan: MigrationPlan): void {
  const bad = plan.manifests.filter((m) => m.kind === 'ServiceAccount' && !isGuid(m.metadata.annotations?.[CLIENT_ID_ANNOTATION]));
  if (bad.length > 0) {
    const list = bad.map((m) => `ServiceAccount ${m.metadata.namespace}/${m.metadata.name} (client id "${m.metadata.annotations?.[CLIENT_ID_ANNOTATION]}")`).join(', ');
    throw new InputError(`nothing applied: ${list} would not name a real identity: fix the AzureIdentity's spec.clientID first (see the InvalidClientID warnings)`);
  }
}

const OUTPUT_FILES = ['plan.json', 'manifests.yaml', 'migrate.sh'];

/** Writes the three files into a temporary sibling directory, then renames it into place: all or nothing. */
async function writeOutputDir(dir: string, plan: MigrationPlan): Promise<void> {
  const target = resolve(dir);
  const parent = dirname(target);
  const fail = (e: unknown, what: string): never => {
    throw new InputError(`cannot write --output-dir ${dir}: ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  };
  let existing: string[] | null = null;
  try {
    const st = await lstat(target);
    if (!st.isDirectory()) throw new UsageError(`--output-dir ${dir} exists and is not a directory`);
    existing = await readdir(target);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') fail(e, 'cannot read it');
  }
  if (existing && existing.some((f) => !OUTPUT_FILES.includes(f))) {
    throw new UsageError(`--output-dir ${dir} holds other files than ${OUTPUT_FILES.join(', ')}: choose a new or empty directory`);
  }
  await mkdir(parent, { recursive: true }).catch((e) => fail(e, 'cannot create its parent'));
  const tmp = await mkdtemp(join(parent, `.${basename(target)}.tmp-`)).catch((e) => fail(e, 'cannot create a temporary directory beside it'));
  try {
    await writeFile(join(tmp, 'plan.json'), renderPlanJson(plan), { mode: 0o644 });
    await writeFile(join(tmp, 'manifests.yaml'), renderManifestsYaml(plan), { mode: 0o644 });
    await writeFile(join(tmp, 'migrate.sh'), renderScript(plan), { mode: 0o755 });
    if (existing) {
      // Swap: the old directory (only our files) moves aside, the new one takes its name, the old one goes.
      const old = `${tmp}.old`;
      await rename(target, old);
      await rename(tmp, target);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, target);
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    fail(e, 'writing failed');
  }
}

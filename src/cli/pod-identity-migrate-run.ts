// What `kubectl entra pod-identity-migrate` does when it runs (loaded only then, so --help stays fast):
// gather (live cluster or -f files), plan (src/migrate), render, and write or apply.
import { lstat, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
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
import { outputFormat, useColor } from './flags.js';

import type { MigrateFlags } from './pod-identity-migrate.js';
import type { CommandResult } from './run.js';

export async function podIdentityMigrate(argv: MigrateFlags): Promise<CommandResult> {
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
}

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

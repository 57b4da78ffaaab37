// --apply: server-side apply of the migration's objects, all or nothing. Every object is first applied
// with dryRun=All; one failure (a conflict, a missing workload, a validation error) stops everything
// before anything is written. Then each is applied for real with field manager `kubectl-entra`, and the
// resourceVersion before and after tells created / configured / unchanged. Nothing is ever deleted.
import { ClusterError } from '../errors.js';
import { applyConfiguration, objectPath } from '../migrate/apply-config.js';
import type { AppliedObject, ApplyOutcome, KubeObject } from '../migrate/types.js';
import type { KubeClient } from './client.js';

export const FIELD_MANAGER = 'kubectl-entra';

export interface ApplyOptions {
  /** Take over fields another manager owns (serviceAccountName set by Helm, say). */
  forceConflicts?: boolean;
}

interface Live {
  metadata?: { resourceVersion?: string };
}

export async function applyMigration(client: KubeClient, manifests: KubeObject[], opts: ApplyOptions = {}): Promise<AppliedObject[]> {
  const targets = manifests.map((m) => {
    const namespace = m.metadata.namespace!;
    const name = m.metadata.name!;
    return { manifest: m, namespace, name, path: objectPath(m.kind, namespace, name), config: applyConfiguration(m) };
  });

  // Where each object stands now; workloads must exist (the migration changes them, it never creates one).
  const before = await Promise.all(
    targets.map(async (t) => {
      const r = await client.request<Live>('GET', t.path, { acceptStatus: [404] });
      return r.status === 404 ? null : (r.body?.metadata?.resourceVersion ?? '');
    }),
  );
  const missing = targets.filter((t, i) => before[i] === null && t.manifest.kind !== 'ServiceAccount');
  if (missing.length > 0) {
    throw new ClusterError(
      `nothing applied: ${missing.map((t) => `${t.manifest.kind} ${t.namespace}/${t.name}`).join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist in the cluster (apply the workloads first, or use -o yaml | kubectl apply -f -)`,
    );
  }

  const patch = (t: (typeof targets)[number], dryRun: boolean) =>
    client.request<Live>('PATCH', t.path, {
      query: { fieldManager: FIELD_MANAGER, force: opts.forceConflicts ? true : undefined, dryRun: dryRun ? 'All' : undefined, fieldValidation: 'Strict' },
      body: t.config,
      contentType: 'application/apply-patch+yaml',
    });

  const failures: string[] = [];
  for (const t of targets) {
    try {
      await patch(t, true);
    } catch (e) {
      if (!(e instanceof ClusterError) || e.unreachable) throw e;
      const hint = e.status === 409 ? ' (another field manager owns these fields: review, then re-run with --force-conflicts)' : '';
      failures.push(`${t.manifest.kind} ${t.namespace}/${t.name}: ${e.message}${hint}`);
    }
  }
  if (failures.length > 0) throw new ClusterError(`nothing applied: the server-side dry run failed for ${failures.join('; ')}`, 422);

  const results: AppliedObject[] = [];
  for (const [i, t] of targets.entries()) {
    const r = await patch(t, false);
    const after = r.body?.metadata?.resourceVersion ?? '';
    const result: ApplyOutcome = before[i] === null ? 'created' : before[i] === after ? 'unchanged' : 'configured';
    results.push({ kind: t.manifest.kind, namespace: t.namespace, name: t.name, result });
  }
  return results;
}

// Applies test/e2e/seed/*.yaml to a fresh control plane with kubectl, as an operator would: the CRDs first,
// then (once they are established) everything else; then waits until the aggregated ClusterRoles have been
// filled in by the controller, so tests never race the aggregation.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeApi } from './kubeapi.js';
import { run } from './exec.js';

export const SEED_DIR = join(__dirname, '..', 'seed');

/** ClusterRoles whose aggregated rules the seed relies on, with a rule resource each must come to contain. */
const AGGREGATED: Array<[role: string, resource: string]> = [
  ['sre-oncall', 'nodes'],
  ['sre-oncall', 'pods/log'],
  ['view', 'azureidentities'],
  ['edit', 'azureidentities'],
];

async function kubectlAdmin(kubectl: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const res = await run(kubectl, args, env, { timeoutMs: 60_000 });
  if (res.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} failed (exit ${res.exitCode}):\n${res.stderr}${res.stdout}`);
  return res.stdout;
}

export async function applySeed(kubectl: string, adminKubeconfigPath: string, homeDir: string, admin: KubeApi, timeoutMs = 30_000): Promise<void> {
  const env = { PATH: process.env.PATH, HOME: homeDir, KUBECONFIG: adminKubeconfigPath };
  const files = readdirSync(SEED_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
  const crdFiles = files.filter((f) => f.includes('crd'));
  const rest = files.filter((f) => !crdFiles.includes(f));
  const fileArgs = (fs: string[]) => fs.flatMap((f) => ['-f', join(SEED_DIR, f)]);
  if (crdFiles.length) {
    await kubectlAdmin(kubectl, ['apply', ...fileArgs(crdFiles)], env);
    await kubectlAdmin(kubectl, ['wait', '--for=condition=Established', 'crd', '--all', `--timeout=${Math.ceil(timeoutMs / 1000)}s`], env);
  }
  if (rest.length) await kubectlAdmin(kubectl, ['apply', ...fileArgs(rest)], env);
  await waitForAggregation(admin, timeoutMs);
}

export async function waitForAggregation(admin: KubeApi, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (const [role, resource] of AGGREGATED) {
    for (;;) {
      const res = await admin.call<{ rules?: Array<{ resources?: string[] }> }>('GET', `/apis/rbac.authorization.k8s.io/v1/clusterroles/${role}`);
      if (res.status === 200 && (res.body.rules ?? []).some((r) => r.resources?.includes(resource))) break;
      if (Date.now() > until) throw new Error(`ClusterRole ${role} has no aggregated rule for ${resource} after ${timeoutMs} ms (is kube-controller-manager running?)`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

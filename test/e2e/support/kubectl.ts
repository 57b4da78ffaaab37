// Runs kubectl and `kubectl entra` in e2e tests the way a user does: a real kubectl (v1.36.3, built with the
// control plane) finds the plugin as bin/kubectl-entra on PATH, with a given KUBECONFIG, an isolated HOME and
// NODE_EXTRA_CA_CERTS set to the Azure stand-ins' CA. Also writes kubeconfigs for each credential kind.
import { mkdirSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { inject } from 'vitest';
import { issueClientCert, type CA, type CertFiles } from '../../support/pki.js';
import type { E2EContext } from './context.js';
import { run, type RunResult } from './exec.js';
import { writeKubeconfig, type UserCredential } from './kubeconfig.js';
import { standInsClient, type StandInsClient } from './standins-rpc.js';

export type { UserCredential } from './kubeconfig.js';
export { run, type RunResult } from './exec.js';

export interface RunOptions {
  /** KUBECONFIG for the process (a path or a list joined with ':'); default: the admin kubeconfig. */
  kubeconfig?: string;
  /** Extra environment; a value of undefined removes a variable. */
  env?: Record<string, string | undefined>;
  /** Text on stdin. */
  input?: string;
  cwd?: string;
  timeoutMs?: number;
}

export function e2e(): E2EContext {
  return inject('e2e');
}

/** The environment a user's shell would have: plugin on PATH, KUBECONFIG, isolated HOME, stand-ins' CA. */
export function userEnv(ctx: E2EContext, opts: RunOptions = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  // Keep only what kubectl and node need from the runner's environment; Azure/kube settings must come from the test.
  for (const k of ['PATH', 'LANG', 'LC_ALL', 'TMPDIR', 'SYSTEMROOT', 'TZ']) if (process.env[k] !== undefined) base[k] = process.env[k];
  const env: NodeJS.ProcessEnv = {
    ...base,
    PATH: [join(ctx.repoDir, 'bin'), dirname(ctx.kubectlPath), base.PATH ?? ''].join(delimiter),
    HOME: ctx.homeDir,
    KUBECONFIG: opts.kubeconfig ?? ctx.adminKubeconfigPath,
    NO_COLOR: '1',
    ...(ctx.azure ? { NODE_EXTRA_CA_CERTS: ctx.azure.caPath, ...ctx.azure.env } : {}),
  };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** `kubectl <args>` as a user would run it. */
export function kubectl(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const ctx = e2e();
  return run(ctx.kubectlPath, args, userEnv(ctx, opts), opts);
}

/** `kubectl entra <args>`: kubectl discovers bin/kubectl-entra on PATH. */
export function kubectlEntra(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return kubectl(['entra', ...args], opts);
}

function testsDir(ctx: E2EContext): string {
  const dir = join(ctx.runDir, 'tests');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Writes a kubeconfig for the e2e cluster with the given credential, as `az aks get-credentials`
 * (+ `kubelogin convert-kubeconfig`) would; returns its path.
 */
export function writeUserKubeconfig(
  name: string,
  credential: UserCredential,
  opts: { namespace?: string; userName?: string; server?: string; caPath?: string } = {},
): string {
  const ctx = e2e();
  return writeKubeconfig(join(testsDir(ctx), 'kubeconfigs', `${name}.kubeconfig`), {
    server: opts.server ?? ctx.server,
    caPath: opts.caPath ?? ctx.clusterCaPath,
    credential,
    namespace: opts.namespace,
    userName: opts.userName,
  });
}

/** A client certificate signed by the cluster CA: CN = user name, O = groups. */
export function issueUserCert(name: string, userName: string, groups: string[] = []): CertFiles {
  const ctx = e2e();
  const dir = join(testsDir(ctx), 'certs');
  mkdirSync(dir, { recursive: true });
  // pki.issueCert writes next to the CA's files; a CA view whose dir is ours keeps test certs apart.
  const ca: CA = { dir, certPath: ctx.clusterCaPath, keyPath: ctx.clusterCaKeyPath, certPem: '', keyPem: '' };
  return issueClientCert(ca, name, userName, groups);
}

/** The Azure stand-ins (tokens, secrets, role assignments, settings), reached from this worker. */
export function standIns(): StandInsClient {
  const ctx = e2e();
  if (!ctx.azure) throw new Error('the Azure stand-ins are not running');
  return standInsClient(ctx.azure.rpc);
}

/**
 * The kubelogin exec credential for a seeded principal, as `kubelogin convert-kubeconfig -l <login>` writes
 * it (azurecli for users and guests, spn for service principals, msi for managed identities by default).
 */
export async function kubeloginCredential(principalKey: string, opts?: Parameters<StandInsClient["execUser"]>[1]): Promise<UserCredential> {
  const { exec } = await standIns().execUser(principalKey, opts);
  return {
    kind: 'exec',
    command: exec.command,
    args: exec.args,
    env: Object.fromEntries(exec.env.map((e) => [e.name, e.value])),
    apiVersion: exec.apiVersion as 'client.authentication.k8s.io/v1beta1',
    interactiveMode: exec.interactiveMode,
  };
}

// The whole e2e environment in one call, shared by the vitest global setup and `npm run controlplane`:
// the plugin bundle, the cached control-plane binaries, the Azure stand-ins (+ the bridge workers use),
// an AKS-like control plane wired to them, and the seed. Returns the facts tests need and a stop().
//   KUBECTL_ENTRA_CONTROLPLANE_BIN  use binaries from this directory instead of building/caching them
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startAzureStandIns, type AzureStandIns } from '../../support/azure/index.js';
import type { E2EContext } from './context.js';
import { startControlPlane, type ControlPlane } from './controlplane.js';
import { applySeed } from './seed.js';
import { serveStandIns } from './standins-rpc.js';

export const repoDir = resolve(__dirname, '..', '..', '..');

export interface Environment {
  ctx: E2EContext;
  azure: AzureStandIns;
  controlPlane: ControlPlane;
  stop(): Promise<void>;
}

/** Builds the control-plane binaries once per machine (cached by version) and returns their directory. */
export function controlPlaneBinDir(): string {
  const override = process.env.KUBECTL_ENTRA_CONTROLPLANE_BIN;
  if (override) return override;
  // Progress of a first (cold) build goes straight to the terminal.
  return execFileSync(join(repoDir, 'scripts', 'build-controlplane.sh'), { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop()!;
}

/** Variables that point the plugin's Azure features at the stand-ins, without any credential. */
function endpointEnv(azure: AzureStandIns): Record<string, string> {
  const env = { ...azure.productEnv() };
  for (const k of ['AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_TENANT_ID']) delete env[k];
  return env;
}

/** Starts everything under `root` (which the caller owns and removes). Stops what it started on failure. */
export async function startEnvironment(root: string, log: (m: string) => void): Promise<Environment> {
  const t0 = Date.now();
  const homeDir = join(root, 'home');
  mkdirSync(homeDir, { recursive: true });
  // A PATH entry with just kubectl (not etcd and friends from the same build directory).
  const toolsDir = join(root, 'bin');
  mkdirSync(toolsDir, { recursive: true });
  const kubectlPath = join(toolsDir, 'kubectl');

  let azure: AzureStandIns | undefined;
  let rpc: Awaited<ReturnType<typeof serveStandIns>> | undefined;
  let cp: ControlPlane | undefined;
  const stop = async () => {
    await cp?.stop();
    await rpc?.close();
    await azure?.close();
  };

  try {
    // Tests run the real plugin; never a stale bundle.
    execFileSync(process.execPath, [join(repoDir, 'scripts', 'build.mjs')], { cwd: repoDir, stdio: ['ignore', 'ignore', 'inherit'] });
    const binDir = controlPlaneBinDir();
    symlinkSync(join(binDir, 'kubectl'), kubectlPath);
    log(`plugin bundled; control plane binaries in ${binDir} (${Date.now() - t0} ms)`);

    azure = await startAzureStandIns({ dir: join(root, 'azure') });
    rpc = await serveStandIns(azure);
    cp = await startControlPlane({
      binDir,
      runDir: join(root, 'cluster'),
      keepRunDir: true, // the caller removes root as a whole
      tokenWebhookKubeconfigPath: azure.tokenWebhookKubeconfigPath,
      authzWebhookKubeconfigPath: azure.authzWebhookKubeconfigPath,
      log,
    });
    await cp.waitForControllers();
    await applySeed(kubectlPath, cp.adminKubeconfigPath, homeDir, cp.admin);
    log(`control plane ready at ${cp.server} (kube-apiserver ${cp.startupMs} ms; with stand-ins and seed ${Date.now() - t0} ms)`);

    const ctx: E2EContext = {
      repoDir,
      server: cp.server,
      clusterCaPath: cp.ca.certPath,
      clusterCaKeyPath: cp.ca.keyPath,
      adminKubeconfigPath: cp.adminKubeconfigPath,
      adminCertPath: cp.adminCert.certPath,
      adminKeyPath: cp.adminCert.keyPath,
      runDir: root,
      kubectlPath,
      homeDir,
      startupMs: cp.startupMs,
      azureRbacWebhook: true,
      azure: {
        tenantId: azure.tenantId,
        caPath: azure.caPath,
        entraUrl: azure.entraUrl,
        graphUrl: azure.graphUrl,
        armUrl: azure.armUrl,
        kubeloginPath: azure.kubeloginPath,
        env: endpointEnv(azure),
        rpc: rpc.endpoint,
      },
    };
    return { ctx, azure, controlPlane: cp, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Removes `root` unless asked to keep it. */
export function removeRoot(root: string, keep: boolean, log: (m: string) => void): void {
  if (keep) log(`kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
}

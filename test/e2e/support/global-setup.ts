// vitest globalSetup of the e2e project: makes sure the plugin bundle and the control-plane binaries are
// built, starts the Azure stand-ins and an AKS-like control plane wired to them, applies the seed, hands the
// tests their facts through provide/inject (see context.ts) and tears everything down afterwards.
//   KUBECTL_ENTRA_CONTROLPLANE_BIN  use binaries from this directory instead of building/caching them
//   KUBECTL_ENTRA_E2E_KEEP=1        keep the run directory (logs, kubeconfigs) after the run
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startAzureStandIns, type AzureStandIns } from '../../support/azure/index.js';
import type { AzureFacts, E2EContext } from './context.js';
import { startControlPlane, type ControlPlane } from './controlplane.js';
import { removeOnExit } from './processes.js';
import { applySeed } from './seed.js';
import { serveStandIns } from './standins-rpc.js';

const repoDir = resolve(__dirname, '..', '..', '..');
const say = (m: string) => process.stderr.write(`[e2e setup] ${m}\n`);

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

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t0 = Date.now();
  const keep = process.env.KUBECTL_ENTRA_E2E_KEEP === '1';
  const root = mkdtempSync(join(tmpdir(), 'kubectl-entra-e2e-'));
  if (!keep) removeOnExit(root);
  const homeDir = join(root, 'home');
  mkdirSync(homeDir, { recursive: true });

  let azure: AzureStandIns | undefined;
  let rpc: Awaited<ReturnType<typeof serveStandIns>> | undefined;
  let cp: ControlPlane | undefined;
  const teardown = async () => {
    await cp?.stop();
    await rpc?.close();
    await azure?.close();
    if (keep) say(`kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  };

  try {
    // The tests run the real plugin; never a stale bundle.
    execFileSync(process.execPath, [join(repoDir, 'scripts', 'build.mjs')], { cwd: repoDir, stdio: ['ignore', 'ignore', 'inherit'] });
    const binDir = controlPlaneBinDir();
    say(`plugin bundled, control plane binaries in ${binDir} (${Date.now() - t0} ms)`);

    azure = await startAzureStandIns({ dir: join(root, 'azure') });
    rpc = await serveStandIns(azure);
    cp = await startControlPlane({
      binDir,
      runDir: join(root, 'cluster'),
      keepRunDir: true, // the root is removed as a whole
      tokenWebhookKubeconfigPath: azure.tokenWebhookKubeconfigPath,
      authzWebhookKubeconfigPath: azure.authzWebhookKubeconfigPath,
      log: say,
    });
    await cp.waitForControllers();
    await applySeed(cp.adminKubeconfigPath, homeDir, cp.admin);
    say(`control plane ready at ${cp.server} (apiserver ${cp.startupMs} ms; with stand-ins and seed ${Date.now() - t0} ms)`);

    const azureFacts: AzureFacts = {
      tenantId: azure.tenantId,
      caPath: azure.caPath,
      entraUrl: azure.entraUrl,
      graphUrl: azure.graphUrl,
      armUrl: azure.armUrl,
      kubeloginPath: azure.kubeloginPath,
      env: endpointEnv(azure),
      rpc: rpc.endpoint,
    };
    const ctx: E2EContext = {
      repoDir,
      server: cp.server,
      clusterCaPath: cp.ca.certPath,
      clusterCaKeyPath: cp.ca.keyPath,
      adminKubeconfigPath: cp.adminKubeconfigPath,
      adminCertPath: cp.adminCert.certPath,
      adminKeyPath: cp.adminCert.keyPath,
      runDir: root,
      homeDir,
      startupMs: cp.startupMs,
      azureRbacWebhook: true,
      azure: azureFacts,
    };
    project.provide('e2e', ctx);
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}

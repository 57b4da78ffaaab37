// vitest globalSetup of the e2e project: starts the e2e environment (environment.ts: plugin bundle, cached
// control-plane binaries, Azure stand-ins, AKS-like control plane, seed), hands the tests their facts
// through provide/inject (context.ts) and tears everything down afterwards, also on failure or Ctrl-C.
//   KUBECTL_ENTRA_E2E_KEEP=1   keep the run directory (logs, kubeconfigs) after the run
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import './context.js';
import { removeRoot, startEnvironment } from './environment.js';
import { removeOnExit } from './processes.js';

const say = (m: string) => process.stderr.write(`[e2e setup] ${m}\n`);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const keep = process.env.KUBECTL_ENTRA_E2E_KEEP === '1';
  const root = mkdtempSync(join(tmpdir(), 'kubectl-entra-e2e-'));
  if (!keep) removeOnExit(root);
  let env;
  try {
    env = await startEnvironment(root, say);
  } catch (err) {
    removeRoot(root, keep, say);
    throw err;
  }
  project.provide('e2e', env.ctx);
  return async () => {
    await env.stop();
    removeRoot(root, keep, say);
  };
}

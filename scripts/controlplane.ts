// `npm run controlplane -- start|stop|status`: the e2e environment (AKS-like control plane + Azure stand-ins
// + seed) for humans, e.g. to try the plugin by hand or record a demo. `start` runs it in a background
// process and prints the admin kubeconfig and ready-made user kubeconfigs; `stop` tears it all down.
// State lives in <repo>/.tmp/controlplane/ (state.json, daemon.log).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeKubeconfig } from '../test/e2e/support/kubeconfig.js';
import { removeRoot, repoDir, startEnvironment } from '../test/e2e/support/environment.js';
import { removeOnExit } from '../test/e2e/support/processes.js';

const stateDir = join(repoDir, '.tmp', 'controlplane');
const statePath = join(stateDir, 'state.json');
const logPath = join(stateDir, 'daemon.log');

interface State {
  pid: number;
  root: string;
  server?: string;
  adminKubeconfig?: string;
  userKubeconfigs?: Record<string, string>;
  env?: Record<string, string>;
  error?: string;
}

const readState = (): State | undefined => (existsSync(statePath) ? (JSON.parse(readFileSync(statePath, 'utf8')) as State) : undefined);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The background process: starts the environment, records it in state.json, runs until SIGTERM/SIGINT. */
async function serve(): Promise<void> {
  const root = mkdtempSync(join(stateDir, 'run-'));
  removeOnExit(root);
  const log = (m: string) => process.stderr.write(`${new Date().toISOString()} ${m}\n`);
  try {
    const env = await startEnvironment(root, log);
    const { ctx, azure } = env;
    // Ready-made user kubeconfigs, as `az aks get-credentials` + `kubelogin convert-kubeconfig` write them.
    const users: Record<string, string> = {};
    for (const key of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'ci-deployer']) {
      const { exec } = azure.execUser(key);
      users[key] = writeKubeconfig(join(root, 'kubeconfigs', `${key}.kubeconfig`), {
        server: ctx.server,
        caPath: ctx.clusterCaPath,
        credential: {
          kind: 'exec',
          command: exec.command,
          args: exec.args,
          env: Object.fromEntries(exec.env.map((e) => [e.name, e.value])),
        },
      });
    }
    const state: State = {
      pid: process.pid,
      root,
      server: ctx.server,
      adminKubeconfig: ctx.adminKubeconfigPath,
      userKubeconfigs: users,
      env: { ...ctx.azure!.env, NODE_EXTRA_CA_CERTS: ctx.azure!.caPath, PATH: `${join(repoDir, 'bin')}:${dirname(ctx.kubectlPath)}:$PATH` },
    };
    writeFileSync(statePath, JSON.stringify(state, null, 2));
    const shutdown = async () => {
      log('stopping');
      await env.stop();
      removeRoot(root, false, log);
      rmSync(statePath, { force: true });
      process.exit(0);
    };
    process.once('SIGTERM', () => void shutdown());
    process.once('SIGINT', () => void shutdown());
    setInterval(() => {}, 1 << 30);
  } catch (err) {
    writeFileSync(statePath, JSON.stringify({ pid: process.pid, root, error: (err as Error).message }, null, 2));
    process.exit(1);
  }
}

async function start(): Promise<number> {
  const existing = readState();
  if (existing && alive(existing.pid)) {
    if (existing.adminKubeconfig) return printState(existing, 'already running');
    console.error(`controlplane: a start is in progress (pid ${existing.pid}); see ${logPath}`);
    return 1;
  }
  mkdirSync(stateDir, { recursive: true });
  rmSync(statePath, { force: true });
  const out = openSync(logPath, 'w');
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, __filename, 'serve'], {
    detached: true,
    stdio: ['ignore', out, out],
    cwd: repoDir,
  });
  child.unref();
  console.error(`controlplane: starting (pid ${child.pid}; log ${logPath})`);
  for (let waited = 0; waited < 15 * 60_000; waited += 250) {
    const state = readState();
    if (state?.error) {
      console.error(`controlplane: failed to start: ${state.error}\n(see ${logPath})`);
      return 1;
    }
    if (state?.adminKubeconfig) return printState(state, 'ready');
    if (child.exitCode !== null || !alive(child.pid!)) {
      console.error(`controlplane: the background process exited; see ${logPath}`);
      return 1;
    }
    await sleep(250);
  }
  console.error('controlplane: not ready after 15 minutes (a first build may still be running); see the log');
  return 1;
}

function printState(state: State, word: string): number {
  console.error(`controlplane: ${word} at ${state.server}`);
  console.error('user kubeconfigs (kubelogin stand-in exec credentials):');
  for (const [k, v] of Object.entries(state.userKubeconfigs ?? {})) console.error(`  ${k.padEnd(12)} ${v}`);
  console.error('to use the plugin against it:');
  for (const [k, v] of Object.entries(state.env ?? {})) console.error(`  export ${k}=${k === 'PATH' ? v : JSON.stringify(v)}`);
  console.error(`  export KUBECONFIG=${state.adminKubeconfig}   # admin (system:masters)`);
  // stdout: just the admin kubeconfig path, for scripts.
  console.log(state.adminKubeconfig);
  return 0;
}

async function stop(): Promise<number> {
  const state = readState();
  if (!state || !alive(state.pid)) {
    rmSync(statePath, { force: true });
    console.error('controlplane: not running');
    return 0;
  }
  process.kill(state.pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(state.pid); i++) await sleep(100);
  if (alive(state.pid)) process.kill(state.pid, 'SIGKILL');
  rmSync(statePath, { force: true });
  console.error('controlplane: stopped');
  return 0;
}

async function main(): Promise<void> {
  const cmd = process.argv[2];
  if (cmd === 'serve') return serve();
  if (cmd === 'start') process.exitCode = await start();
  else if (cmd === 'stop') process.exitCode = await stop();
  else if (cmd === 'status') {
    const s = readState();
    process.exitCode = s && alive(s.pid) && s.adminKubeconfig ? printState(s, 'running') : (console.error('controlplane: not running'), 3);
  } else {
    console.error('usage: npm run controlplane -- start|stop|status');
    process.exitCode = 2;
  }
}

void main();

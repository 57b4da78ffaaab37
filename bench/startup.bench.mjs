// Start-up time of the single executable: `kubectl entra --help` and `kubectl entra whoami --offline`
// (a static demo token minted now) against `kubectl version --client`, as a user runs them (kubectl finds
// the plugin on PATH), and for comparison the binary run directly and bin/kubectl-entra on the
// machine's Node. Several interleaved runs each; medians; the ratio the issue asks for (within 2x).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TARGETS, hostTarget } from '../scripts/sea/targets.mjs';
import { packagingFingerprint } from '../scripts/sea/fingerprint.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.STARTUP_BENCH_RUNS ?? 15);
const WARMUP = 2;
const host = hostTarget();
const t = TARGETS[host];

/** The host's single executable, packaged again only if the bundle or the recipe changed. */
function executable() {
  const exe = join(root, 'dist', 'sea', `${t.os}_${t.arch}`, t.exe);
  let current = false;
  try {
    const info = JSON.parse(readFileSync(join(root, 'dist', 'sea', 'build-info.json'), 'utf8'));
    current = info.targets.some((x) => x.target === host && x.fingerprint === packagingFingerprint(root)) && existsSync(exe);
  } catch {
    // not packaged yet
  }
  if (!current) {
    console.log(`packaging ${host} (npm run package -- --targets=${host} --skip-build) ...`);
    execFileSync(process.execPath, [join(root, 'scripts', 'package.mjs'), `--targets=${host}`, '--skip-build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return exe;
}

/** A kubeconfig whose user has a static Entra-shaped token, minted now by the bundled demo's token stand-in. */
function demoKubeconfig(dir) {
  const cred = JSON.parse(execFileSync(process.execPath, [join(root, 'examples', 'demo', 'demo-token')], { encoding: 'utf8' }));
  const path = join(dir, 'kubeconfig');
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: aks-demo',
      'clusters:',
      '- name: aks-demo',
      '  cluster: {server: "https://aks-demo-dns-00000000.hcp.westeurope.azmk8s.io:443"}',
      'contexts:',
      '- name: aks-demo',
      '  context: {cluster: aks-demo, user: demo, namespace: team-a}',
      'users:',
      '- name: demo',
      `  user: {token: "${cred.status.token}"}`,
      '',
    ].join('\n'),
  );
  return path;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function timeOnce(cmd, args, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const exe = executable();
const dir = mkdtempSync(join(tmpdir(), 'kubectl-entra-startup-'));
try {
  const kubeconfig = demoKubeconfig(dir);
  const base = { ...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1' };
  const strip = (p) => (p ?? '').split(delimiter).filter((d) => d && d !== join(root, 'bin')).join(delimiter);
  // kubectl finds the single executable first; the repo's bin/ is kept off PATH.
  const seaEnv = { ...base, PATH: [dirname(exe), strip(process.env.PATH)].join(delimiter) };
  const nodeEnv = { ...base, PATH: [join(root, 'bin'), strip(process.env.PATH)].join(delimiter) };
  const cases = [
    { name: 'kubectl version --client', cmd: 'kubectl', args: ['version', '--client'], env: seaEnv },
    { name: 'kubectl entra --help (binary)', cmd: 'kubectl', args: ['entra', '--help'], env: seaEnv, vs: 0 },
    { name: 'kubectl entra whoami --offline (binary)', cmd: 'kubectl', args: ['entra', 'whoami', '--offline'], env: seaEnv, vs: 0 },
    { name: 'kubectl-entra --help (binary, direct)', cmd: exe, args: ['--help'], env: seaEnv },
    { name: 'kubectl-entra whoami --offline (binary, direct)', cmd: exe, args: ['whoami', '--offline'], env: seaEnv },
    { name: `kubectl entra --help (bin/ on Node ${process.version})`, cmd: 'kubectl', args: ['entra', '--help'], env: nodeEnv, vs: 0 },
    { name: `kubectl entra whoami --offline (bin/ on Node ${process.version})`, cmd: 'kubectl', args: ['entra', 'whoami', '--offline'], env: nodeEnv, vs: 0 },
  ];
  for (const c of cases) {
    c.times = [];
    for (let i = 0; i < WARMUP; i++) timeOnce(c.cmd, c.args, c.env);
  }
  // Interleaved, so drift in the machine's load touches every case alike.
  for (let i = 0; i < RUNS; i++) for (const c of cases) c.times.push(timeOnce(c.cmd, c.args, c.env));

  const width = Math.max(...cases.map((c) => c.name.length));
  console.log(`start-up, wall time of ${RUNS} runs each (median, min..max), ${host}, executable ${exe.slice(root.length + 1)}`);
  for (const c of cases) {
    const med = median(c.times);
    const ratio = c.vs === undefined ? '' : `  ${(med / median(cases[c.vs].times)).toFixed(2)}x kubectl version --client`;
    console.log(`  ${c.name.padEnd(width)}  ${med.toFixed(1).padStart(7)} ms  (${Math.min(...c.times).toFixed(1)}..${Math.max(...c.times).toFixed(1)})${ratio}`);
  }
  const baseline = median(cases[0].times);
  const viaKubectl = Math.max(median(cases[1].times), median(cases[2].times)) / baseline;
  const direct = Math.max(median(cases[3].times), median(cases[4].times)) / baseline;
  const verdict = (r) => `${r.toFixed(2)}x ${r <= 2 ? '(within 2x)' : '(over 2x)'}`;
  // kubectl execs the plugin after its own start-up, so "through kubectl" includes one kubectl start.
  console.log(`ratio to kubectl version --client, slower of --help and whoami --offline: binary direct ${verdict(direct)}; through kubectl ${verdict(viaKubectl)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

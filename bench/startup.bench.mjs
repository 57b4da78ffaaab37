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

// GNU time, where there is one, also gives the CPU time of each run (user + system), which a busy
// machine disturbs far less than wall time.
const GNU_TIME = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%U', 'true'], { stdio: 'ignore' }).status === 0 ? '/usr/bin/time' : null;

function timeOnce(cmd, args, env, cpuFile) {
  const [c, a] = GNU_TIME ? [GNU_TIME, ['-f', '%U %S', '-o', cpuFile, cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c, a, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const cpu = GNU_TIME ? readFileSync(cpuFile, 'utf8').trim().split(/\s+/).reduce((x, y) => x + Number(y) * 1000, 0) : NaN;
  return { ms, cpu };
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
  const cpuFile = join(dir, 'cpu');
  for (const c of cases) {
    c.times = [];
    c.cpu = [];
    for (let i = 0; i < WARMUP; i++) timeOnce(c.cmd, c.args, c.env, cpuFile);
  }
  // Interleaved, so drift in the machine's load touches every case alike.
  for (let i = 0; i < RUNS; i++) {
    for (const c of cases) {
      const { ms, cpu } = timeOnce(c.cmd, c.args, c.env, cpuFile);
      c.times.push(ms);
      c.cpu.push(cpu);
    }
  }

  const width = Math.max(...cases.map((c) => c.name.length));
  console.log(`start-up, wall time of ${RUNS} runs each (median, min..max${GNU_TIME ? '; median CPU time' : ''}), ${host}, executable ${exe.slice(root.length + 1)}`);
  for (const c of cases) {
    const med = median(c.times);
    const ratio = c.vs === undefined ? '' : `  ${(med / median(cases[c.vs].times)).toFixed(2)}x kubectl version --client`;
    const cpu = GNU_TIME ? `  cpu ${median(c.cpu).toFixed(0).padStart(4)} ms` : '';
    console.log(`  ${c.name.padEnd(width)}  ${med.toFixed(1).padStart(7)} ms  (${Math.min(...c.times).toFixed(1)}..${Math.max(...c.times).toFixed(1)})${cpu}${ratio}`);
  }
  const baseline = median(cases[0].times);
  const viaKubectl = Math.max(median(cases[1].times), median(cases[2].times)) / baseline;
  const direct = Math.max(median(cases[3].times), median(cases[4].times)) / baseline;
  const verdict = (r) => `${r.toFixed(2)}x ${r <= 2 ? '(within 2x)' : '(over 2x)'}`;
  // kubectl execs the plugin after its own start-up, so "through kubectl" includes one kubectl start.
  console.log(`ratio to kubectl version --client, slower of --help and whoami --offline: binary direct ${verdict(direct)}; through kubectl ${verdict(viaKubectl)}`);
  if (GNU_TIME) {
    const cpuBase = median(cases[0].cpu);
    const cpuDirect = Math.max(median(cases[3].cpu), median(cases[4].cpu)) / cpuBase;
    console.log(`same in CPU time (user + system, steadier on a busy machine): binary direct ${cpuDirect.toFixed(2)}x`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// `npm run package`: single-file executables of kubectl-entra (Node.js SEA), their release archives,
// a checksums file and the krew manifest dist/krew/entra.yaml with real sha256 sums.
//
//   node scripts/package.mjs                      every target whose Node binary is in the npm registry
//   node scripts/package.mjs --targets=linux/amd64[,windows/amd64...]
//   node scripts/package.mjs --targets=darwin/arm64 --node-binary="$(node -p process.execPath)"
//                                                 (release workflow: the runner's own Node, native)
//   node scripts/package.mjs --manifest-only      checksums + krew manifest from archives already in dist/
// Other flags: --tag=vX.Y.Z (default v<package.json version>), --skip-build, --base-url=URL (krew URIs
// point there instead of the GitHub release, e.g. a loopback server in tests).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TARGETS, NODE_VERSION, archiveName, hostTarget } from './sea/targets.mjs';
import { nodeFromNpm, sha256File } from './sea/node-binary.mjs';
import { buildSea, postjectCli } from './sea/sea.mjs';
import { tarGz, zip } from './sea/archive.mjs';
import { renderKrewManifest } from './sea/krew-manifest.mjs';
import { packagingFingerprint } from './sea/fingerprint.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const log = (msg) => process.stderr.write(`package: ${msg}\n`);

const { values: flags } = parseArgs({
  options: {
    targets: { type: 'string' },
    'node-binary': { type: 'string' },
    tag: { type: 'string' },
    'skip-build': { type: 'boolean', default: false },
    'manifest-only': { type: 'boolean', default: false },
    'base-url': { type: 'string' },
  },
});

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const tag = flags.tag ?? `v${pkg.version}`;
const host = hostTarget();

function selectTargets() {
  if (!flags.targets) return Object.keys(TARGETS).filter((t) => TARGETS[t].npm || (t === host && flags['node-binary']));
  const list = flags.targets === 'all' ? Object.keys(TARGETS) : flags.targets.split(',').map((s) => s.trim());
  for (const t of list) if (!TARGETS[t]) throw new Error(`unknown target ${t}; known: ${Object.keys(TARGETS).join(', ')}`);
  if (flags['node-binary'] && list.length !== 1) throw new Error('--node-binary goes with exactly one --targets entry');
  return list;
}

/**
 * In a SEA, `require` loads only Node's built-in modules: everything else must be in the bundle. A require
 * of a module left out is fine only where the code guards it (optional dependencies in try/catch).
 */
function checkRequires(bundleText) {
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  const optional = new Set();
  const unguarded = new Set();
  for (const m of bundleText.matchAll(/\brequire\(\s*(["'])([^"']+)\1\s*\)/g)) {
    if (builtins.has(m[2]) || m[2].startsWith('node:')) continue;
    const before = bundleText.slice(Math.max(0, m.index - 200), m.index);
    (/\btry\s*\{[^}]*$/.test(before) ? optional : unguarded).add(m[2]);
  }
  if (optional.size) log(`optional modules not in the bundle (guarded by try/catch): ${[...optional].join(', ')}`);
  if (unguarded.size) {
    log(`warning: the bundle requires modules that are not in it and that a single executable cannot load: ${[...unguarded].join(', ')}`);
  }
}

/** Runs `version -o json` (under `runner`, e.g. qemu, when given) and checks what the executable says. */
function smokeTest(exe, runner = []) {
  const [cmd, ...args] = [...runner, exe, 'version', '-o', 'json'];
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${exe} version failed (exit ${r.status}): ${r.stderr}`);
  if (r.stderr) throw new Error(`${exe} version wrote to stderr: ${r.stderr}`);
  const v = JSON.parse(r.stdout);
  if (v.version !== `v${pkg.version}`) throw new Error(`${exe} says version ${v.version}, expected v${pkg.version}`);
  return v;
}

// Debian's libc6-arm64-cross + libstdc++6-arm64-cross; with qemu-user the arm64 executable runs here too.
const QEMU_ARM64_SYSROOT = '/usr/aarch64-linux-gnu';

function onPath(cmd) {
  return spawnSync(process.platform === 'win32' ? 'where' : 'which', [cmd], { stdio: 'ignore' }).status === 0;
}

function sourceDateEpoch() {
  if (process.env.SOURCE_DATE_EPOCH) return Number(process.env.SOURCE_DATE_EPOCH);
  try {
    return Number(execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: root, encoding: 'utf8' }).trim());
  } catch {
    return 0;
  }
}

function buildTarget(target, bundle, mtime) {
  const t = TARGETS[target];
  const started = Date.now();
  let nodeBinary;
  let source;
  if (flags['node-binary']) {
    nodeBinary = resolve(flags['node-binary']);
    source = `given: ${nodeBinary}`;
  } else if (t.npm) {
    nodeBinary = nodeFromNpm(t.npm, log);
    source = `npm: ${t.npm.name}@${t.npm.version} (${t.npm.integrity})`;
  } else {
    throw new Error(`${target}: no Node ${NODE_VERSION} binary in the npm registry; build it on that platform with --node-binary`);
  }
  // The blob must be written by the same Node version; the code cache only by the very same binary.
  const native = target === host;
  let blobNode = nodeBinary;
  if (!native) {
    const hostPin = TARGETS[host]?.npm;
    if (!hostPin || hostPin.version !== (t.npm?.version ?? NODE_VERSION)) {
      throw new Error(`${target}: cannot cross-build from ${host} (no matching Node for this machine)`);
    }
    blobNode = nodeFromNpm(hostPin, log);
  }
  const embeddedVersion = execFileSync(blobNode, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
  // Every platform ships the same Node; the release workflow's setup-node must match targets.mjs.
  if (embeddedVersion !== `v${NODE_VERSION}`) {
    throw new Error(`${target}: Node ${embeddedVersion} given, but the executables embed v${NODE_VERSION} (scripts/sea/targets.mjs)`);
  }

  const outDir = join(dist, 'sea', `${t.os}_${t.arch}`);
  // Built in a directory of this process's own and moved into place, so two runs at once (a test and a
  // bench, say) never see each other's half-written files.
  const workDir = join(outDir, `.work-${process.pid}`);
  mkdirSync(workDir, { recursive: true });
  const exe = join(outDir, t.exe);
  log(`${target}: building single executable on Node ${embeddedVersion}${native ? ' with V8 code cache' : ''}`);
  let binaryEdits;
  try {
    ({ signing: binaryEdits } = buildSea({ bundle, nodeBinary, blobNode, target: t, workDir, outFile: join(workDir, t.exe), codeCache: native }));
    renameSync(join(workDir, t.exe), exe);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }

  let smoke = null;
  if (native) smoke = smokeTest(exe);
  else if (target === 'linux/arm64' && host === 'linux/amd64' && existsSync(QEMU_ARM64_SYSROOT) && onPath('qemu-aarch64')) {
    smoke = { ...smokeTest(exe, ['qemu-aarch64', '-L', QEMU_ARM64_SYSROOT]), emulatedBy: 'qemu-aarch64' };
  }

  const entries = [
    { name: t.exe, data: readFileSync(exe), mode: 0o755 },
    { name: 'LICENSE', data: readFileSync(join(root, 'LICENSE')), mode: 0o644 },
  ];
  const archive = join(dist, archiveName(target, tag));
  writeAtomic(archive, t.archive === 'zip' ? zip(entries, mtime) : tarGz(entries, mtime));
  const info = {
    target,
    node: embeddedVersion,
    nodeSource: source,
    nodeSha256: sha256File(nodeBinary),
    codeCache: native,
    fingerprint: packagingFingerprint(root),
    binaryEdits,
    executable: relative(root, exe),
    executableBytes: statSync(exe).size,
    archive: relative(root, archive),
    archiveBytes: statSync(archive).size,
    archiveSha256: sha256File(archive),
    smokeTest: smoke,
    seconds: (Date.now() - started) / 1000,
  };
  if (smoke) log(`${target}: ${smoke.emulatedBy ? `runs under ${smoke.emulatedBy}` : 'runs'}: ${smoke.version} on Node ${smoke.nodeVersion} (${smoke.platform})`);
  log(
    `${target}: ${info.executable} ${(info.executableBytes / 1e6).toFixed(1)} MB, ${info.archive} ${(info.archiveBytes / 1e6).toFixed(1)} MB, ${info.seconds.toFixed(1)} s`,
  );
  return info;
}

function writeAtomic(path, data) {
  writeFileSync(`${path}.${process.pid}`, data);
  renameSync(`${path}.${process.pid}`, path);
}

function writeChecksumsAndManifest() {
  const prefix = `kubectl-entra_${tag}_`;
  const archives = readdirSync(dist).filter((f) => f.startsWith(prefix) && /\.(tar\.gz|zip)$/.test(f)).sort();
  const sums = new Map(archives.map((f) => [f, sha256File(join(dist, f))]));
  writeAtomic(join(dist, `${prefix}checksums.txt`), archives.map((f) => `${sums.get(f)}  ${f}\n`).join(''));

  const template = readFileSync(join(root, 'krew', 'entra.yaml'), 'utf8');
  const { text, included, omitted } = renderKrewManifest(template, tag, (f) => sums.get(f), { baseUrl: flags['base-url'] });
  mkdirSync(join(dist, 'krew'), { recursive: true });
  writeAtomic(join(dist, 'krew', 'entra.yaml'), text);
  log(`dist/krew/entra.yaml: ${included.length} platform(s)${omitted.length ? `; left out (not built here): ${omitted.join(', ')}` : ''}`);
}

try {
  const started = Date.now();
  if (!flags['manifest-only']) {
    const targets = selectTargets();
    if (!flags['skip-build']) {
      const b = Date.now();
      execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
      log(`bundle built in ${((Date.now() - b) / 1000).toFixed(1)} s`);
    }
    const bundle = join(dist, 'kubectl-entra.cjs');
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run build`);
    checkRequires(readFileSync(bundle, 'utf8'));
    postjectCli(log);
    const mtime = sourceDateEpoch();
    const infos = targets.map((t) => buildTarget(t, bundle, mtime));
    // Keep what earlier runs recorded for the targets not built this time.
    const infoFile = join(dist, 'sea', 'build-info.json');
    let earlier = [];
    try {
      const prev = JSON.parse(readFileSync(infoFile, 'utf8'));
      if (prev.tag === tag) earlier = prev.targets.filter((p) => !targets.includes(p.target) && existsSync(join(root, p.archive)));
    } catch {
      // first run
    }
    writeAtomic(infoFile, JSON.stringify({ tag, targets: [...earlier, ...infos] }, null, 2) + '\n');
  }
  writeChecksumsAndManifest();
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (e) {
  log(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}

// Install through krew, as a user does: krew and validate-krew-manifest built from the Go module proxy, the
// linux/amd64 single executable from `npm run package`, `kubectl krew install --manifest --archive` into a
// temporary KREW_ROOT, then `kubectl entra` run from krew's bin directory (not the repo's bin/) against the
// real control plane. The single executable embeds its own Node, so `version` must report that Node and
// not the machine's.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir, homedir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderKrewManifest } from '../../scripts/sea/krew-manifest.mjs';
import { NODE_VERSION, archiveName } from '../../scripts/sea/targets.mjs';
import { packagingFingerprint } from '../../scripts/sea/fingerprint.mjs';
import { e2e, issueUserCert, run, userEnv, writeUserKubeconfig, type RunResult } from './support/kubectl.js';

const KREW_VERSION = 'v0.4.4';
const repoDir = join(__dirname, '..', '..');
const dist = join(repoDir, 'dist');
const pkgVersion = (JSON.parse(readFileSync(join(repoDir, 'package.json'), 'utf8')) as { version: string }).version;
const tag = `v${pkgVersion}`;
const archive = join(dist, archiveName('linux/amd64', tag));
const say = (m: string) => process.stderr.write(`[krew-install] ${m}\n`);

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** krew and validate-krew-manifest, built once per version into the cache (go install, no replace directives). */
function krewTools(): string {
  const cache = process.env.KUBECTL_ENTRA_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kubectl-entra');
  const bin = join(cache, 'krew', KREW_VERSION, 'bin');
  if (existsSync(join(bin, 'kubectl-krew')) && existsSync(join(bin, 'validate-krew-manifest'))) return bin;
  const building = `${bin}.tmp-${process.pid}`;
  mkdirSync(building, { recursive: true });
  const t0 = Date.now();
  execFileSync(
    'go',
    ['install', `sigs.k8s.io/krew/cmd/krew@${KREW_VERSION}`, `sigs.k8s.io/krew/cmd/validate-krew-manifest@${KREW_VERSION}`],
    { cwd: tmpdir(), env: { ...process.env, GOBIN: building, GOFLAGS: '-buildvcs=false' }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  // kubectl finds krew as the plugin kubectl-krew.
  copyFileSync(join(building, 'krew'), join(building, 'kubectl-krew'));
  rmSync(bin, { recursive: true, force: true });
  renameSync(building, bin);
  say(`built krew ${KREW_VERSION} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return bin;
}

/** The linux/amd64 archive and manifest from `npm run package`, rebuilt only when the bundle or the recipe changed. */
function packaged(): void {
  const fingerprint = packagingFingerprint(repoDir);
  try {
    const info = JSON.parse(readFileSync(join(dist, 'sea', 'build-info.json'), 'utf8')) as {
      tag: string;
      targets: { target: string; fingerprint: string; archiveSha256: string }[];
    };
    const t = info.targets.find((x) => x.target === 'linux/amd64');
    if (info.tag === tag && t?.fingerprint === fingerprint && existsSync(archive) && sha256(archive) === t.archiveSha256 && existsSync(join(dist, 'krew', 'entra.yaml'))) {
      say('reusing the packaged linux/amd64 archive');
      return;
    }
  } catch {
    // nothing packaged yet
  }
  const t0 = Date.now();
  // The global setup has just built the bundle.
  execFileSync(process.execPath, [join(repoDir, 'scripts', 'package.mjs'), '--targets=linux/amd64', '--skip-build'], {
    cwd: repoDir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  say(`packaged linux/amd64 in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** Serves dist/ on loopback so validate-krew-manifest can download and install every platform. */
function serveDist(): Promise<Server> {
  const server = createServer((req, res) => {
    const file = join(dist, basename(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const onLinuxAmd64 = process.platform === 'linux' && process.arch === 'x64';

describe.skipIf(!onLinuxAmd64)('install through krew', () => {
  let tools = '';
  let work = '';
  let krewRoot = '';

  beforeAll(() => {
    tools = krewTools();
    packaged();
    work = join(e2e().runDir, 'krew');
    krewRoot = join(work, 'root');
    mkdirSync(work, { recursive: true });
  }, 600_000);

  /** A user's shell with krew's bin dir on PATH and never the repo's bin/. */
  function env(kubeconfig?: string): NodeJS.ProcessEnv {
    const base = userEnv(e2e(), { kubeconfig });
    const systemPath = (process.env.PATH ?? '').split(delimiter).filter((p) => p && !p.startsWith(join(repoDir, 'bin')));
    // kubectl is the one built with the control plane, so the test needs no system kubectl.
    return { ...base, KREW_ROOT: krewRoot, PATH: [join(krewRoot, 'bin'), tools, dirname(e2e().kubectlPath), ...systemPath].join(delimiter) };
  }
  const kubectl = (args: string[], kubeconfig?: string): Promise<RunResult> =>
    run('kubectl', args, env(kubeconfig), { timeoutMs: 60_000 });

  it('validate-krew-manifest accepts the generated manifest', async () => {
    const r = await run(join(tools, 'validate-krew-manifest'), ['-manifest', join(dist, 'krew', 'entra.yaml'), '-skip-install'], env());
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/structural validation OK/);
  });

  it('validate-krew-manifest accepts the template rendered for all five platforms, as the release renders it', async () => {
    const template = readFileSync(join(repoDir, 'krew', 'entra.yaml'), 'utf8');
    const { text, included } = renderKrewManifest(template, tag, () => sha256(join(repoDir, 'LICENSE')) /* any well-formed sum: nothing is downloaded */);
    expect(included).toHaveLength(5);
    const manifest = join(work, 'all-platforms', 'entra.yaml');
    mkdirSync(join(work, 'all-platforms'), { recursive: true });
    writeFileSync(manifest, text);
    const r = await run(join(tools, 'validate-krew-manifest'), ['-manifest', manifest, '-skip-install'], env());
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/no overlapping spec.platform/);
  });

  it('validate-krew-manifest installs every platform it names, LICENSE included', async () => {
    const server = await serveDist();
    try {
      const { port } = server.address() as AddressInfo;
      const sums = new Map<string, string>();
      const template = readFileSync(join(repoDir, 'krew', 'entra.yaml'), 'utf8');
      // Same manifest as dist/krew/entra.yaml, with the URIs on loopback instead of the GitHub release.
      const local = readFileSync(join(dist, 'krew', 'entra.yaml'), 'utf8');
      for (const m of local.matchAll(/uri: \S+\/(kubectl-entra_\S+)\s+sha256: ([0-9a-f]{64})/g)) sums.set(m[1], m[2]);
      const { text, included } = renderKrewManifest(template, tag, (f) => sums.get(f), { baseUrl: `http://127.0.0.1:${port}` });
      expect(included).toContain(basename(archive));
      const manifest = join(work, 'loopback', 'entra.yaml');
      mkdirSync(join(work, 'loopback'), { recursive: true });
      writeFileSync(manifest, text);
      const r = await run(join(tools, 'validate-krew-manifest'), ['-manifest', manifest], env(), { timeoutMs: 180_000 });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`all ${included.length} spec.platforms installed fine`));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 200_000);

  it('kubectl krew install --manifest --archive puts kubectl-entra in krew\'s bin directory', async () => {
    const r = await kubectl(['krew', 'install', `--manifest=${join(dist, 'krew', 'entra.yaml')}`, `--archive=${archive}`]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Installed plugin: entra/);
    const link = join(krewRoot, 'bin', 'kubectl-entra');
    expect(readlinkSync(link)).toBe(join(krewRoot, 'store', 'entra', tag, 'kubectl-entra'));
    expect(existsSync(join(krewRoot, 'store', 'entra', tag, 'LICENSE'))).toBe(true);
    // krew's receipt (what `krew list` reads; `krew list` itself wants an index, which needs the internet).
    expect(readFileSync(join(krewRoot, 'receipts', 'entra.yaml'), 'utf8')).toMatch(new RegExp(`version: ${tag}`));
    // kubectl resolves the plugin to krew's link, first on PATH.
    const plugins = await kubectl(['plugin', 'list', '--name-only=false']);
    expect(plugins.stdout.split('\n').find((l) => l.endsWith('kubectl-entra'))).toBe(link);
  }, 120_000);

  it('kubectl entra version reports the embedded Node, not the machine\'s', async () => {
    const r = await kubectl(['entra', 'version', '-o', 'json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout) as { version: string; gitCommit: string; nodeVersion: string; platform: string };
    expect(v.version).toBe(tag);
    expect(v.nodeVersion).toBe(`v${NODE_VERSION}`);
    expect(v.nodeVersion).not.toBe(process.version);
    expect(v.gitCommit).toMatch(/^[0-9a-f]{7,40}$/);
    expect(v.platform).toBe('linux/x64');
    expect(r.stderr).toBe('');
  });

  it('kubectl entra whoami asks the real control plane who a client-certificate user is', async () => {
    const cert = issueUserCert('krew-carol', 'carol@contoso.com', ['krew-testers']);
    const kubeconfig = writeUserKubeconfig('krew-carol', { kind: 'clientCertificate', certPath: cert.certPath, keyPath: cert.keyPath });
    const r = await kubectl(['entra', 'whoami', '-o', 'json'], kubeconfig);
    expect(r.exitCode, r.stderr).toBe(0);
    const who = JSON.parse(r.stdout) as { credential: { source: string }; server: { username: string; groups: string[] } | null };
    expect(who.credential.source).toBe('clientCertificate');
    expect(who.server?.username).toBe('carol@contoso.com');
    expect(who.server?.groups).toEqual(expect.arrayContaining(['krew-testers', 'system:authenticated']));
  });

  afterAll(() => {
    if (krewRoot) rmSync(krewRoot, { recursive: true, force: true });
  });
});

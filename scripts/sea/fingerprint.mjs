// What a packaged executable was made from: the bundle and the packaging recipe. Tests and benches
// compare it with dist/sea/build-info.json to decide whether the executables there are current.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function packagingFingerprint(root) {
  const h = createHash('sha256');
  const seaDir = join(root, 'scripts', 'sea');
  const files = [
    join(root, 'dist', 'kubectl-entra.cjs'),
    join(root, 'scripts', 'package.mjs'),
    join(root, 'LICENSE'),
    ...readdirSync(seaDir).filter((f) => f.endsWith('.mjs')).sort().map((f) => join(seaDir, f)),
  ];
  for (const f of files) h.update(f.slice(root.length)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex');
}

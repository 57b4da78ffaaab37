// `npm run bench`: runs every bench/*.bench.{ts,mjs} in turn and lets each print its own figures.
// TypeScript benches are bundled with esbuild first so they measure the same code the CLI ships.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => /\.bench\.(ts|mjs)$/.test(f))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
const tmp = mkdtempSync(join(tmpdir(), 'kubectl-entra-bench-'));
let failed = 0;
try {
  for (const f of benches) {
    console.log(`\n== ${f} ==`);
    let entry = join(here, f);
    if (f.endsWith('.ts')) {
      const out = join(tmp, f.replace(/\.ts$/, '.cjs'));
      await build({ entryPoints: [entry], outfile: out, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
      entry = out;
    }
    const r = spawnSync(process.execPath, ['--expose-gc', entry], { stdio: 'inherit', cwd: join(here, '..') });
    if (r.status !== 0) {
      failed++;
      console.error(`bench ${f} failed (exit ${r.status})`);
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;

// The way users run it: a fresh, bundled Node process configured only by the environment (service
// principal variables, AZURE_AUTHORITY_HOST, KUBECTL_ENTRA_GRAPH_ENDPOINT, NODE_EXTRA_CA_CERTS) names
// groups through the Entra and Graph stand-ins; with the stand-in's Graph hung it gives up on time.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startAzureStandIns, type AzureStandIns } from '../../support/azure/index.js';

let s: AzureStandIns;
let bundle: string;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'azure-child-'));
  s = await startAzureStandIns({ dir });
  bundle = join(dir, 'names.cjs');
  const client = resolve(__dirname, '../../../src/azure/client.ts').replace(/\\/g, '/');
  await build({
    stdin: {
      contents: `import { createGroupDirectory } from ${JSON.stringify(client)};
        createGroupDirectory({}, process.env, { timeoutMs: Number(process.env.TIMEOUT_MS || 10000) })
          .groupNames(process.argv.slice(2))
          .then((m) => console.log(JSON.stringify(Object.fromEntries(m))), (e) => { console.error('error: ' + e.message); process.exitCode = 3; });`,
      resolveDir: __dirname,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: bundle,
    logLevel: 'error',
  });
}, 60_000);
afterAll(async () => {
  await s?.close();
});

function run(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string; ms: number }>((done) => {
    const t0 = Date.now();
    execFile(process.execPath, [bundle, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

it('names groups from a fresh process configured by the environment alone', async () => {
  const team = s.directory.groups['aks-team-a-devs']!;
  const r = await run([team.id], s.productEnv());
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual({ [team.id]: 'aks-team-a-devs' });
});

it('gives up within its deadline when Graph never answers', async () => {
  s.servers.graph.fault = 'hang';
  try {
    const r = await run([s.directory.groups['aks-team-a-devs']!.id], { ...s.productEnv(), TIMEOUT_MS: '1000' });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`error: Microsoft Graph did not answer within 1s (${s.graphUrl})\n`);
    expect(r.ms).toBeLessThan(5000);
  } finally {
    s.servers.graph.fault = undefined;
  }
});

it('without the CA the failure is a TLS error, not a hang or a stack trace', async () => {
  const env = s.productEnv();
  delete (env as Record<string, string | undefined>).NODE_EXTRA_CA_CERTS;
  const r = await run([s.directory.groups['aks-team-a-devs']!.id], { ...env, TIMEOUT_MS: '3000' });
  expect(r.code).toBe(3);
  expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  expect(r.stderr).toMatch(/^error: environment service principal failed: cannot reach the Entra authority https:\/\/127\.0\.0\.1:\d+ /);
});

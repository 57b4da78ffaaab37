// The built plugin's pod-identity-migrate on -f fixtures: no cluster needed. stdout, stderr, exit codes,
// and --output-dir's all-or-nothing write.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { FIXTURES, ISSUER } from './scenario.js';

const root = resolve(__dirname, '..', '..', '..');
const bin = join(root, 'bin', 'kubectl-entra');
const dir = mkdtempSync(join(tmpdir(), 'pim-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], input?: string): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((done) => {
    const child = spawn(bin, ['pod-identity-migrate', ...args], { env: { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => done({ stdout, stderr, code }));
    child.stdin.end(input ?? '');
  });
}

const userAssigned = join(FIXTURES, 'user-assigned');

describe('kubectl entra pod-identity-migrate -f (built binary)', () => {
  it('table by default, with the warnings and what to do next', async () => {
    const r = await run(['-f', userAssigned]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^WORKLOAD +IDENTITY +SERVICEACCOUNT +STATUS\nDeployment shop\/orders-api +shop\/orders-identity +orders-api \(create\) +ready\n/);
    expect(r.stdout).toContain('[IssuerUnknown]');
    expect(r.stderr).toBe('');
  });

  it('-o yaml: manifests on stdout for kubectl apply, warnings on stderr', async () => {
    const r = await run(['-f', userAssigned, '-o', 'yaml']);
    expect(r.code).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'ServiceAccount/orders-api', 'ServiceAccount/orders-ledger', 'ServiceAccount/orders-nightly-export',
      'Deployment/orders-api', 'StatefulSet/orders-ledger', 'CronJob/orders-nightly-export',
    ]);
    expect(r.stderr).toMatch(/^Warning: \[IssuerUnknown\]/);
  });

  it('-o json with --issuer and --proxy-sidecar-port; -f - reads stdin', async () => {
    const text = ['identity.yaml', 'workloads.yaml'].map((f) => readFileSync(join(userAssigned, f), 'utf8')).join('\n---\n');
    const r = await run(['-f', '-', '--issuer', ISSUER, '--proxy-sidecar-port', '8080', '-o', 'json'], text);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.issuer).toBe(ISSUER);
    expect(plan.warnings).toEqual([]);
    expect(plan.manifests[3].spec.template.metadata.annotations['azure.workload.identity/proxy-sidecar-port']).toBe('8080');
  });

  it('-o script is bash', async () => {
    const r = await run(['-f', userAssigned, '--issuer', ISSUER, '-o', 'script']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(spawnSync('bash', ['-n'], { input: r.stdout }).status).toBe(0);
  });

  it('usage errors exit 2 with a pointer to help', async () => {
    for (const args of [['-o', 'xml'], ['--issuer', 'not-a-url', '-f', userAssigned], ['--tenant-id', 'contoso', '-f', userAssigned], ['--force-conflicts', '-f', userAssigned]]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^error: .*\nSee 'kubectl entra pod-identity-migrate -h'/);
    }
  });

  it('bad input exits 3 with one line naming the file and the object', async () => {
    const r = await run(['-f', join(FIXTURES, 'bad-input', 'missing-template.yaml')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`error: ${join(FIXTURES, 'bad-input', 'missing-template.yaml')} (document 1): Deployment apps/no-template: has no spec.template (required: the pod template)\n`);
    expect(r.stdout).toBe('');
  });

  it('--help shows examples as kubectl entra', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kubectl entra pod-identity-migrate -A');
    expect(r.stdout).toContain('  FederatedCredentialLimit.');
  });
});

describe('--output-dir', () => {
  it('writes plan.json, manifests.yaml and an executable migrate.sh; a second run replaces them', async () => {
    const out = join(dir, 'out', 'plan');
    const r = await run(['-f', userAssigned, '--issuer', ISSUER, '--output-dir', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['manifests.yaml', 'migrate.sh', 'plan.json']);
    expect(statSync(join(out, 'migrate.sh')).mode & 0o111).not.toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')).workloads).toHaveLength(3);
    expect(r.stderr).toContain(`wrote plan.json, manifests.yaml and migrate.sh to ${out}`);
    const again = await run(['-f', join(FIXTURES, 'credential-limit'), '--issuer', ISSUER, '--output-dir', out]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')).workloads).toHaveLength(21);
    expect(readdirSync(join(dir, 'out'))).toEqual(['plan']); // no temporary directories left
  });

  it('never overwrites a directory holding other files, and leaves it as it was', async () => {
    const out = join(dir, 'mine');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'keep me');
    const r = await run(['-f', userAssigned, '--output-dir', out]);
    expect(r.code).toBe(2);
    expect(readdirSync(out)).toEqual(['notes.txt']);
  });

  it('a failed write leaves nothing behind (exit 3)', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const r = await run(['-f', userAssigned, '--output-dir', join(file, 'sub')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: cannot write --output-dir/);
    expect(existsSync(join(file, 'sub'))).toBe(false);
  });

  it('bad input writes nothing', async () => {
    const out = join(dir, 'never');
    const r = await run(['-f', join(FIXTURES, 'bad-input', 'unknown-kind.yaml'), '--output-dir', out]);
    expect(r.code).toBe(3);
    expect(existsSync(out)).toBe(false);
  });
});

describe('the bundled example (examples/pod-identity, used by npm run demo and the README)', () => {
  it('plans without a cluster', async () => {
    const issuer = 'https://westeurope.oic.prod-aks.azure.com/72f988bf-0000-4000-8000-00000000c0de/00000000-0000-4000-8000-000000000001/';
    const r = await run(['-f', join(root, 'examples', 'pod-identity'), '--issuer', issuer, '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.workloads.map((w: any) => `${w.kind} ${w.namespace}/${w.name} ${w.status}`)).toEqual([
      'StatefulSet billing/invoicing review',
      'Deployment shop/legacy-cart unbound',
      'Deployment shop/orders-api ready',
      'CronJob shop/orders-export ready',
    ]);
    expect(plan.warnings.map((w: any) => w.code)).toEqual(['ServicePrincipalIdentity', 'ExistingServiceAccount', 'UnboundWorkload', 'PodIdentityException']);
  });
});

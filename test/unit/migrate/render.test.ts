import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderManifestsYaml, renderPlanJson, renderPlanTable, renderScript } from '../../../src/output/pod-identity-migrate.js';
import { ISSUER, planScenario } from './scenario.js';

const noColor = { color: false };

describe('table', () => {
  it('user-assigned', async () => {
    expect(renderPlanTable(await planScenario('user-assigned', {}, { issuer: ISSUER }), noColor)).toMatchSnapshot();
  });
  it('messy repository: statuses, then warnings', async () => {
    const out = renderPlanTable(await planScenario('messy', { defaultNamespace: 'apps' }, { issuer: ISSUER }), noColor);
    expect(out).toMatchSnapshot();
    expect(out.indexOf('Warnings:')).toBeGreaterThan(out.indexOf('Deployment platform/audit-forwarder'));
  });
  it('nothing labelled', async () => {
    const plan = await planScenario('user-assigned');
    plan.workloads = [];
    expect(renderPlanTable(plan, noColor)).toContain('nothing to migrate');
  });
  it('colour only when asked', async () => {
    const plan = await planScenario('user-assigned', {}, { issuer: ISSUER });
    expect(renderPlanTable(plan, noColor)).not.toContain('\u001b[');
    expect(renderPlanTable(plan, { color: true })).toContain('\u001b[32mready\u001b[39m');
  });
});

describe('yaml', () => {
  it('is the manifests, ServiceAccounts first, as a multi-document stream kubectl accepts', async () => {
    const plan = await planScenario('user-assigned', {}, { issuer: ISSUER });
    const text = renderManifestsYaml(plan);
    expect(text).toMatchSnapshot();
    const docs = parseAllDocuments(text).map((d) => d.toJS());
    expect(docs).toEqual(plan.manifests);
  });
});

describe('json', () => {
  it('has the documented plan shape', async () => {
    const plan = await planScenario('messy', { defaultNamespace: 'apps' }, { issuer: ISSUER });
    const doc = JSON.parse(renderPlanJson(plan));
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['identities', 'workloads', 'manifests', 'commands', 'warnings']));
    expect(Object.keys(doc.identities[0]).sort()).toEqual(expect.arrayContaining(['name', 'namespace', 'type', 'clientID', 'resourceID', 'tenantID']));
    expect(Object.keys(doc.workloads[0])).toEqual(expect.arrayContaining(['kind', 'namespace', 'name', 'selector', 'identities', 'serviceAccount', 'status']));
    expect(doc.workloads.find((w: any) => w.name === 'reports').identities[0]).toEqual({ name: 'kv-reader', namespace: 'apps', clientID: '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d' });
    expect(doc.warnings.every((w: any) => typeof w.code === 'string' && typeof w.message === 'string')).toBe(true);
  });
});

describe('script', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('snapshot', async () => {
    expect(renderScript(await planScenario('user-assigned', {}, { issuer: ISSUER }))).toMatchSnapshot();
  });

  it('is valid bash', async () => {
    for (const [name, ns] of [['user-assigned', 'default'], ['messy', 'apps'], ['service-principal', 'default']] as const) {
      const script = renderScript(await planScenario(name, { defaultNamespace: ns }, { issuer: ISSUER }));
      const r = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
      expect(r.status, `${name}: ${r.stderr}`).toBe(0);
    }
  });

  it('runs az with the planned arguments, then kubectl apply with exactly the manifests', async () => {
    const plan = await planScenario('service-principal', {}, { issuer: ISSUER });
    const dir = mkdtempSync(join(tmpdir(), 'kubectl-entra-script-'));
    dirs.push(dir);
    // stand-ins that record their arguments (one per line, NUL-free) and kubectl's stdin
    writeFileSync(join(dir, 'az'), `#!/usr/bin/env bash\nprintf '%s\\n' "$@" >> "${dir}/az.calls"; echo --- >> "${dir}/az.calls"\n`);
    writeFileSync(join(dir, 'kubectl'), `#!/usr/bin/env bash\nprintf '%s\\n' "$@" > "${dir}/kubectl.args"; cat > "${dir}/kubectl.stdin"\n`);
    chmodSync(join(dir, 'az'), 0o755);
    chmodSync(join(dir, 'kubectl'), 0o755);
    writeFileSync(join(dir, 'migrate.sh'), renderScript(plan));
    execFileSync('bash', [join(dir, 'migrate.sh')], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
    const calls = readFileSync(join(dir, 'az.calls'), 'utf8').split('---\n').filter(Boolean).map((c) => c.trimEnd().split('\n'));
    expect(calls).toHaveLength(2);
    expect(calls[0]!.slice(0, 7)).toEqual(['ad', 'app', 'federated-credential', 'create', '--id', '4d7a2e9c-1b3f-4a6e-9d8c-2f5b7e0a1c63', '--parameters']);
    expect(JSON.parse(calls[0]![7]!).subject).toBe('system:serviceaccount:billing:invoicing');
    expect(readFileSync(join(dir, 'kubectl.args'), 'utf8')).toBe('apply\n-f\n-\n');
    expect(parseAllDocuments(readFileSync(join(dir, 'kubectl.stdin'), 'utf8')).map((d) => d.toJS())).toEqual(plan.manifests);
  });

  it('refuses to run while placeholders remain', async () => {
    const script = renderScript(await planScenario('user-assigned'));
    expect(script).toContain('<OIDC_ISSUER>');
    const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('fill in the placeholders (<OIDC_ISSUER>)');
  });

  it('shows the cleanup only as comments', async () => {
    const script = renderScript(await planScenario('user-assigned', {}, { issuer: ISSUER }));
    const live = script.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    expect(live.some((l) => /kubectl (delete|patch)/.test(l))).toBe(false);
    expect(script).toContain('# kubectl delete azureidentitybinding orders-identity-binding -n shop');
  });
});

describe('Secret data never appears in any output', () => {
  it.each([
    ['service-principal', {}],
    ['messy', { defaultNamespace: 'apps' }],
  ] as const)('%s', async (name, inv) => {
    for (const issuer of [ISSUER, undefined]) {
      const plan = await planScenario(name, inv, issuer ? { issuer, proxySidecar: true } : {});
      const outputs = [renderPlanTable(plan, noColor), renderPlanTable(plan, { color: true }), renderManifestsYaml(plan), renderPlanJson(plan), renderScript(plan)];
      for (const out of outputs) {
        for (const secret of ['czNjcjN0LVZhbHVlLU11c3QtTm90LUxlYWs=', 's3cr3t-Value-Must-Not-Leak', 'MADE-UP-CERT-DATA', 'NotARealPassw0rd']) {
          expect(out).not.toContain(secret);
        }
      }
    }
  });
});

// explain-access as a process, on the bundled examples/rbac manifests (no cluster): stdout, stderr and
// exit codes like kubectl auth can-i (0 yes, 1 no, 2 usage, 3 error).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..', '..', '..');
const bin = join(root, 'bin', 'kubectl-entra');
const examples = join(root, 'examples', 'rbac');
const demoKubeconfig = join(root, 'examples', 'demo', 'kubeconfig');
const groups = join(root, 'examples', 'demo', 'groups.csv');
const dir = mkdtempSync(join(tmpdir(), 'explain-cli-'));

function run(args: string[]): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((done) => {
    const child = spawn(bin, args, { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1', KUBECONFIG: join(dir, 'none') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => done({ stdout, stderr, code }));
  });
}

const asAlice = ['-f', examples, '--as', 'alice@contoso.example', '--as-group', '3b1d7a4e-5c2f-4e8a-9d61-2a7c4e9b1f03', '--group-names', groups];

describe('explain-access on manifests', () => {
  it('allowed: exit 0, the grant path with the aggregated source and the group name', async () => {
    const r = await run(['explain-access', 'delete', 'po', '-n', 'team-a', ...asAlice]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^yes: allowed by RBAC/);
    expect(r.stdout).toContain('RoleBinding team-a/developers');
    expect(r.stdout).toContain('Group 3b1d7a4e-5c2f-4e8a-9d61-2a7c4e9b1f03 (aks-team-a-developers)');
    expect(r.stdout).toContain('rule aggregated from ClusterRole developer-workloads');
    expect(r.stdout).toContain('RBAC: allowed by RoleBinding "developers/team-a" of ClusterRole "team-developer" to Group "3b1d7a4e-5c2f-4e8a-9d61-2a7c4e9b1f03"');
    expect(r.stderr).toBe('');
  });

  it('denied: exit 1, the binding in another namespace and a fix', async () => {
    const r = await run(['can-i-explain', 'get', 'secrets', '-n', 'team-a', ...asAlice]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^no: /);
    expect(r.stdout).toContain('grants this in namespace "team-b", not in "team-a"');
    expect(r.stdout).toContain('kubectl create rolebinding');
  });

  it('-q prints nothing and answers with the exit code', async () => {
    expect(await run(['explain-access', '-q', 'get', 'secrets', '-n', 'team-b', ...asAlice])).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(await run(['explain-access', '-q', 'get', 'secrets', '-n', 'team-a', ...asAlice])).toEqual({ stdout: '', stderr: '', code: 1 });
  });

  it('-o json is the documented shape and keeps warnings off stderr', async () => {
    const r = await run(['explain-access', 'get', 'widgets', '-n', 'team-a', '-o', 'json', ...asAlice]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.request).toMatchObject({ user: 'alice@contoso.example', verb: 'get', namespace: 'team-a', apiGroup: '', resource: 'widgets' });
    expect(j.request.groups).toEqual(['3b1d7a4e-5c2f-4e8a-9d61-2a7c4e9b1f03', 'system:authenticated']);
    expect(j.server).toBeNull();
    expect(j.warnings.map((w: { code: string }) => w.code)).toContain('UnknownResourceType');
    expect(r.stderr).toBe('');
  });

  it('cluster-scoped resources are asked at cluster scope', async () => {
    const r = await run(['explain-access', 'list', 'nodes', '-o', 'json', '-f', examples, '--as', 'bob', '--as-group', '8e4f2c6a-1d3b-4a7e-b5c9-6f0a2d4e8c17']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).request.namespace).toBe('');
  });

  it('the default subject is the current credential (the demo kubeconfig), offline', async () => {
    const r = await run(['explain-access', 'delete', 'pods', '-n', 'team-a', '-f', examples, '--kubeconfig', demoKubeconfig, '--offline', '-o', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.request.user).toBe('alice@contoso.example');
    expect(j.request.groups).toContain('system:authenticated');
  });

  it('--list shows each granted rule with its binding', async () => {
    const r = await run(['explain-access', '--list', '-n', 'team-a', ...asAlice]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^RESOURCES\s+NON-RESOURCE URLS\s+RESOURCE NAMES\s+VERBS\s+GRANTED BY/);
    expect(r.stdout).toMatch(/pods\/log\s+\[\]\s+\[\]\s+\[get\]\s+RoleBinding team-a\/developers -> ClusterRole team-developer \(from developer-workloads\)/);
  });

  it('who-can lists subjects, with the service account namespace filled in, and needs no credential', async () => {
    const r = await run(['explain-access', 'who-can', 'create', 'deployments.apps', '-n', 'team-a', '-f', examples]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ServiceAccount\s+team-a\/ci-deployer\s+team-a\s+RoleBinding team-a\/developers/);
    expect(r.stdout).toContain('Always allowed, before RBAC: Group system:masters');
  });

  it('non-resource URLs are evaluated at cluster scope', async () => {
    const r = await run(['explain-access', 'get', '/healthz', '-f', examples, '--as', 'alice@contoso.example', '-o', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).request).toMatchObject({ nonResourceURL: '/healthz', namespace: '' });
  });
});

describe('explain-access usage and input errors', () => {
  it.each([
    [['explain-access', 'get'], /you must specify two arguments/],
    [['explain-access', '--list', 'get', 'pods', '-f', examples, '--as', 'x'], /--list takes no VERB or TYPE/],
    [['explain-access', 'who-can', 'get'], /who-can needs a VERB and a TYPE/],
    [['explain-access', 'get', 'pods', '--as-group', 'g', '-f', examples], /--as-group needs --as/],
    [['explain-access', 'get', 'pods', '--offline'], /--offline needs -f/],
    [['explain-access', 'get', 'pods', '-o', 'wide', '-f', examples, '--as', 'x'], /unknown output format "wide"/],
  ])('%j -> exit 2', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain("See 'kubectl entra explain-access -h'");
    expect(r.stdout).toBe('');
  });

  it('an unreadable manifest is a runtime error (exit 3) naming the file, with no stack trace', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'kind: [unclosed\n');
    const r = await run(['explain-access', 'get', 'pods', '-f', bad, '--as', 'x']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: .*bad\.yaml/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

// The built plugin as a process: stdout, stderr and exit codes for help, usage errors, runtime errors and
// the whoami paths that need no cluster (offline, unreachable server, a server that never answers).
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..', '..', '..');
const bin = join(root, 'bin', 'kubectl-entra');
const demo = join(root, 'examples', 'demo', 'kubeconfig');
const dir = mkdtempSync(join(tmpdir(), 'smoke-'));

interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
  ms: number;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const started = Date.now();
  return new Promise((resolveRun) => {
    const child = spawn(bin, args, { env: { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolveRun({ stdout, stderr, code, ms: Date.now() - started }));
  });
}

function kubeconfigFor(server: string): string {
  const p = join(dir, `kc-${server.replace(/\W/g, '_')}`);
  const demoUser = `    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: ${join(root, 'examples', 'demo', 'demo-token')}\n      interactiveMode: Never\n`;
  writeFileSync(
    p,
    `apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: k\n  cluster:\n    server: ${server}\n    insecure-skip-tls-verify: true\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\nusers:\n- name: u\n  user:\n${demoUser}`,
  );
  return p;
}

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/);

describe('help and usage', () => {
  it('--help names every command as `kubectl entra`', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['whoami', 'explain-access', 'pod-identity-migrate', 'version']) expect(r.stdout).toContain(`kubectl entra ${c}`);
  });

  it('whoami --help shows kubectl-style examples', async () => {
    const r = await run(['whoami', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kubectl entra whoami --context aks-prod -o json');
  });

  it.each([
    [['no-such-command'], /unknown command "no-such-command"/],
    [['whoami', '-o', 'xml'], /unknown output format "xml"/],
    [['whoami', '--request-timeout', 'soon'], /invalid --request-timeout "soon"/],
  ])('usage errors exit 2 with a pointer to help: %j', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).toMatch(/See 'kubectl entra .*-h'/);
  });
});

describe('runtime errors are one line and exit 3', () => {
  it.each([
    [['whoami', '--kubeconfig', demo, '--context', 'prod'], /^error: context "prod" does not exist in .*kubeconfig \(contexts: aks-demo\)\n$/],
    [['whoami', '--kubeconfig', join(dir, 'missing')], /^error: kubeconfig ".*missing" does not exist\n$/],
  ])('%j', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    noStack(r.stderr);
  });

  it('a malformed JWT names the problem', async () => {
    const r = await run(['whoami', '--kubeconfig', demo, '--offline', '--token', 'eyJhbGciOiJub25lIn0.bm90IGpzb24.']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: the token: the token looks like a JWT but cannot be decoded/);
  });
});

describe('without a cluster, or with none reachable', () => {
  it('offline: decodes the demo exec credential; stdout is the report, nothing secret is printed', async () => {
    const r = await run(['whoami', '--kubeconfig', demo, '--offline', '--group-names', join(root, 'examples', 'demo', 'groups.csv')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('alice@contoso.example (from upn)');
    expect(r.stdout).toContain('aks-team-a-developers');
    expect(r.stderr).toBe('');
    expect(r.stdout + r.stderr).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });

  it('-o json is the documented shape and carries warnings', async () => {
    const r = await run(['whoami', '--kubeconfig', demo, '--offline', '-o', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['context', 'credential', 'identity', 'token', 'groups', 'groupsOverage', 'server', 'warnings']);
    expect(doc.credential.source).toBe('exec');
    expect(doc.identity).toMatchObject({ principalType: 'user', username: 'alice@contoso.example' });
    expect(doc.token).toMatchObject({ audienceIsAks: true, version: '1.0', expired: false });
    expect(doc.server).toBeNull();
    expect(doc.warnings.map((w: { code: string }) => w.code)).toEqual(['GroupNamesUnavailable']);
    expect(r.stderr).toBe('');
  });

  it('an unreachable server keeps the local view: ServerUnreachable, exit 0', async () => {
    const r = await run(['whoami', '--kubeconfig', kubeconfigFor('https://127.0.0.1:1')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('alice@contoso.example');
    expect(r.stderr).toMatch(/connection refused.*\[ServerUnreachable\]/);
  });

  it.each([
    [['pod-identity-migrate']],
    [['pod-identity-migrate', '-A']],
    [['explain-access', 'get', 'pods']],
    [['explain-access', '--list']],
    [['explain-access', 'who-can', 'get', 'pods']],
  ])('live commands against an unreachable server: one error line, exit 3, no stack (%j)', async (args) => {
    const r = await run([...args, '--kubeconfig', kubeconfigFor('https://127.0.0.1:1')]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: cannot reach the server https:\/\/127\.0\.0\.1:1: connection refused\n$/);
  });

  describe('a server that accepts connections and never answers', () => {
    let server: Server;
    let port = 0;
    const sockets = new Set<import('node:net').Socket>();
    beforeAll(async () => {
      server = createServer((s) => sockets.add(s));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    });

    it('is given up after --request-timeout', async () => {
      const r = await run(['whoami', '--kubeconfig', kubeconfigFor(`https://127.0.0.1:${port}`), '--request-timeout', '1s', '-o', 'json']);
      expect(r.code).toBe(0);
      expect(r.ms).toBeLessThan(10_000);
      const doc = JSON.parse(r.stdout);
      expect(doc.warnings).toContainEqual({ code: 'ServerUnreachable', message: expect.stringMatching(/did not answer within 1s/) });
    });
  });
});

describe('version', () => {
  it('prints version, commit and Node.js version; -o json too', async () => {
    const r = await run(['version', '-o', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ version: expect.stringMatching(/^v\d+\.\d+\.\d+/), gitCommit: expect.any(String), nodeVersion: process.version });
  });
});

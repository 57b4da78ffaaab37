// An exec plugin that signs in interactively (kubelogin's device-code flow) must reach the user: with a
// terminal on stdin the plugin is told `interactive: true`, its prompt on stderr reaches the terminal and
// what the user types reaches the plugin. `script` gives the plugin a real pseudo-terminal.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..', '..', '..');
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasScript)('interactive exec plugins', () => {
  it('get a terminal: the prompt is shown, the answer is read, the token is used', () => {
    const dir = mkdtempSync(join(tmpdir(), 'interactive-'));
    const seen = join(dir, 'seen.json');
    const plugin = join(dir, 'device-login');
    // Prints a device-code style prompt on stderr, reads one line from stdin, then returns a demo token.
    writeFileSync(
      plugin,
      `#!/usr/bin/env node
const fs = require('fs');
const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);
process.stderr.write('To sign in, enter the code ABC-123 and press Enter: ');
let line = '';
process.stdin.on('data', (d) => {
  line += d;
  if (!line.includes('\\n') && !line.includes('\\r')) return;
  fs.writeFileSync(${JSON.stringify(seen)}, JSON.stringify({ interactive: info.spec.interactive, typed: line.trim() }));
  const b = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const token = b({ alg: 'none' }) + '.' + b({ aud: '6dae42f8-4368-4678-94ff-3960e28e3630', upn: 'dora@contoso.com', oid: 'd0d0d0d0-0000-4000-8000-000000000001', idtyp: 'user', exp: Math.floor(Date.now() / 1000) + 600 }) + '.';
  process.stdout.write(JSON.stringify({ apiVersion: info.apiVersion, kind: 'ExecCredential', status: { token } }));
  process.exit(0);
});
`,
    );
    chmodSync(plugin, 0o755);
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: k\n  cluster: {server: https://127.0.0.1:1}\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\nusers:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: ${plugin}, interactiveMode: IfAvailable}\n`,
    );
    const cmd = `${join(root, 'bin', 'kubectl-entra')} whoami --offline -o json --kubeconfig ${kubeconfig}`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], {
      input: 'ABC-123\n',
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 20_000,
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('To sign in, enter the code ABC-123');
    expect(JSON.parse(readFileSync(seen, 'utf8'))).toEqual({ interactive: true, typed: 'ABC-123' });
    expect(r.stdout).toContain('"username": "dora@contoso.com"');
  });
});

// kubectl's kubeconfig rules: --kubeconfig is one file, KUBECONFIG merges with the first file winning,
// missing files are skipped, relative paths resolve against their own file, and bad input is one line.
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKubeconfig, selectContext } from '../../../src/kube/kubeconfig.js';
import { KubeconfigError } from '../../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
}

const a = file(
  'a/config',
  `apiVersion: v1
kind: Config
current-context: ctx-a
clusters:
- name: shared
  cluster: {server: https://a.example, certificate-authority: ca.crt}
contexts:
- name: ctx-a
  context: {cluster: shared, user: user-a, namespace: team-a}
- name: ctx-shared
  context: {cluster: shared, user: user-a}
users:
- name: user-a
  user: {tokenFile: token.txt, exec: null}
- name: exec-user
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: ./bin/plugin}
`,
);
const b = file(
  'b/config',
  `apiVersion: v1
kind: Config
current-context: ctx-b
clusters:
- name: shared
  cluster: {server: https://b.example}
- name: only-b
  cluster: {server: https://only-b.example}
contexts:
- name: ctx-shared
  context: {cluster: only-b, user: user-b}
- name: ctx-b
  context: {cluster: only-b, user: user-b}
users:
- name: user-b
  user: {token: abc}
`,
);

describe('KUBECONFIG merging', () => {
  const env = { KUBECONFIG: [join(dir, 'missing'), a, b].join(delimiter) };

  it('first file wins for current-context and for every name; missing files are skipped', () => {
    const cfg = loadKubeconfig(undefined, env);
    expect(cfg.files).toEqual([a, b]);
    expect(cfg.currentContext).toBe('ctx-a');
    expect(cfg.clusters.get('shared')!.value.server).toBe('https://a.example');
    expect(cfg.contexts.get('ctx-shared')!.value.cluster).toBe('shared');
    expect(cfg.clusters.get('only-b')!.value.server).toBe('https://only-b.example');
  });

  it('selects the current context with its namespace; -n and --context override', () => {
    const cfg = loadKubeconfig(undefined, env);
    expect(selectContext(cfg, {})).toMatchObject({ contextName: 'ctx-a', clusterName: 'shared', userName: 'user-a', namespace: 'team-a' });
    expect(selectContext(cfg, { namespace: 'x' }).namespace).toBe('x');
    expect(selectContext(cfg, { context: 'ctx-b' })).toMatchObject({ clusterName: 'only-b', userName: 'user-b', namespace: 'default' });
    expect(selectContext(cfg, { cluster: 'only-b', user: 'user-b' })).toMatchObject({ contextName: 'ctx-a', clusterName: 'only-b', userName: 'user-b' });
  });

  it('resolves relative paths against the file that names them', () => {
    const ctx = selectContext(loadKubeconfig(undefined, env), {});
    expect(ctx.cluster['certificate-authority']).toBe(join(dir, 'a', 'ca.crt'));
    expect(ctx.user.tokenFile).toBe(join(dir, 'a', 'token.txt'));
    const exec = selectContext(loadKubeconfig(undefined, env), { user: 'exec-user' });
    expect(exec.user.exec!.command).toBe(join(dir, 'a', 'bin', 'plugin'));
  });

  it('--kubeconfig reads one file only and ignores KUBECONFIG', () => {
    const cfg = loadKubeconfig(b, env);
    expect(cfg.files).toEqual([b]);
    expect(cfg.currentContext).toBe('ctx-b');
    expect(cfg.clusters.get('shared')!.value.server).toBe('https://b.example');
  });
});

describe('bad kubeconfigs are one clear line', () => {
  it.each([
    [() => loadKubeconfig(join(dir, 'nope')), /kubeconfig ".*nope" does not exist/],
    [() => loadKubeconfig(file('bad.yaml', 'clusters: [\n')), /is not valid YAML/],
    [() => loadKubeconfig(file('list.yaml', '- a\n')), /is not a kubeconfig/],
    [() => loadKubeconfig(file('noname.yaml', 'clusters:\n- cluster: {}\n')), /clusters\[0\] has no name/],
    [() => selectContext(loadKubeconfig(a), { context: 'prod' }), /context "prod" does not exist in .* \(contexts: ctx-a, ctx-shared\)/],
    [() => selectContext(loadKubeconfig(a), { cluster: 'x' }), /cluster "x" does not exist/],
    [() => selectContext(loadKubeconfig(a), { user: 'nobody' }), /user "nobody" does not exist/],
    [() => selectContext(loadKubeconfig(file('empty.yaml', 'apiVersion: v1\nkind: Config\n')), {}), /no current-context is set/],
    [() => selectContext(loadKubeconfig(undefined, { KUBECONFIG: join(dir, 'none1') }), {}), /no kubeconfig found/],
  ])('%#', (fn, message) => {
    expect(fn).toThrow(KubeconfigError);
    expect(fn).toThrow(message);
  });
});

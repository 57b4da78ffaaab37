// Every credential source kubectl supports, read as kubectl would: token, tokenFile, exec plugins
// (v1 and v1beta1, env, KUBERNETES_EXEC_INFO, failures and time-outs), the azure auth-provider and
// client certificates. Certificates, keys and plugin scripts are made at test time.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { maskArgs, resolveCredential } from '../../../src/kube/credential.js';
import type { AuthInfo, ResolvedContext } from '../../../src/kube/kubeconfig.js';
import { CredentialError } from '../../../src/errors.js';
import { createCA, issueClientCert } from '../../support/pki.js';

const dir = mkdtempSync(join(tmpdir(), 'credential-'));
const ca = createCA(join(dir, 'pki'));
const cert = issueClientCert(ca, 'ops', 'ops@contoso.com', ['ops-team', 'system:masters']);

function ctx(user: AuthInfo): ResolvedContext {
  return { contextName: 'c', clusterName: 'k', userName: 'u', namespace: 'default', cluster: { server: 'https://k.example', extensions: [{ name: 'client.authentication.k8s.io/exec', extension: { audience: 'x' } }] }, user, files: [] };
}

/** A Node exec plugin that records its environment and prints what `script` returns. */
function plugin(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/usr/bin/env node\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

const recordingPlugin = plugin(
  'record',
  `const fs = require('fs');
fs.writeFileSync(process.env.RECORD_TO, JSON.stringify({ info: JSON.parse(process.env.KUBERNETES_EXEC_INFO), args: process.argv.slice(2), extra: process.env.EXTRA }));
const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);
console.log(JSON.stringify({ apiVersion: info.apiVersion, kind: 'ExecCredential', status: { token: 'tok-from-plugin', expirationTimestamp: '2030-01-01T00:00:00Z' } }));`,
);

describe('static sources', () => {
  it('token from the kubeconfig; --token overrides everything', async () => {
    expect(await resolveCredential(ctx({ token: 't1 ' }))).toMatchObject({ source: 'token', token: 't1' });
    expect(await resolveCredential(ctx({ token: 't1' }), { tokenOverride: 'flag' })).toMatchObject({ source: 'token', token: 'flag', details: { from: '--token flag' } });
  });

  it('tokenFile is read; an unreadable or empty file is a one-line error', async () => {
    const f = join(dir, 'token');
    writeFileSync(f, 'file-token\n');
    expect(await resolveCredential(ctx({ tokenFile: f }))).toMatchObject({ source: 'tokenFile', token: 'file-token', details: { path: f } });
    await expect(resolveCredential(ctx({ tokenFile: join(dir, 'missing') }))).rejects.toThrow(/cannot read tokenFile ".*missing" of user "u": ENOENT/);
    writeFileSync(join(dir, 'empty'), '\n');
    await expect(resolveCredential(ctx({ tokenFile: join(dir, 'empty') }))).rejects.toThrow(/is empty/);
  });

  it('client certificate from a file or inline data: CN is the user, O are the groups', async () => {
    const fromFile = await resolveCredential(ctx({ 'client-certificate': cert.certPath, 'client-key': cert.keyPath }));
    expect(fromFile.source).toBe('clientCertificate');
    expect(fromFile.certificate).toMatchObject({ commonName: 'ops@contoso.com', organizations: ['ops-team', 'system:masters'] });
    const inline = await resolveCredential(
      ctx({ 'client-certificate-data': Buffer.from(cert.certPem).toString('base64'), 'client-key-data': Buffer.from(cert.keyPem).toString('base64') }),
    );
    expect(inline.certificate!.commonName).toBe('ops@contoso.com');
    await expect(resolveCredential(ctx({ 'client-certificate': cert.certPath }))).rejects.toThrow(/no client-key/);
    await expect(resolveCredential(ctx({ 'client-certificate-data': 'bm90IGEgcGVt', 'client-key-data': 'eA==' }))).rejects.toThrow(/not base64-encoded PEM/);
  });

  it('a certificate beside a token is what the server sees (x509 runs before tokens)', async () => {
    const both = await resolveCredential(ctx({ token: 'static', 'client-certificate': cert.certPath, 'client-key': cert.keyPath }));
    expect(both.source).toBe('clientCertificate');
    expect(both.details.alsoSends).toBe('token');
    expect(both.token).toBe('static');
  });

  it('the legacy azure auth-provider gives its cached access-token, or says how to convert', async () => {
    const ap = await resolveCredential(ctx({ 'auth-provider': { name: 'azure', config: { 'access-token': 'cached', 'apiserver-id': 'srv', 'tenant-id': 't' } } }));
    expect(ap).toMatchObject({ source: 'authProvider', token: 'cached', details: { provider: 'azure', apiserverId: 'srv' } });
    await expect(resolveCredential(ctx({ 'auth-provider': { name: 'azure', config: {} } }))).rejects.toThrow(/kubelogin convert-kubeconfig/);
    await expect(resolveCredential(ctx({ 'auth-provider': { name: 'gcp' } }))).rejects.toThrow(/"gcp" auth-provider/);
  });
});

describe('exec plugins', () => {
  it.each(['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'])('runs %s plugins as kubectl does', async (apiVersion) => {
    const record = join(dir, `record-${apiVersion.split('/')[1]}.json`);
    const c = await resolveCredential(
      ctx({
        exec: {
          apiVersion,
          command: recordingPlugin,
          args: ['get-token', '--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630', '--client-secret', 's3cret'],
          env: [{ name: 'RECORD_TO', value: record }, { name: 'EXTRA', value: 'yes' }],
          interactiveMode: 'Never',
          provideClusterInfo: true,
        },
      }),
      { stdinIsTTY: false },
    );
    expect(c).toMatchObject({ source: 'exec', token: 'tok-from-plugin', expirationTimestamp: '2030-01-01T00:00:00Z' });
    expect(c.details.args).toEqual(['get-token', '--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630', '--client-secret', '***']);
    const seen = JSON.parse(readFileSync(record, 'utf8'));
    expect(seen.extra).toBe('yes');
    expect(seen.info).toMatchObject({ apiVersion, kind: 'ExecCredential', spec: { interactive: false, cluster: { server: 'https://k.example', config: { audience: 'x' } } } });
  });

  it('returns a client certificate from a plugin', async () => {
    const p = plugin(
      'certplugin',
      `console.log(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { clientCertificateData: ${JSON.stringify(cert.certPem)}, clientKeyData: ${JSON.stringify(cert.keyPem)} } }));`,
    );
    const c = await resolveCredential(ctx({ exec: { apiVersion: 'client.authentication.k8s.io/v1', command: p, interactiveMode: 'Never' } }));
    expect(c.certificate!.commonName).toBe('ops@contoso.com');
  });

  const fails = (name: string, body: string) => ({ apiVersion: 'client.authentication.k8s.io/v1beta1', command: plugin(name, body) });
  it.each([
    [fails('exit1', "process.stderr.write('login failed\\n'); process.exit(1)"), /failed with exit code 1/],
    [fails('notjson', "console.log('hello')"), /not an ExecCredential \(invalid JSON\)/],
    [fails('wrongver', "console.log(JSON.stringify({apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: {token: 'x'}}))"), /expected ExecCredential client.authentication.k8s.io\/v1beta1/],
    [fails('nostatus', "console.log(JSON.stringify({apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: {}}))"), /neither a token nor a client certificate/],
    [{ apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'kubelogin-does-not-exist', installHint: 'install kubelogin: az aks install-cli' }, /was not found on PATH \(install kubelogin: az aks install-cli\)/],
    [{ apiVersion: 'client.authentication.k8s.io/v1alpha1', command: 'x' }, /unsupported apiVersion/],
    [{ apiVersion: 'client.authentication.k8s.io/v1', command: 'x' }, /interactiveMode must be set/],
    [{ apiVersion: 'client.authentication.k8s.io/v1', command: 'x', interactiveMode: 'Always' as const }, /needs an interactive terminal/],
  ])('a failing plugin is one clear line %#', async (exec, message) => {
    const p = resolveCredential(ctx({ exec }), { stdinIsTTY: false });
    await expect(p).rejects.toThrow(CredentialError);
    await expect(p).rejects.toThrow(message);
  });

  it('a hanging plugin is stopped after the time-out', async () => {
    const hang = plugin('hang', 'setInterval(() => {}, 1000);');
    const started = Date.now();
    await expect(
      resolveCredential(ctx({ exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: hang } }), { stdinIsTTY: false, execTimeoutMs: 500 }),
    ).rejects.toThrow(/did not finish within 1s|did not finish within 0s/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('masking plugin arguments', () => {
  it('hides values of secret-looking flags in both forms', () => {
    expect(maskArgs(['--client-secret=abc', '--password', 'p', '--login', 'spn', '--token-cache-dir', '/x', '--token', 't'])).toEqual([
      '--client-secret=***', '--password', '***', '--login', 'spn', '--token-cache-dir', '/x', '--token', '***',
    ]);
  });
});

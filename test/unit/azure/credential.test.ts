// The product's Azure credential against the loopback Entra stand-in: an environment service principal
// gets Graph and ARM tokens over HTTPS with no call to Microsoft, failures are one clear line without
// secrets, and an authority that never answers cannot make it hang.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureCredential, createAzureCredential, getAccessToken, whyUnavailable } from '../../../src/azure/credential.js';
import { resolveAzureEndpoints } from '../../../src/azure/endpoints.js';
import { AzureRequestError } from '../../../src/azure/http.js';
import { AzureError } from '../../../src/errors.js';
import { startAzureStandIns, type AzureStandIns } from '../../support/azure/index.js';
import { claimsOf } from '../../support/azure/http-client.js';

let s: AzureStandIns;
beforeAll(async () => {
  s = await startAzureStandIns({ dir: mkdtempSync(join(tmpdir(), 'azure-cred-')) });
});
afterAll(async () => {
  await s?.close();
});

function credentialFor(env: Record<string, string>, extra: { timeoutMs?: number } = {}) {
  const endpoints = resolveAzureEndpoints({}, env);
  return { endpoints, credential: createAzureCredential({ endpoints, env, ca: s.caPem, sources: ['environment', 'workloadIdentity'], ...extra }) };
}

describe('Azure credential from the environment', () => {
  it('gets a Graph token for the environment service principal from the configured authority', async () => {
    const before = s.servers.entra.log.length;
    const { endpoints, credential } = credentialFor(s.productEnv());
    expect(endpoints.graph).toBe(s.graphUrl);
    const token = await getAccessToken(credential, endpoints.graph);
    const c = claimsOf(token);
    expect(c.aud).toBe(s.graphUrl);
    expect(c.oid).toBe(s.directory.principals['kubectl-entra-reader']!.objectId);
    expect(credential.lastSource).toBe('environment');
    const paths = s.servers.entra.log.slice(before).map((l) => l.path.split('?')[0]);
    expect(paths).toContain(`/${s.tenantId}/oauth2/v2.0/token`);
    // Instance discovery would go to login.microsoftonline.com for a custom authority; it must be off.
    expect(paths.some((p) => p.includes('discovery/instance'))).toBe(false);
  });

  it('gets an ARM token too', async () => {
    const { endpoints, credential } = credentialFor(s.productEnv());
    expect(claimsOf(await getAccessToken(credential, endpoints.arm)).aud).toBe(s.armUrl);
  });

  it('reports a wrong secret as one line with the AADSTS reason and without the secret', async () => {
    const env = { ...s.productEnv(), AZURE_CLIENT_SECRET: 'not-the-secret-value' };
    const { endpoints, credential } = credentialFor(env);
    const err = await getAccessToken(credential, endpoints.graph).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AzureError);
    expect((err as AzureRequestError).reason).toBe('credential');
    expect((err as Error).message).toMatch(/^environment service principal failed: .*AADSTS7000215/);
    expect((err as Error).message).not.toContain('not-the-secret-value');
    expect((err as Error).message).not.toContain('\n');
  });

  it('says how to sign in when no source is set up', async () => {
    const { endpoints, credential } = credentialFor({});
    expect(credential.sources).toEqual([]);
    await expect(getAccessToken(credential, endpoints.graph)).rejects.toThrow(/no Azure credential: sign in with `az login`/);
  });

  it('never hangs on an authority that does not answer', async () => {
    s.servers.entra.fault = 'hang';
    try {
      // A fresh tenant so MSAL has no cached metadata or token.
      const env = { ...s.productEnv(), AZURE_TENANT_ID: 'contoso.onmicrosoft.com' };
      const { endpoints, credential } = credentialFor(env, { timeoutMs: 1500 });
      const t0 = Date.now();
      const err = await getAccessToken(credential, endpoints.graph).catch((e: unknown) => e);
      expect(Date.now() - t0).toBeLessThan(4000);
      expect(err).toBeInstanceOf(AzureRequestError);
      expect((err as AzureRequestError).reason).toBe('timeout');
    } finally {
      s.servers.entra.fault = undefined;
    }
  });

  it('uses workload identity when a federated token file is set', async () => {
    const user = s.execUser('ci-deployer', { login: 'workloadidentity' });
    const env = Object.fromEntries(user.exec.env.map((e) => [e.name, e.value]));
    const { endpoints, credential } = credentialFor(env);
    const c = claimsOf(await getAccessToken(credential, endpoints.arm));
    expect(c.oid).toBe(s.directory.principals['ci-deployer']!.objectId);
    expect(credential.lastSource).toBe('workloadIdentity');
  });
});

describe('AzureCredential deadlines', () => {
  const never = { getToken: () => new Promise<never>(() => undefined) };
  const ok = { getToken: async () => ({ token: 'tok', expiresOnTimestamp: Date.now() + 3_600_000 }) };

  it('skips a probe-like source that does not answer in its short leash and uses the next', async () => {
    const c = new AzureCredential([
      { source: 'managedIdentity', credential: never, probeMs: 200 },
      { source: 'azureCli', credential: ok },
    ], 5000);
    const t0 = Date.now();
    expect((await c.getToken('https://graph.example/.default')).token).toBe('tok');
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(c.lastSource).toBe('azureCli');
  });

  it('bounds a source that never answers by the overall deadline', async () => {
    const c = new AzureCredential([{ source: 'azureCli', credential: never }], 300);
    const err = await c.getToken('x/.default').catch((e: unknown) => e);
    expect((err as AzureRequestError).reason).toBe('timeout');
    expect((err as Error).message).toBe('no Azure token within 0.3s');
  });
});

describe('Azure credential from a client certificate', () => {
  const certEnv = (pemPath: string) => {
    const env: Record<string, string> = { ...s.productEnv(), AZURE_CLIENT_CERTIFICATE_PATH: pemPath };
    delete env.AZURE_CLIENT_SECRET;
    return env;
  };

  it('signs a client assertion the authority verifies against the registered certificate', async () => {
    const { pemPath } = s.createClientCertificate('kubectl-entra-reader');
    const { endpoints, credential } = credentialFor(certEnv(pemPath));
    const c = claimsOf(await getAccessToken(credential, endpoints.graph));
    expect(c.oid).toBe(s.directory.principals['kubectl-entra-reader']!.objectId);
  });

  it('fails clearly with a certificate the application does not know', async () => {
    const { pemPath } = s.createClientCertificate('kubectl-entra-reader', { register: false });
    const { endpoints, credential } = credentialFor(certEnv(pemPath));
    await expect(getAccessToken(credential, endpoints.graph)).rejects.toThrow(/^environment service principal failed: .*AADSTS700027/);
  });
});

describe('whyUnavailable', () => {
  it.each([
    ["Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions and then, once installed, authenticate to your Azure account using 'az login'.", 'az is not installed'],
    ["Please run 'az login' from a command prompt to authenticate before using this credential.", 'not signed in (run `az login`)'],
    ['ManagedIdentityCredential: Network unreachable. Message: network_error: See https://aka.ms/msal.js.errors#network_error', 'no managed identity endpoint (not on Azure)'],
    ['WorkloadIdentityCredential: something else\nmore', 'something else'],
  ])('%s -> %s', (message, expected) => {
    expect(whyUnavailable(message)).toBe(expected);
  });
});

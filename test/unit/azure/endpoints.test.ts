// Endpoint configuration: defaults, flags over env, sovereign clouds, and clear usage errors; and the
// lazy client setup used by commands.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azureClientOptions, createGroupDirectory } from '../../../src/azure/client.js';
import { isMicrosoftAuthorityHost, resolveAzureEndpoints, scopeFor } from '../../../src/azure/endpoints.js';
import { UsageError } from '../../../src/errors.js';
import { startAzureStandIns, type AzureStandIns } from '../../support/azure/index.js';

describe('resolveAzureEndpoints', () => {
  it('defaults to the public cloud', () => {
    expect(resolveAzureEndpoints({}, {})).toEqual({
      graph: 'https://graph.microsoft.com',
      arm: 'https://management.azure.com',
      authorityHost: 'https://login.microsoftonline.com',
    });
  });

  it('reads KUBECTL_ENTRA_* and AZURE_AUTHORITY_HOST, without trailing slashes', () => {
    expect(resolveAzureEndpoints({}, {
      KUBECTL_ENTRA_GRAPH_ENDPOINT: 'https://graph.example/',
      KUBECTL_ENTRA_ARM_ENDPOINT: 'https://arm.example',
      AZURE_AUTHORITY_HOST: 'https://login.example/',
    })).toEqual({ graph: 'https://graph.example', arm: 'https://arm.example', authorityHost: 'https://login.example' });
  });

  it('lets flags win over the environment', () => {
    const e = resolveAzureEndpoints({ graphEndpoint: 'https://flag.example' }, { KUBECTL_ENTRA_GRAPH_ENDPOINT: 'https://env.example' });
    expect(e.graph).toBe('https://flag.example');
  });

  it('knows the sovereign clouds by AZURE_ENVIRONMENT', () => {
    expect(resolveAzureEndpoints({}, { AZURE_ENVIRONMENT: 'AzureUSGovernment' }).graph).toBe('https://graph.microsoft.us');
    expect(resolveAzureEndpoints({}, { AZURE_ENVIRONMENT: 'AzureChinaCloud' }).authorityHost).toBe('https://login.chinacloudapi.cn');
  });

  it.each([
    [{ graphEndpoint: 'graph.microsoft.com' }, {}, /^--graph-endpoint: "graph.microsoft.com" is not a URL/],
    [{ armEndpoint: 'http://arm.example' }, {}, /^--arm-endpoint: .* must use https/],
    [{}, { KUBECTL_ENTRA_GRAPH_ENDPOINT: 'https://g.example/?x=1' }, /^KUBECTL_ENTRA_GRAPH_ENDPOINT: .* must not have a query/],
    [{}, { AZURE_ENVIRONMENT: 'Mars' }, /^AZURE_ENVIRONMENT: unknown cloud "Mars"/],
  ])('rejects %o %o', (flags, env, message) => {
    expect(() => resolveAzureEndpoints(flags, env)).toThrow(UsageError);
    expect(() => resolveAzureEndpoints(flags, env)).toThrow(message);
  });

  it('tells Microsoft authority hosts from others (instance discovery)', () => {
    expect(isMicrosoftAuthorityHost('https://login.microsoftonline.com')).toBe(true);
    expect(isMicrosoftAuthorityHost('https://login.microsoftonline.us/')).toBe(true);
    expect(isMicrosoftAuthorityHost('https://127.0.0.1:8443')).toBe(false);
  });

  it('builds .default scopes', () => {
    expect(scopeFor('https://graph.microsoft.com/')).toBe('https://graph.microsoft.com/.default');
  });
});

describe('createGroupDirectory against the stand-ins', () => {
  let s: AzureStandIns;
  beforeAll(async () => {
    s = await startAzureStandIns({ dir: mkdtempSync(join(tmpdir(), 'azure-client-')) });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('names groups and expands an overage with endpoints and credential from the environment', async () => {
    const dir = createGroupDirectory({}, s.productEnv(), { ca: s.caPem, sources: ['environment'] });
    const team = s.directory.groups['aks-team-b-devs']!;
    expect(await dir.groupNames([team.id])).toEqual(new Map([[team.id, 'aks-team-b-devs']]));
    expect(await dir.memberGroupIds(s.directory.principals.erin!.objectId, 'user')).toContain(team.id);
  });

  it('does not acquire a token until a call needs one', () => {
    const before = s.servers.entra.log.length;
    azureClientOptions({}, s.productEnv(), { ca: s.caPem });
    expect(s.servers.entra.log.length).toBe(before);
  });
});

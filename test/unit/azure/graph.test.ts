// The product's Graph client against the Graph stand-in over real loopback HTTPS: batching, partial
// results, overage membership with paging, and failures that are one clear line and never a hang.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAzureCredential } from '../../../src/azure/credential.js';
import { resolveAzureEndpoints } from '../../../src/azure/endpoints.js';
import { getMemberObjectIds, resolveGroupNames, type AzureClientOptions } from '../../../src/azure/graph.js';
import { AzureRequestError } from '../../../src/azure/http.js';
import { AzureError } from '../../../src/errors.js';
import { startAzureStandIns, type AzureStandIns } from '../../support/azure/index.js';
import { OVERAGE_GROUP_COUNT } from '../../support/azure/directory.js';

let s: AzureStandIns;
let opts: AzureClientOptions;
beforeAll(async () => {
  s = await startAzureStandIns({ dir: mkdtempSync(join(tmpdir(), 'azure-graph-')) });
  opts = optionsFor('kubectl-entra-reader');
});
afterAll(async () => {
  await s?.close();
});
afterEach(() => {
  s.servers.graph.fault = undefined;
  s.graphSettings.memberObjectsPageSize = undefined;
});

function optionsFor(principalKey: string, extra: Partial<AzureClientOptions> = {}): AzureClientOptions {
  const env = s.productEnv(principalKey);
  const endpoints = resolveAzureEndpoints({}, env);
  return { endpoints, credential: createAzureCredential({ endpoints, env, ca: s.caPem, sources: ['environment'] }), ca: s.caPem, timeoutMs: 5000, ...extra };
}

const groups = () => Object.values(s.directory.groups);
const logSince = (n: number) => s.servers.graph.log.slice(n);

describe('resolveGroupNames', () => {
  it('names every group, in batches of at most 1000 ids, leaving out unknown ids and non-groups', async () => {
    const unknown = Array.from({ length: 2000 }, () => randomUUID());
    const users = [s.directory.principals.alice!.objectId, s.directory.principals['ci-deployer']!.objectId];
    const ids = [...groups().map((g) => g.id.toUpperCase()), ...unknown, ...users, 'not-a-guid', groups()[0]!.id];
    const before = s.servers.graph.log.length;
    const names = await resolveGroupNames(ids, opts);

    expect(names.size).toBe(groups().length);
    for (const g of groups()) expect(names.get(g.id)).toBe(g.displayName);
    for (const u of users) expect(names.has(u)).toBe(false);

    const calls = logSince(before).filter((l) => l.path === '/v1.0/directoryObjects/getByIds');
    const sizes = calls.map((c) => (c.body as { ids: string[] }).ids.length);
    expect(sizes).toEqual([1000, 1000, groups().length + unknown.length + users.length - 2000]);
    for (const c of calls) expect((c.body as { types: string[] }).types).toEqual(['group']);
  });

  it('makes no call for no ids', async () => {
    const before = s.servers.graph.log.length;
    expect((await resolveGroupNames(['', 'x'], opts)).size).toBe(0);
    expect(logSince(before)).toEqual([]);
  });

  it('turns 403 into a clear permission error', async () => {
    const err = await resolveGroupNames([groups()[0]!.id], optionsFor('ci-deployer')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AzureError);
    expect((err as AzureRequestError).reason).toBe('forbidden');
    expect((err as Error).message).toMatch(/^Microsoft Graph: no permission to read groups \(needs GroupMember\.Read\.All \/ Directory\.Read\.All\)/);
    expect((err as Error).message).toContain('Authorization_RequestDenied');
  });

  it('times out on a server that never answers, never hanging', async () => {
    s.servers.graph.fault = 'hang';
    const t0 = Date.now();
    const err = await resolveGroupNames([groups()[0]!.id], { ...opts, timeoutMs: 800 }).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect((err as AzureRequestError).reason).toBe('timeout');
    expect((err as Error).message).toBe(`Microsoft Graph did not answer within 0.8s (${s.graphUrl})`);
  });

  it('retries once on 503 with a short Retry-After, then reports the failure', async () => {
    s.servers.graph.fault = 'unavailable';
    const before = s.servers.graph.log.length;
    const err = await resolveGroupNames([groups()[0]!.id], opts).catch((e: unknown) => e);
    expect((err as AzureRequestError).reason).toBe('server');
    expect((err as AzureRequestError).status).toBe(503);
    expect(logSince(before)).toHaveLength(2);
  });

  it('reports an unreachable endpoint', async () => {
    const closed = { ...opts, endpoints: { ...opts.endpoints, graph: 'https://127.0.0.1:1' } };
    const err = await resolveGroupNames([groups()[0]!.id], closed).catch((e: unknown) => e);
    expect((err as AzureRequestError).reason).toBe('unreachable');
    expect((err as Error).message).toMatch(/^cannot reach Microsoft Graph at https:\/\/127\.0\.0\.1:1: ECONNREFUSED/);
  });

  it('reports an untrusted certificate as a TLS error', async () => {
    const err = await resolveGroupNames([groups()[0]!.id], { ...opts, ca: undefined }).catch((e: unknown) => e);
    expect((err as AzureRequestError).reason).toBe('tls');
  });
});

describe('getMemberObjectIds', () => {
  const erin = () => s.directory.principals.erin!;

  it('returns the full membership of an overage user', async () => {
    const ids = await getMemberObjectIds(erin().objectId, 'user', opts);
    expect(ids).toHaveLength(OVERAGE_GROUP_COUNT + 1);
    expect(new Set(ids)).toEqual(new Set(erin().groups));
  });

  it('follows @odata.nextLink', async () => {
    s.graphSettings.memberObjectsPageSize = 100;
    const before = s.servers.graph.log.length;
    const ids = await getMemberObjectIds(erin().objectId, 'user', opts);
    expect(new Set(ids)).toEqual(new Set(erin().groups));
    const calls = logSince(before);
    expect(calls.map((c) => c.method)).toEqual(['POST', 'GET', 'GET']);
    expect((calls[0]!.body as { securityEnabledOnly: boolean }).securityEnabledOnly).toBe(false);
  });

  it('reads a service principal through /servicePrincipals', async () => {
    const sp = s.directory.principals['sp-overage']!;
    const before = s.servers.graph.log.length;
    expect(await getMemberObjectIds(sp.objectId, 'servicePrincipal', opts)).toHaveLength(sp.groups.length);
    expect(logSince(before)[0]!.path).toBe(`/v1.0/servicePrincipals/${sp.objectId}/getMemberObjects`);
  });

  it('says when the object does not exist', async () => {
    const id = randomUUID();
    const err = await getMemberObjectIds(id, 'user', opts).catch((e: unknown) => e);
    expect((err as AzureRequestError).reason).toBe('notFound');
    expect((err as Error).message).toMatch(new RegExp(`^Microsoft Graph: user ${id} not found`));
  });
});

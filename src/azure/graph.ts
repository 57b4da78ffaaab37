// Microsoft Graph client for group names and memberships:
// - resolveGroupNames: POST /v1.0/directoryObjects/getByIds {ids, types: ["group"]}, 1000 ids a call;
//   ids Graph does not return (deleted, not a group, no access) are simply absent from the result.
// - getMemberObjectIds: POST /v1.0/{users|servicePrincipals}/{id}/getMemberObjects
//   {"securityEnabledOnly": false}, following @odata.nextLink on the same host.
// Failures are AzureRequestError (an AzureError) with a one-line reason callers can show as a warning.
import type { TokenCredential } from '@azure/identity';
import { getAccessToken } from './credential.js';
import type { AzureEndpoints } from './endpoints.js';
import { AzureRequestError, errorDetail, httpFailure, sameOriginLink, sendJson, type HttpOptions, type JsonResponse } from './http.js';

export const GRAPH = 'Microsoft Graph';
/** Graph's documented limit for directoryObjects/getByIds. */
export const GET_BY_IDS_MAX = 1000;

export interface AzureClientOptions extends HttpOptions {
  endpoints: Pick<AzureEndpoints, 'graph' | 'arm'> | AzureEndpoints;
  credential: TokenCredential;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_PAGES = 100;

function graphFailure(res: JsonResponse, what: string): AzureRequestError {
  const detail = errorDetail(res.body);
  if (res.status === 401 || res.status === 403) {
    return new AzureRequestError(
      `${GRAPH}: no permission to read groups (needs GroupMember.Read.All / Directory.Read.All)${detail ? ` [${res.status} ${detail}]` : ` [${res.status}]`}`,
      res.status === 401 ? 'unauthorized' : 'forbidden',
      res.status,
    );
  }
  if (res.status === 404) return new AzureRequestError(`${GRAPH}: ${what} not found${detail ? ` (${detail})` : ''}`, 'notFound', 404);
  return httpFailure(GRAPH, res);
}

async function graphToken(opts: AzureClientOptions): Promise<string> {
  return getAccessToken(opts.credential, opts.endpoints.graph, opts.signal);
}

/**
 * Display names of the groups among `ids` (object ids). Non-GUID and duplicate ids are not sent.
 * Returns id (lowercase) -> displayName for the groups Graph returned.
 */
export async function resolveGroupNames(ids: string[], opts: AzureClientOptions): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const unique = [...new Set(ids.map((i) => i.trim().toLowerCase()).filter((i) => GUID.test(i)))];
  if (unique.length === 0) return names;
  const token = await graphToken(opts);
  const url = `${opts.endpoints.graph}/v1.0/directoryObjects/getByIds`;
  for (let i = 0; i < unique.length; i += GET_BY_IDS_MAX) {
    const batch = unique.slice(i, i + GET_BY_IDS_MAX);
    const res = await sendJson({ service: GRAPH, method: 'POST', url, token, body: { ids: batch, types: ['group'] } }, opts);
    if (res.status !== 200) throw graphFailure(res, 'directory objects');
    const value = (res.body as { value?: unknown } | undefined)?.value;
    if (!Array.isArray(value)) throw new AzureRequestError(`${GRAPH}: unexpected getByIds response (no value array)`, 'badResponse', res.status);
    for (const o of value as { id?: unknown; displayName?: unknown; '@odata.type'?: unknown }[]) {
      if (typeof o?.id !== 'string') continue;
      const type = typeof o['@odata.type'] === 'string' ? o['@odata.type'] : '#microsoft.graph.group';
      if (type !== '#microsoft.graph.group') continue;
      names.set(o.id.toLowerCase(), typeof o.displayName === 'string' ? o.displayName : '');
    }
  }
  return names;
}

/**
 * Every group, directory role and administrative unit `objectId` is a member of (transitively), as AKS
 * reads it for a groups overage. `kind` picks /users or /servicePrincipals.
 */
export async function getMemberObjectIds(objectId: string, kind: 'user' | 'servicePrincipal', opts: AzureClientOptions): Promise<string[]> {
  const id = objectId.trim();
  if (!id) throw new AzureRequestError(`${GRAPH}: no object id to read memberships for`, 'badRequest');
  const token = await graphToken(opts);
  const collection = kind === 'user' ? 'users' : 'servicePrincipals';
  const first = `${opts.endpoints.graph}/v1.0/${collection}/${encodeURIComponent(id)}/getMemberObjects`;
  const out: string[] = [];
  let res = await sendJson({ service: GRAPH, method: 'POST', url: first, token, body: { securityEnabledOnly: false } }, opts);
  for (let page = 0; ; page++) {
    if (res.status !== 200) throw graphFailure(res, `${kind === 'user' ? 'user' : 'service principal'} ${id}`);
    const body = res.body as { value?: unknown; '@odata.nextLink'?: unknown } | undefined;
    if (!Array.isArray(body?.value)) throw new AzureRequestError(`${GRAPH}: unexpected getMemberObjects response (no value array)`, 'badResponse', res.status);
    for (const v of body.value) if (typeof v === 'string') out.push(v.toLowerCase());
    const next = sameOriginLink(body['@odata.nextLink'], opts.endpoints.graph, GRAPH);
    if (!next) break;
    if (page >= MAX_PAGES) throw new AzureRequestError(`${GRAPH}: getMemberObjects returned more than ${MAX_PAGES} pages`, 'badResponse');
    res = await sendJson({ service: GRAPH, method: 'GET', url: next, token }, opts);
  }
  return [...new Set(out)];
}

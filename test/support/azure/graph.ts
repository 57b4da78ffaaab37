// Microsoft Graph stand-in: POST /v1.0/directoryObjects/getByIds and
// POST /v1.0/{users|servicePrincipals}/{id}/getMemberObjects, with Graph's JSON shapes and errors,
// requiring a bearer token of the Graph audience with a permission that can read groups.
import { randomUUID } from 'node:crypto';
import { GRAPH_APP_ID, groupById, principalByObjectId, principalBySignInName, type Group, type Principal } from './directory.js';
import { json, parseJsonBody, type Route, type StandInRequest, type StandInResponse } from './https-server.js';
import { checkBearer, type SigningKey } from './tokens.js';

export interface GraphSettings {
  /** Page getMemberObjects results with @odata.nextLink after this many ids (default: no paging). */
  memberObjectsPageSize?: number;
}

export interface GraphContext {
  url(): string;
  keys: SigningKey[];
  settings: GraphSettings;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const APP_READ_GROUPS = ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const DELEGATED_READ_GROUPS = [...APP_READ_GROUPS, 'Directory.AccessAsUser.All'];

function graphError(status: number, code: string, message: string): StandInResponse {
  return json(status, {
    error: { code, message, innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': randomUUID(), 'client-request-id': randomUUID() } },
  });
}

function groupObject(g: Group): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.group',
    id: g.id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: '2024-03-11T09:15:27Z',
    creationOptions: [],
    description: g.description ?? null,
    displayName: g.displayName,
    groupTypes: [],
    mail: g.mailEnabled ? `${g.key}@contoso.com` : null,
    mailEnabled: g.mailEnabled,
    mailNickname: g.key,
    securityEnabled: g.securityEnabled,
    securityIdentifier: null,
    visibility: null,
  };
}

function principalObject(p: Principal): Record<string, unknown> {
  if (p.kind === 'user' || p.kind === 'guest') {
    return {
      '@odata.type': '#microsoft.graph.user',
      id: p.objectId,
      displayName: p.displayName,
      userPrincipalName: p.userPrincipalName,
      mail: p.kind === 'guest' ? p.mail : p.userPrincipalName,
      userType: p.kind === 'guest' ? 'Guest' : 'Member',
    };
  }
  return {
    '@odata.type': '#microsoft.graph.servicePrincipal',
    id: p.objectId,
    appId: p.kind === 'servicePrincipal' ? p.appId : p.clientId,
    displayName: p.displayName,
    servicePrincipalType: p.kind === 'managedIdentity' ? 'ManagedIdentity' : 'Application',
    alternativeNames: p.kind === 'managedIdentity' ? ['isExplicit=True', p.resourceId] : [],
  };
}

export function graphRoutes(ctx: GraphContext): Route[] {
  function authorize(req: StandInRequest): StandInResponse | undefined {
    const claims = checkBearer(req.bearer, ctx.keys, [ctx.url(), 'https://graph.microsoft.com', GRAPH_APP_ID]);
    if (typeof claims === 'string') {
      return graphError(401, 'InvalidAuthenticationToken', `Access token validation failure. ${claims}.`);
    }
    const roles = Array.isArray(claims.roles) ? (claims.roles as string[]) : [];
    const scp = typeof claims.scp === 'string' ? claims.scp.split(' ') : [];
    const ok = roles.some((r) => APP_READ_GROUPS.includes(r)) || scp.some((s) => DELEGATED_READ_GROUPS.includes(s));
    return ok ? undefined : graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  }

  function getByIds(req: StandInRequest): StandInResponse {
    const denied = authorize(req);
    if (denied) return denied;
    const body = parseJsonBody(req) as { ids?: unknown; types?: unknown } | undefined;
    if (!body || !Array.isArray(body.ids)) return graphError(400, 'Request_BadRequest', "The request body must contain 'ids'.");
    if (body.ids.length > 1000) {
      return graphError(400, 'Request_BadRequest', `The number of ids (${body.ids.length}) exceeds the maximum of 1000.`);
    }
    for (const id of body.ids) {
      if (typeof id !== 'string' || !GUID.test(id)) return graphError(400, 'Request_BadRequest', `Invalid object identifier '${String(id)}'.`);
    }
    const types = Array.isArray(body.types) ? (body.types as string[]).map((t) => t.toLowerCase()) : undefined;
    const value: Record<string, unknown>[] = [];
    for (const id of body.ids as string[]) {
      const g = groupById(id);
      const p = g ? undefined : principalByObjectId(id);
      const obj = g ? groupObject(g) : p ? principalObject(p) : undefined;
      if (!obj) continue; // unknown or deleted objects are left out, not errors
      const type = String(obj['@odata.type']).replace('#microsoft.graph.', '').toLowerCase();
      if (types && !types.includes(type)) continue;
      value.push(obj);
    }
    // Graph does not promise any order: answer in reverse so clients cannot rely on it.
    return json(200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directoryObjects', value: value.reverse() });
  }

  function memberObjects(req: StandInRequest, body: { securityEnabledOnly?: unknown } | undefined): StandInResponse {
    const denied = authorize(req);
    if (denied) return denied;
    const [collection, rawId] = req.params as [string, string];
    const id = decodeURIComponent(rawId);
    const p = GUID.test(id) ? principalByObjectId(id) : collection === 'users' ? principalBySignInName(id) : undefined;
    const kindOk = p && (collection === 'users' ? p.kind === 'user' || p.kind === 'guest' : p.kind === 'servicePrincipal' || p.kind === 'managedIdentity');
    if (!p || !kindOk) {
      return graphError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
    }
    if (!body || typeof body.securityEnabledOnly !== 'boolean') {
      return graphError(400, 'Request_BadRequest', "The parameter 'securityEnabledOnly' in the request payload is not a valid parameter for the function 'getMemberObjects'.");
    }
    let ids = p.groups.filter((g) => !body.securityEnabledOnly || groupById(g)?.securityEnabled);
    const size = ctx.settings.memberObjectsPageSize;
    const skip = Number(req.url.searchParams.get('$skiptoken') ?? '0') || 0;
    const out: Record<string, unknown> = { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(Edm.String)' };
    if (size && size > 0) {
      const next = skip + size;
      if (next < ids.length) {
        out['@odata.nextLink'] = `${ctx.url()}/v1.0/${collection}/${rawId}/getMemberObjects?securityEnabledOnly=${String(body.securityEnabledOnly)}&$skiptoken=${next}`;
      }
      ids = ids.slice(skip, next);
    }
    out.value = ids;
    return json(200, out);
  }

  return [
    { method: 'POST', path: /^\/v1\.0\/directoryObjects\/getByIds$/, logBody: true, handle: getByIds },
    {
      method: 'POST',
      path: /^\/v1\.0\/(users|servicePrincipals)\/([^/]+)\/getMemberObjects$/,
      logBody: true,
      handle: (req) => memberObjects(req, parseJsonBody(req) as { securityEnabledOnly?: unknown } | undefined),
    },
    {
      // Following an @odata.nextLink (GET, as OData clients do); the body's parameter travels in the link.
      method: 'GET',
      path: /^\/v1\.0\/(users|servicePrincipals)\/([^/]+)\/getMemberObjects$/,
      handle: (req) => memberObjects(req, { securityEnabledOnly: req.url.searchParams.get('securityEnabledOnly') === 'true' }),
    },
  ];
}

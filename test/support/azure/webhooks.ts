// The two webhooks kube-apiserver calls, answering the way an Entra-integrated AKS cluster does:
// - TokenReview (authentication.k8s.io/v1): validate the Entra token (signature, issuer, AKS audience,
//   lifetime); username = upn if present else oid; groups = the groups claim, or on overage the
//   membership read from the Graph stand-in (refused for service principals, as AKS does); extra.oid.
// - SubjectAccessReview (authorization.k8s.io/v1): Azure RBAC for Kubernetes authorization, decided
//   from the role-assignment table; allowed with a reason, or no opinion.
import { request } from 'node:https';
import { AKS_SERVER_APP_ID, principal } from './directory.js';
import { json, parseJsonBody, type Route, type StandInResponse } from './https-server.js';
import { decide, type RoleAssignmentTable, type SubjectAccessReviewSpec } from './azure-rbac.js';
import { isAksAudience, mintFor, v1Issuer, verifyJwt, type SigningKey } from './tokens.js';

export interface WebhookContext {
  keys: SigningKey[];
  table: RoleAssignmentTable;
  graphUrl(): string;
  caPem: string;
  /** Clock skew allowed on exp/nbf, seconds. */
  leewaySeconds?: number;
}

/** Resolve overage membership through the Graph stand-in, as AKS's webhook calls Microsoft Graph. */
function fetchMemberGroups(ctx: WebhookContext, oid: string): Promise<string[]> {
  const token = mintFor(principal('aks-guard'), ctx.keys[0]!, { audience: ctx.graphUrl(), roles: ['Directory.Read.All'] });
  const body = JSON.stringify({ securityEnabledOnly: false });
  const url = new URL(`${ctx.graphUrl()}/v1.0/users/${oid}/getMemberObjects`);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', ca: ctx.caPem, timeout: 5000, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) return reject(new Error(`Graph getMemberObjects: HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
          resolve((JSON.parse(text) as { value: string[] }).value);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('Graph getMemberObjects timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

export interface TokenReviewResult {
  authenticated: boolean;
  user?: { username: string; groups: string[]; extra: Record<string, string[]> };
  error?: string;
}

export async function reviewToken(ctx: WebhookContext, token: string): Promise<TokenReviewResult> {
  let claims: Record<string, unknown>;
  try {
    claims = verifyJwt(token, ctx.keys).claims;
  } catch (e) {
    return { authenticated: false, error: `invalid token: ${(e as Error).message}` };
  }
  const leeway = ctx.leewaySeconds ?? 0;
  const now = Date.now() / 1000;
  if (claims.iss !== v1Issuer()) return { authenticated: false, error: `invalid token: unexpected issuer ${String(claims.iss)}` };
  if (!isAksAudience(claims.aud)) {
    return { authenticated: false, error: `invalid token: audience ${JSON.stringify(claims.aud)} is not ${AKS_SERVER_APP_ID}` };
  }
  if (typeof claims.exp !== 'number' || claims.exp + leeway < now) return { authenticated: false, error: 'invalid token: token is expired' };
  if (typeof claims.nbf === 'number' && claims.nbf - leeway > now) return { authenticated: false, error: 'invalid token: token is not valid yet' };
  const oid = typeof claims.oid === 'string' ? claims.oid : undefined;
  if (!oid) return { authenticated: false, error: 'invalid token: no oid claim' };
  const username = typeof claims.upn === 'string' && claims.upn ? claims.upn : oid;
  let groups: string[] = Array.isArray(claims.groups) ? (claims.groups as string[]) : [];
  const names = claims._claim_names as Record<string, unknown> | undefined;
  if (!Array.isArray(claims.groups) && names && typeof names.groups === 'string') {
    if (claims.idtyp === 'app' || (claims.upn === undefined && claims.appid !== undefined && claims.sub === oid)) {
      return { authenticated: false, error: 'overage claim (users with more than 200 group membership) is not supported for service principals' };
    }
    try {
      groups = await fetchMemberGroups(ctx, oid);
    } catch (e) {
      return { authenticated: false, error: `failed to resolve groups overage: ${(e as Error).message}` };
    }
  }
  return { authenticated: true, user: { username, groups, extra: { oid: [oid] } } };
}

export function webhookRoutes(ctx: WebhookContext): Route[] {
  return [
    {
      method: 'POST',
      path: /^\/authenticate$/,
      handle: async (req): Promise<StandInResponse> => {
        const review = parseJsonBody(req) as { apiVersion?: string; spec?: { token?: string } } | undefined;
        const apiVersion = review?.apiVersion ?? 'authentication.k8s.io/v1';
        const result = review?.spec?.token
          ? await reviewToken(ctx, review.spec.token)
          : { authenticated: false, error: 'no token in TokenReview' };
        return json(200, { apiVersion, kind: 'TokenReview', status: result });
      },
    },
    {
      method: 'POST',
      path: /^\/authorize$/,
      logBody: true,
      handle: (req): StandInResponse => {
        const review = parseJsonBody(req) as { apiVersion?: string; spec?: SubjectAccessReviewSpec } | undefined;
        const apiVersion = review?.apiVersion ?? 'authorization.k8s.io/v1';
        const d = decide(ctx.table, review?.spec ?? {});
        // No opinion is allowed=false without denied, so the next authorizer (none after RBAC here) decides.
        return json(200, { apiVersion, kind: 'SubjectAccessReview', status: { allowed: d.allowed, reason: d.reason } });
      },
    },
  ];
}

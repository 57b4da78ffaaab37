// Entra ID stand-in routes: OpenID discovery (v1 and v2), JWKS, the token endpoints MSAL and kubelogin
// call (client credentials with a secret or a client assertion, the password grant for seeded users),
// and an IMDS-shaped managed-identity endpoint. Errors carry AADSTS codes the way Entra answers.
import { constants, createPublicKey, randomUUID, verify, type KeyObject } from 'node:crypto';
import {
  AKS_SERVER_APP_ID,
  GRAPH_APP_ID,
  TENANT_DOMAIN,
  TENANT_ID,
  principalByAppId,
  principalBySignInName,
  type Principal,
} from './directory.js';
import { json, type Route, type StandInRequest, type StandInResponse } from './https-server.js';
import { claimsFor, signJwt, v1Issuer, type SigningKey } from './tokens.js';

export interface EntraContext {
  /** Base URL of this stand-in (the authority host). */
  url(): string;
  graphUrl(): string;
  armUrl(): string;
  keys: SigningKey[];
  /** principal key -> password (users, guests) or client secret (service principals). */
  secrets: Map<string, string>;
  /** principal key -> certificates registered on the application (PEM), for certificate client assertions. */
  certificates: Map<string, string[]>;
}

/** Verifies a certificate-signed client assertion (RS256 or PS256, as MSAL signs them) against registered certificates. */
function assertionSignedByRegisteredCert(assertion: string, header: Record<string, unknown>, certs: string[]): boolean {
  const [h, p, sig] = assertion.split('.') as [string, string, string];
  const alg = header.alg;
  if (alg !== 'RS256' && alg !== 'PS256') return false;
  return certs.some((pem) => {
    let key: KeyObject;
    try {
      key = createPublicKey(pem);
    } catch {
      return false;
    }
    const opts = alg === 'PS256' ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : key;
    return verify('sha256', Buffer.from(`${h}.${p}`), opts, Buffer.from(sig, 'base64url'));
  });
}

const TOKEN_LIFETIME = 3599;

function aadError(status: number, error: string, code: number, description: string): StandInResponse {
  return json(status, {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
    error_codes: [code],
    timestamp: new Date().toISOString(),
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
  });
}

function knownTenant(t: string): boolean {
  const x = t.toLowerCase();
  return x === TENANT_ID || x === TENANT_DOMAIN || x === 'contoso.com' || x === 'organizations' || x === 'common';
}

const tenantNotFound = (t: string): StandInResponse =>
  aadError(400, 'invalid_tenant', 90002, `Tenant '${t}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);

/** The resource a v2 `scope` names: the first `<resource>/.default`. */
function resourceOfScope(scope: string | null): string | undefined {
  for (const s of (scope ?? '').split(/\s+/)) if (s.endsWith('/.default')) return s.slice(0, -'/.default'.length);
  return undefined;
}

export function entraRoutes(ctx: EntraContext): Route[] {
  const isGraph = (resource: string): boolean => {
    const r = resource.replace(/\/+$/, '');
    return r === ctx.graphUrl() || r === 'https://graph.microsoft.com' || r === GRAPH_APP_ID;
  };

  function issue(p: Principal, resource: string, clientAppId?: string): { token: string; exp: number } {
    const audience = resource === AKS_SERVER_APP_ID || resource === `spn:${AKS_SERVER_APP_ID}` ? AKS_SERVER_APP_ID : resource.replace(/\/+$/, '');
    const app = p.kind === 'servicePrincipal' || p.kind === 'managedIdentity';
    const graph = isGraph(resource);
    const claims = claimsFor(p, {
      audience,
      clientAppId,
      lifetimeSeconds: TOKEN_LIFETIME,
      roles: app && graph && p.graphAppRoles.length ? p.graphAppRoles : undefined,
      scp: !app && graph ? 'Directory.AccessAsUser.All User.Read' : undefined,
    });
    return { token: signJwt(claims, ctx.keys[0]!), exp: claims.exp as number };
  }

  function tokenResponse(p: Principal, resource: string, clientAppId?: string): StandInResponse {
    const { token } = issue(p, resource, clientAppId);
    return json(200, { token_type: 'Bearer', expires_in: TOKEN_LIFETIME, ext_expires_in: TOKEN_LIFETIME, access_token: token });
  }

  function appFromClientAuth(form: URLSearchParams): Principal | StandInResponse {
    const clientId = form.get('client_id') ?? '';
    const p = principalByAppId(clientId);
    if (!p) {
      return aadError(400, 'unauthorized_client', 700016,
        `Application with identifier '${clientId}' was not found in the directory 'Contoso'.`);
    }
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    if (secret !== null) {
      if (secret !== ctx.secrets.get(p.key)) {
        return aadError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
      }
      return p;
    }
    if (assertion !== null) {
      // A client assertion: a signed certificate JWT or a federated (workload identity) token. The stand-in
      // checks its shape and that it names this client or a Kubernetes subject, not the signature.
      const parts = assertion.split('.');
      let header: Record<string, unknown> = {};
      let claims: Record<string, unknown> = {};
      try {
        header = JSON.parse(Buffer.from(parts[0] ?? '', 'base64url').toString('utf8'));
        claims = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'));
      } catch {
        /* handled below */
      }
      if (parts.length !== 3 || typeof claims.sub !== 'string') {
        return aadError(400, 'invalid_client', 50027, 'JWT token is invalid or malformed.');
      }
      if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) {
        return aadError(400, 'invalid_client', 700024, 'Client assertion is not within its valid time range.');
      }
      if (header.x5t !== undefined || header['x5t#S256'] !== undefined) {
        // A certificate credential: it must name this client and be signed by a certificate registered on it.
        if (claims.iss !== clientId || claims.sub !== clientId) {
          return aadError(401, 'invalid_client', 700021, 'Client assertion application identifier doesn\'t match \'client_id\' parameter.');
        }
        const certs = ctx.certificates.get(p.key) ?? [];
        if (!assertionSignedByRegisteredCert(assertion, header, certs)) {
          return aadError(401, 'invalid_client', 700027, `Client assertion failed signature validation. The certificate used to sign it is not registered on application '${clientId}'.`);
        }
      }
      // Otherwise a federated (workload identity) token: only its shape is checked.
      return p;
    }
    return aadError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  }

  function token(req: StandInRequest, v1: boolean): StandInResponse {
    const tenant = req.params[0]!;
    if (!knownTenant(tenant)) return tenantNotFound(tenant);
    const form = new URLSearchParams(req.body);
    const resource = v1 ? (form.get('resource') ?? undefined) : resourceOfScope(form.get('scope'));
    if (!resource) {
      return aadError(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${v1 ? 'resource' : 'scope'}'.`);
    }
    const grant = form.get('grant_type');
    if (grant === 'client_credentials') {
      const p = appFromClientAuth(form);
      if ('status' in p) return p;
      return tokenResponse(p, resource);
    }
    if (grant === 'password') {
      const user = principalBySignInName(form.get('username') ?? '');
      if (!user || form.get('password') !== ctx.secrets.get(user.key)) {
        return aadError(400, 'invalid_grant', 50126, 'Error validating credentials due to invalid username or password.');
      }
      return tokenResponse(user, resource, form.get('client_id') ?? undefined);
    }
    return aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant ?? ''}'.`);
  }

  const v2Config = (tenant: string) => {
    const base = `${ctx.url()}/${TENANT_ID}`;
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${ctx.url()}/${TENANT_ID}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${ctx.graphUrl()}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: 'NA',
      cloud_instance_name: new URL(ctx.url()).host,
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: new URL(ctx.graphUrl()).host,
      rbac_url: ctx.armUrl(),
      requested_tenant: tenant,
    };
  };

  const v1Config = () => {
    const base = `${ctx.url()}/${TENANT_ID}`;
    return {
      token_endpoint: `${base}/oauth2/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${ctx.url()}/common/discovery/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
      scopes_supported: ['openid'],
      issuer: v1Issuer(),
      microsoft_multi_refresh_token: true,
      authorization_endpoint: `${base}/oauth2/authorize`,
      device_authorization_endpoint: `${base}/oauth2/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'amr', 'nonce', 'email', 'given_name', 'family_name', 'nickname'],
      check_session_iframe: `${base}/oauth2/checksession`,
      userinfo_endpoint: `${base}/openid/userinfo`,
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: 'NA',
      cloud_instance_name: new URL(ctx.url()).host,
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: new URL(ctx.graphUrl()).host,
      rbac_url: ctx.armUrl(),
    };
  };

  const jwks = () => json(200, { keys: ctx.keys.map((k) => k.jwk) });
  const withTenant = (f: (req: StandInRequest) => StandInResponse) => (req: StandInRequest) =>
    knownTenant(req.params[0]!) ? f(req) : tenantNotFound(req.params[0]!);

  return [
    { method: 'GET', path: /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/, handle: withTenant((r) => json(200, v2Config(r.params[0]!))) },
    { method: 'GET', path: /^\/([^/]+)\/\.well-known\/openid-configuration$/, handle: withTenant(() => json(200, v1Config())) },
    { method: 'GET', path: /^\/([^/]+)\/discovery\/v2\.0\/keys$/, handle: withTenant(jwks) },
    { method: 'GET', path: /^\/([^/]+)\/discovery\/keys$/, handle: withTenant(jwks) },
    {
      // Instance discovery, for clients that do not disable it.
      method: 'GET',
      path: /^\/common\/discovery\/instance$/,
      handle: () => {
        const host = new URL(ctx.url()).host;
        return json(200, {
          tenant_discovery_endpoint: `${ctx.url()}/${TENANT_ID}/v2.0/.well-known/openid-configuration`,
          'api-version': '1.1',
          metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
        });
      },
    },
    { method: 'POST', path: /^\/([^/]+)\/oauth2\/v2\.0\/token$/, handle: (r) => token(r, false) },
    { method: 'POST', path: /^\/([^/]+)\/oauth2\/token$/, handle: (r) => token(r, true) },
    {
      // IMDS's shape (169.254.169.254/metadata/identity/oauth2/token) for the kubelogin stand-in's --login msi.
      method: 'GET',
      path: /^\/metadata\/identity\/oauth2\/token$/,
      handle: (req) => {
        if (req.headers.metadata !== 'true') {
          return json(400, { error: 'invalid_request', error_description: 'Required metadata header not specified' });
        }
        const q = req.url.searchParams;
        const resource = q.get('resource');
        if (!resource) return json(400, { error: 'invalid_request', error_description: 'Required query variable resource is missing' });
        const clientId = q.get('client_id');
        const p = clientId ? principalByAppId(clientId) : undefined;
        if (!p || p.kind !== 'managedIdentity') {
          return json(400, { error: 'invalid_request', error_description: 'Identity not found' });
        }
        const { token, exp } = issue(p, resource);
        const now = Math.floor(Date.now() / 1000);
        return json(200, {
          access_token: token,
          client_id: p.clientId,
          expires_in: String(exp - now),
          expires_on: String(exp),
          ext_expires_in: String(exp - now),
          not_before: String(now),
          resource,
          token_type: 'Bearer',
        });
      },
    },
  ];
}

// Entra-shaped access tokens for the stand-ins: an RS256 signing key made at start, the JWKS that
// publishes it, claim sets for each kind of principal the way Entra v1 (and v2) tokens carry them,
// and verification for the webhook and the Graph/ARM stand-ins.
import { createHash, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import {
  AKS_SERVER_APP_ID,
  KUBELOGIN_CLIENT_ID,
  TENANT_ID,
  appIdOf,
  principal as seededPrincipal,
  type Principal,
} from './directory.js';

/** The JWT groups-claim limit: above it Entra sends the overage indicator instead. */
export const GROUPS_CLAIM_LIMIT = 200;

export const v1Issuer = (tenantId = TENANT_ID): string => `https://sts.windows.net/${tenantId}/`;
export const v2Issuer = (tenantId = TENANT_ID): string => `https://login.microsoftonline.com/${tenantId}/v2.0`;

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: Record<string, unknown>;
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

export function createSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pub = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const kid = b64url(createHash('sha1').update(pub.n).digest());
  return { kid, privateKey, publicKey, jwk: { kty: 'RSA', use: 'sig', kid, x5t: kid, n: pub.n, e: pub.e, issuer: v1Issuer() } };
}

export function signJwt(claims: Record<string, unknown>, key: SigningKey): string {
  const header = { typ: 'JWT', alg: 'RS256', x5t: key.kid, kid: key.kid };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(sign('sha256', Buffer.from(input), key.privateKey))}`;
}

export interface VerifiedToken {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** Checks shape and RS256 signature against `keys`; claims are checked by the caller. Throws with a reason. */
export function verifyJwt(token: string, keys: SigningKey[]): VerifiedToken {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('not a JWT');
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    throw new Error('malformed JWT');
  }
  if (header.alg !== 'RS256') throw new Error(`unsupported alg ${String(header.alg)}`);
  const key = keys.find((k) => k.kid === header.kid);
  if (!key) throw new Error(`unknown signing key ${String(header.kid)}`);
  const ok = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), key.publicKey, Buffer.from(parts[2]!, 'base64url'));
  if (!ok) throw new Error('invalid signature');
  return { header, claims };
}

export interface MintOptions {
  /** aud claim; default the AKS server application id. Use `spn:<id>` for the legacy form. */
  audience?: string;
  /** Token version: v1 (default, what AKS gets) or v2 (iss login.microsoftonline.com/.../v2.0, azp, preferred_username). */
  version?: '1.0' | '2.0';
  /** Lifetime from now; default 3600. */
  lifetimeSeconds?: number;
  /** An already expired token (issued 2 h ago, expired 1 h ago). */
  expired?: boolean;
  /** Override iat (seconds since epoch); nbf follows it. */
  issuedAt?: number;
  /** Override the groups claim (ids). `null` omits it. */
  groups?: string[] | null;
  /** Force the overage shape (_claim_names/_claim_sources instead of groups) whatever the group count. */
  overage?: boolean;
  /** The client application for user tokens (appid / azp); default kubelogin's client id. */
  clientAppId?: string;
  /** amr for user tokens; default ["pwd"]. */
  amr?: string[];
  /** Extra claims, or overrides; a value of `undefined` removes the claim. */
  claims?: Record<string, unknown>;
  /** Application roles (roles claim) e.g. Graph permissions for an app token. */
  roles?: string[];
  /** Delegated scopes (scp) for user tokens. */
  scp?: string;
  /** Sign with a key the stand-in does not publish (signature check must fail). */
  untrustedKey?: boolean;
}

function isApp(p: Principal): boolean {
  return p.kind === 'servicePrincipal' || p.kind === 'managedIdentity';
}

/** Claims of an Entra access token for `p`. Pure: `now` and the overage endpoint host are inputs. */
export function claimsFor(p: Principal, opts: MintOptions = {}, now = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  const v2 = opts.version === '2.0';
  const iat = opts.issuedAt ?? (opts.expired ? now - 7200 : now - 60);
  const exp = opts.expired ? now - 3600 : iat + (opts.lifetimeSeconds ?? 3600) + (opts.issuedAt === undefined ? 60 : 0);
  const c: Record<string, unknown> = {
    aud: opts.audience ?? AKS_SERVER_APP_ID,
    iss: v2 ? v2Issuer() : v1Issuer(),
    iat,
    nbf: iat,
    exp,
    aio: b64url(createHash('sha256').update(`${p.objectId}:${iat}`).digest()).slice(0, 40),
  };
  const app = isApp(p);
  const clientId = app ? appIdOf(p)! : (opts.clientAppId ?? KUBELOGIN_CLIENT_ID);
  if (v2) {
    c.azp = clientId;
    c.azpacr = app ? '1' : '0';
  } else {
    c.appid = clientId;
    c.appidacr = app ? '1' : '0';
  }
  if (app) {
    c.idp = v1Issuer();
    c.idtyp = 'app';
    if (opts.roles) c.roles = opts.roles;
    if (p.kind === 'managedIdentity') c.xms_mirid = p.resourceId;
  } else {
    c.acr = '1';
    c.amr = opts.amr ?? ['pwd'];
    c.name = p.displayName;
    c.scp = opts.scp ?? 'user.read';
    c.idtyp = 'user';
    if (p.kind === 'user') {
      c.family_name = p.surname;
      c.given_name = p.givenName;
      if (v2) c.preferred_username = p.userPrincipalName;
      else {
        c.upn = p.userPrincipalName;
        c.unique_name = p.userPrincipalName;
      }
      if (p.wids) c.wids = p.wids;
    } else if (p.kind === 'guest') {
      // Guests: no upn; unique_name names the home account; idp says where it signed in.
      c.idp = p.idp;
      c.email = p.mail;
      if (v2) c.preferred_username = p.mail;
      else c.unique_name = p.uniqueName;
    }
    c.ipaddr = '203.0.113.7';
  }
  c.oid = p.objectId;
  c.rh = '0.AAAA' + b64url(p.objectId).slice(0, 20) + '.';
  c.sub = app ? p.objectId : b64url(createHash('sha256').update(`${p.objectId}/${clientId}`).digest()).slice(0, 43);
  c.tid = TENANT_ID;
  c.uti = b64url(randomUUID()).slice(0, 22);
  c.ver = v2 ? '2.0' : '1.0';

  const groups = opts.groups === undefined ? p.groups : opts.groups;
  if (opts.overage || (groups && groups.length > GROUPS_CLAIM_LIMIT)) {
    // The v1 overage indicator: a pointer to where the membership can be read.
    c._claim_names = { groups: 'src1' };
    c._claim_sources = { src1: { endpoint: `https://graph.windows.net/${TENANT_ID}/users/${p.objectId}/getMemberObjects` } };
  } else if (groups && groups.length > 0) {
    c.groups = groups;
  }
  for (const [k, v] of Object.entries(opts.claims ?? {})) {
    if (v === undefined) delete c[k];
    else c[k] = v;
  }
  return c;
}

export function mintFor(p: Principal | string, key: SigningKey, opts: MintOptions = {}): string {
  const pr = typeof p === 'string' ? seededPrincipal(p) : p;
  // An untrusted key keeps the published kid, so only the signature check can catch it.
  return signJwt(claimsFor(pr, opts), opts.untrustedKey ? { ...untrusted(), kid: key.kid } : key);
}

let untrustedKey: SigningKey | undefined;
function untrusted(): SigningKey {
  untrustedKey ??= createSigningKey();
  return untrustedKey;
}

/** The AKS audiences AKS's webhook accepts. */
export function isAksAudience(aud: unknown): boolean {
  const list = Array.isArray(aud) ? aud : [aud];
  return list.some((a) => a === AKS_SERVER_APP_ID || a === `spn:${AKS_SERVER_APP_ID}`);
}

/**
 * Validates a bearer token the way a Microsoft resource does: signature, v1 or v2 issuer of our
 * tenant, one of `audiences`, and lifetime. Returns the claims or a reason.
 */
export function checkBearer(token: string | undefined, keys: SigningKey[], audiences: string[]): Record<string, unknown> | string {
  if (!token) return 'missing bearer token';
  let claims: Record<string, unknown>;
  try {
    claims = verifyJwt(token, keys).claims;
  } catch (e) {
    return (e as Error).message;
  }
  if (claims.iss !== v1Issuer() && claims.iss !== v2Issuer()) return `invalid issuer ${String(claims.iss)}`;
  const auds = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).map((a) => String(a).replace(/\/+$/, ''));
  if (!audiences.some((a) => auds.includes(a.replace(/\/+$/, '')))) return `invalid audience ${auds.join(',')}`;
  const now = Date.now() / 1000;
  if (typeof claims.exp !== 'number' || claims.exp < now) return 'token expired';
  if (typeof claims.nbf === 'number' && claims.nbf > now + 300) return 'token not yet valid';
  return claims;
}

// Decodes a bearer token's payload without checking the signature (the API server does that) and
// names the Entra claims kubectl-entra reads. A token that is not a JWT is "opaque".
import { jwtDecode, InvalidTokenError } from 'jwt-decode';

/** The Entra ID application id of the AKS AAD server app, the audience of every AKS user token. */
export const AKS_SERVER_APP_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';

export interface EntraClaims {
  iss?: string;
  aud?: string | string[];
  ver?: string;
  tid?: string;
  oid?: string;
  sub?: string;
  upn?: string;
  unique_name?: string;
  preferred_username?: string;
  email?: string;
  appid?: string;
  azp?: string;
  idtyp?: string;
  idp?: string;
  acct?: number;
  name?: string;
  amr?: string[];
  scp?: string;
  roles?: string[];
  wids?: string[];
  groups?: string[];
  hasgroups?: boolean;
  _claim_names?: Record<string, string>;
  _claim_sources?: Record<string, { endpoint?: string }>;
  xms_mirid?: string;
  iat?: number;
  nbf?: number;
  exp?: number;
  [claim: string]: unknown;
}

export type DecodedToken = { kind: 'jwt'; claims: EntraClaims; header: Record<string, unknown> } | { kind: 'opaque' };

/** A JWT has three base64url parts; anything else is opaque (a static token, a service-account secret...). */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

export class MalformedTokenError extends Error {}

export function decodeToken(token: string): DecodedToken {
  if (!looksLikeJwt(token)) return { kind: 'opaque' };
  try {
    const claims = jwtDecode<EntraClaims>(token);
    const header = jwtDecode<Record<string, unknown>>(token, { header: true });
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new MalformedTokenError('the payload is not a JSON object');
    return { kind: 'jwt', claims, header };
  } catch (e) {
    const why = e instanceof InvalidTokenError || e instanceof MalformedTokenError ? e.message : String(e);
    throw new MalformedTokenError(`the token looks like a JWT but cannot be decoded: ${why}`);
  }
}

export function audiences(claims: EntraClaims): string[] {
  if (Array.isArray(claims.aud)) return claims.aud;
  return claims.aud ? [claims.aud] : [];
}

/** AKS accepts its server app id with or without the legacy "spn:" prefix. */
export function isAksAudience(aud: string): boolean {
  return aud.replace(/^spn:/, '').toLowerCase() === AKS_SERVER_APP_ID;
}

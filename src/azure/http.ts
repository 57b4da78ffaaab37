// JSON over HTTPS for the Graph and ARM clients: one overall deadline per call (connect, TLS, headers
// and body), an optional extra CA (corporate TLS inspection, private endpoints, test stand-ins), one
// retry on throttling when the server's Retry-After fits in the deadline, and failures as
// AzureRequestError with a one-line reason. Tokens are sent, never logged or echoed into messages.
import { request } from 'node:https';
import { rootCertificates } from 'node:tls';
import { AzureError } from '../errors.js';

export const DEFAULT_AZURE_TIMEOUT_MS = 10_000;

export type AzureFailure =
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'badRequest'
  | 'throttled'
  | 'server'
  | 'timeout'
  | 'unreachable'
  | 'tls'
  | 'badResponse'
  | 'credential';

/** An AzureError that says what kind of failure it was, so callers can word their warnings. */
export class AzureRequestError extends AzureError {
  constructor(
    message: string,
    readonly reason: AzureFailure,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface HttpOptions {
  /** Overall deadline for one call, in milliseconds (default 10 s). */
  timeoutMs?: number;
  /** Extra trusted CA certificates (PEM), added to Node's default roots. */
  ca?: string | string[];
  signal?: AbortSignal;
}

export interface JsonRequest {
  /** The service's name for messages: "Microsoft Graph", "Azure Resource Manager". */
  service: string;
  method: 'GET' | 'POST';
  url: string;
  token: string;
  body?: unknown;
}

export interface JsonResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
}

export function trustedCAs(ca: string | string[] | undefined): string[] | undefined {
  if (ca === undefined) return undefined;
  return [...rootCertificates, ...(Array.isArray(ca) ? ca : [ca])];
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}

const TLS_CODES = /^(CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|ERR_TLS|ERR_SSL|HOSTNAME_MISMATCH|ERR_CERT)/;

function once(req: JsonRequest, opts: HttpOptions, deadline: number): Promise<JsonResponse> {
  const url = new URL(req.url);
  const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
  const headers: Record<string, string | number> = {
    authorization: `Bearer ${req.token}`,
    accept: 'application/json',
    'user-agent': 'kubectl-entra',
  };
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(payload);
  }
  const remaining = Math.max(1, deadline - Date.now());
  return new Promise<JsonResponse>((resolve, reject) => {
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      f();
    };
    const r = request(url, { method: req.method, headers, ca: trustedCAs(opts.ca) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => finish(() => reject(e)));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        finish(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text }));
      });
    });
    const timer = setTimeout(() => {
      finish(() =>
        reject(new AzureRequestError(`${req.service} did not answer within ${seconds(opts.timeoutMs ?? DEFAULT_AZURE_TIMEOUT_MS)} (${url.origin})`, 'timeout')),
      );
      r.destroy();
    }, remaining);
    const onAbort = (): void => {
      finish(() => reject(new AzureRequestError(`${req.service} request was cancelled`, 'timeout')));
      r.destroy();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    r.on('error', (e: NodeJS.ErrnoException) => {
      const code = e.code ?? '';
      const reason: AzureFailure = TLS_CODES.test(code) ? 'tls' : 'unreachable';
      const what = reason === 'tls' ? `TLS error talking to ${req.service} at ${url.origin}` : `cannot reach ${req.service} at ${url.origin}`;
      finish(() => reject(new AzureRequestError(`${what}: ${code || e.message}`, reason, undefined, { cause: e })));
    });
    r.end(payload);
  });
}

/**
 * One JSON call with a deadline. Returns any HTTP response (the caller maps statuses to meaning); throws
 * AzureRequestError only when there is no response. A 429/503 with a short Retry-After is retried once.
 */
export async function sendJson(req: JsonRequest, opts: HttpOptions = {}): Promise<JsonResponse> {
  const deadline = Date.now() + (opts.timeoutMs ?? DEFAULT_AZURE_TIMEOUT_MS);
  const res = await once(req, opts, deadline);
  if (res.status === 429 || res.status === 503) {
    const after = Number(res.headers['retry-after']);
    const waitMs = Number.isFinite(after) ? after * 1000 : NaN;
    if (waitMs >= 0 && waitMs <= 5000 && Date.now() + waitMs < deadline - 100) {
      await new Promise((r) => setTimeout(r, waitMs));
      return once(req, opts, deadline);
    }
  }
  return res;
}

/** The `error.code: message` of a Graph or ARM error body, for messages. */
export function errorDetail(body: unknown): string {
  const err = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (!err || typeof err !== 'object') return '';
  const code = typeof err.code === 'string' ? err.code : '';
  const message = typeof err.message === 'string' ? err.message.split('\n')[0]!.trim() : '';
  return [code, message].filter(Boolean).join(': ');
}

/** A generic failure for statuses a client does not map itself. */
export function httpFailure(service: string, res: JsonResponse): AzureRequestError {
  const detail = errorDetail(res.body);
  const reason: AzureFailure =
    res.status === 401 ? 'unauthorized'
    : res.status === 403 ? 'forbidden'
    : res.status === 404 ? 'notFound'
    : res.status === 429 ? 'throttled'
    : res.status >= 500 ? 'server'
    : 'badRequest';
  return new AzureRequestError(`${service} answered HTTP ${res.status}${detail ? ` (${detail})` : ''}`, reason, res.status);
}

/** Only follow a paging link on the same origin as the request, so a token never leaves for another host. */
export function sameOriginLink(link: unknown, base: string, service: string): string | undefined {
  if (link === undefined || link === null || link === '') return undefined;
  if (typeof link !== 'string') throw new AzureRequestError(`${service} returned a malformed next link`, 'badResponse');
  let u: URL;
  try {
    u = new URL(link, base);
  } catch {
    throw new AzureRequestError(`${service} returned a malformed next link`, 'badResponse');
  }
  if (u.origin !== new URL(base).origin) {
    throw new AzureRequestError(`${service} returned a next link to another host (${u.origin}); not following it`, 'badResponse');
  }
  return u.toString();
}

// The one gateway to the API server: @kubernetes/client-node does TLS, authentication and HTTP; this
// file adds kubectl's behaviour around it: the credential we already resolved (so an exec plugin runs
// once), a per-request timeout that can never hang, pagination, and one-line errors.
import { HttpMethod, IsomorphicFetchHttpLibrary, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { ClusterError, KubeconfigError } from '../errors.js';
import type { ResolvedCredential } from './credential.js';
import type { ResolvedContext } from './kubeconfig.js';

export interface ClientOptions {
  timeoutMs: number;
  insecureSkipTlsVerify?: boolean;
  /** -v level: 6 logs each request's method, URL, status and time to stderr. */
  verbosity?: number;
  log?: (line: string) => void;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  /** Statuses that are returned as data instead of thrown (e.g. 404 for "not installed"). */
  acceptStatus?: number[];
}

export interface KubeResponse<T> {
  status: number;
  body: T;
}

interface ListBody<T> {
  items?: T[];
  metadata?: { continue?: string };
}

export class KubeClient {
  readonly server: string;
  private readonly kc: KubeConfig;
  private readonly http = new IsomorphicFetchHttpLibrary();

  constructor(
    readonly context: ResolvedContext,
    credential: ResolvedCredential,
    private readonly opts: ClientOptions,
  ) {
    const server = context.cluster.server;
    if (!server) throw new KubeconfigError(`cluster "${context.clusterName}" has no server`);
    this.server = server.replace(/\/+$/, '');
    this.kc = new KubeConfig();
    const c = context.cluster;
    let caData = c['certificate-authority-data'];
    if (!caData && c['certificate-authority']) {
      try {
        caData = readFileSync(c['certificate-authority']).toString('base64');
      } catch (e) {
        throw new KubeconfigError(
          `cannot read certificate-authority "${c['certificate-authority']}" of cluster "${context.clusterName}": ${(e as NodeJS.ErrnoException).code}`,
        );
      }
    }
    const user: Record<string, unknown> = { name: 'user' };
    if (credential.token) user.token = credential.token;
    if (credential.clientCertificatePem && credential.clientKeyPem) {
      user.certData = Buffer.from(credential.clientCertificatePem).toString('base64');
      user.keyData = Buffer.from(credential.clientKeyPem).toString('base64');
    }
    this.kc.loadFromOptions({
      clusters: [
        {
          name: 'cluster',
          server: this.server,
          caData,
          skipTLSVerify: Boolean(opts.insecureSkipTlsVerify || c['insecure-skip-tls-verify']),
          tlsServerName: c['tls-server-name'],
          proxyUrl: c['proxy-url'],
        },
      ],
      users: [user],
      contexts: [{ name: 'ctx', cluster: 'cluster', user: 'user' }],
      currentContext: 'ctx',
    });
  }

  /** One JSON request. Throws ClusterError with a one-line reason on failure. */
  async request<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, o: RequestOptions = {}): Promise<KubeResponse<T>> {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const ctx = new RequestContext(url.toString(), method as HttpMethod);
    ctx.setHeaderParam('Accept', 'application/json');
    if (o.body !== undefined) {
      ctx.setHeaderParam('Content-Type', o.contentType ?? 'application/json');
      ctx.setBody(typeof o.body === 'string' ? o.body : JSON.stringify(o.body));
    }
    await this.kc.applySecurityAuthentication(ctx);
    const signal = AbortSignal.timeout(this.opts.timeoutMs);
    ctx.setSignal(signal);
    const started = Date.now();
    let status: number;
    let text: string;
    try {
      const res = await this.http.send(ctx).toPromise();
      status = res.httpStatusCode;
      text = await res.body.text();
    } catch (e) {
      this.log(`${method} ${url.pathname} failed after ${Date.now() - started} ms`);
      throw this.transportError(e, signal.aborted);
    }
    this.log(`${method} ${url.pathname}${url.search} ${status} in ${Date.now() - started} ms`);
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    if (status >= 400 && !(o.acceptStatus ?? []).includes(status)) throw statusError(status, body, method, url.pathname);
    return { status, body: body as T };
  }

  async get<T>(path: string, o?: RequestOptions): Promise<T> {
    return (await this.request<T>('GET', path, o)).body;
  }

  async post<T>(path: string, body: unknown, o?: RequestOptions): Promise<T> {
    return (await this.request<T>('POST', path, { ...o, body })).body;
  }

  /** Every item of a LIST, following `continue` tokens in pages of `limit`. */
  async listAll<T>(path: string, o: { limit?: number; query?: RequestOptions['query'] } = {}): Promise<T[]> {
    const items: T[] = [];
    let cont: string | undefined;
    do {
      const page = await this.get<ListBody<T>>(path, { query: { ...o.query, limit: o.limit ?? 500, continue: cont } });
      items.push(...(page.items ?? []));
      cont = page.metadata?.continue || undefined;
    } while (cont);
    return items;
  }

  private log(line: string): void {
    if ((this.opts.verbosity ?? 0) >= 6) (this.opts.log ?? ((l: string) => process.stderr.write(l + '\n')))(`I ${line}`);
  }

  private transportError(e: unknown, timedOut: boolean): ClusterError {
    if (timedOut) {
      return new ClusterError(`the server ${this.server} did not answer within ${formatMs(this.opts.timeoutMs)} (--request-timeout)`, undefined, { cause: e });
    }
    const err = e as { code?: string; message?: string; cause?: { code?: string } };
    const code = err.code ?? err.cause?.code;
    const reason =
      code === 'ECONNREFUSED'
        ? 'connection refused'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'host not found'
          : code === 'ETIMEDOUT'
            ? 'connection timed out'
            : code && /CERT|SELF_SIGNED|UNABLE_TO/.test(code)
              ? `TLS certificate not trusted (${code})`
              : (err.message ?? String(e)).split('\n')[0];
    return new ClusterError(`cannot reach the server ${this.server}: ${reason}`, undefined, { cause: e });
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function statusError(status: number, body: unknown, method: string, path: string): ClusterError {
  const msg =
    typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string'
      ? (body as { message: string }).message
      : typeof body === 'string' && body.length < 200
        ? body
        : `HTTP ${status}`;
  const prefix = status === 401 ? 'the server rejected the credential (401 Unauthorized)' : status === 403 ? 'forbidden' : `${method} ${path} failed`;
  return new ClusterError(status === 401 ? prefix : `${prefix}: ${msg}`, status);
}

export { isForbidden, isNotFound } from './status.js';

// A minimal HTTPS client for the e2e control plane's API, authenticating with a client certificate (the
// admin one by default). Test infrastructure uses it where spawning kubectl per call would be too slow:
// readiness polling, bulk object creation and SubjectAccessReviews in the differential test.
import { Agent, request } from 'node:https';
import { readFileSync } from 'node:fs';

export interface KubeApiOptions {
  server: string;
  caPath: string;
  certPath: string;
  keyPath: string;
}

export interface KubeResponse<T = unknown> {
  status: number;
  body: T;
  text: string;
}

export class KubeApi {
  readonly server: string;
  private readonly agent: Agent;

  constructor(opts: KubeApiOptions) {
    this.server = opts.server.replace(/\/$/, '');
    this.agent = new Agent({
      ca: readFileSync(opts.caPath),
      cert: readFileSync(opts.certPath),
      key: readFileSync(opts.keyPath),
      keepAlive: true,
      maxSockets: 32,
    });
  }

  async call<T = any>(method: string, path: string, body?: unknown, timeoutMs = 15_000): Promise<KubeResponse<T>> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.server}${path}`,
        {
          method,
          agent: this.agent,
          headers: {
            accept: 'application/json',
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not JSON (e.g. /readyz)
            }
            resolve({ status: res.statusCode ?? 0, body: parsed as T, text });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out after ${timeoutMs} ms`)));
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** Like call(), but throws unless the status is 2xx (or one of `alsoOk`). */
  async must<T = any>(method: string, path: string, body?: unknown, alsoOk: number[] = []): Promise<T> {
    const res = await this.call<T>(method, path, body);
    if ((res.status < 200 || res.status > 299) && !alsoOk.includes(res.status)) {
      throw new Error(`${method} ${path}: HTTP ${res.status}: ${res.text.slice(0, 500)}`);
    }
    return res.body;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The REST collection path of a namespaced or cluster-scoped built-in or custom resource. */
export function collectionPath(apiVersion: string, plural: string, namespace?: string): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return namespace ? `${base}/namespaces/${namespace}/${plural}` : `${base}/${plural}`;
}

// A tiny routed HTTPS server for the loopback stand-ins: JSON in and out, a request log tests can
// assert on (never bodies with secrets), and faults a test can switch on (hang, unavailable).
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface StandInRequest {
  method: string;
  url: URL;
  /** Regex capture groups of the matched route. */
  params: string[];
  headers: IncomingMessage['headers'];
  body: string;
  /** The bearer token of the Authorization header, if any. */
  bearer?: string;
}

export interface StandInResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'POST';
  path: RegExp;
  /** Record the request body in the log (only for bodies without secrets). */
  logBody?: boolean;
  handle(req: StandInRequest): StandInResponse | Promise<StandInResponse>;
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  body?: unknown;
}

/** hang: accept and never answer; unavailable: 503 with Retry-After. */
export type Fault = 'hang' | 'unavailable' | undefined;

export interface StandInServer {
  name: string;
  url: string;
  log: LoggedRequest[];
  fault: Fault;
  close(): Promise<void>;
}

export async function startHttpsServer(name: string, tls: { certPem: string; keyPem: string }, routes: Route[]): Promise<StandInServer> {
  const sockets = new Set<Socket>();
  const state: StandInServer = { name, url: '', log: [], fault: undefined, close: async () => undefined };

  const server: Server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    void handle(req, res);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', state.url);
    const entry: LoggedRequest = { method: req.method ?? 'GET', path: url.pathname + url.search, status: 0 };
    state.log.push(entry);
    if (state.fault === 'hang') return; // never answer; close() destroys the socket
    let out: StandInResponse;
    if (state.fault === 'unavailable') {
      out = { status: 503, headers: { 'retry-after': '1' }, body: { error: { code: 'ServiceUnavailable', message: 'stand-in fault: unavailable' } } };
    } else {
      out = { status: 404, body: { error: { code: 'NotFound', message: `${name} stand-in: no route for ${req.method} ${url.pathname}` } } };
      for (const r of routes) {
        const m = r.method === req.method ? r.path.exec(url.pathname) : null;
        if (!m) continue;
        const auth = req.headers.authorization;
        const bearer = auth && /^Bearer /i.test(auth) ? auth.slice(7).trim() : undefined;
        if (r.logBody && body) {
          try {
            entry.body = JSON.parse(body);
          } catch {
            entry.body = body;
          }
        }
        try {
          out = await r.handle({ method: req.method!, url, params: m.slice(1), headers: req.headers, body, bearer });
        } catch (e) {
          out = { status: 500, body: { error: { code: 'InternalError', message: (e as Error).message } } };
        }
        break;
      }
    }
    entry.status = out.status;
    const payload = out.body === undefined ? '' : typeof out.body === 'string' ? out.body : JSON.stringify(out.body);
    res.writeHead(out.status, {
      'content-type': typeof out.body === 'string' ? 'text/plain' : 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(payload),
      ...out.headers,
    });
    res.end(payload);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  state.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return state;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): StandInResponse => ({ status, body, headers });

export function parseJsonBody(req: StandInRequest): unknown {
  try {
    return JSON.parse(req.body);
  } catch {
    return undefined;
  }
}

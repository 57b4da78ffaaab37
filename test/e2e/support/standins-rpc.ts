// The Azure stand-ins live in the global-setup process (kube-apiserver's webhooks point at them), but tests
// run in worker processes. This is the bridge: a loopback HTTP endpoint in the setup process that calls the
// stand-ins' functions and reads/writes their mutable settings (role assignments, cluster profile, faults),
// and the typed client tests use. Guarded by a random bearer secret; JSON in and out.
import { randomBytes } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AksRole, AzureStandIns, ExecUser, KubeloginLogin, MintOptions, NewRoleAssignment, RoleAssignment } from '../../support/azure/index.js';

export interface RpcEndpoint {
  url: string;
  secret: string;
}

type Op = { op: 'call'; path: string; args: unknown[] } | { op: 'get'; path: string } | { op: 'set'; path: string; value: unknown };

// Only these roots are reachable; everything else on the stand-ins object stays private to the setup.
const ROOTS = new Set(['mintToken', 'secretOf', 'execUser', 'productEnv', 'roleAssignments', 'cluster', 'graphSettings', 'armSettings', 'servers', 'directory']);

function resolvePath(root: Record<string, any>, path: string): { parent: any; key: string } {
  const parts = path.split('.');
  if (!ROOTS.has(parts[0]!)) throw new Error(`stand-ins path "${path}" is not exposed`);
  let parent: any = root;
  for (const p of parts.slice(0, -1)) {
    parent = parent?.[p];
    if (parent === undefined || parent === null) throw new Error(`no stand-ins path "${path}"`);
  }
  return { parent, key: parts[parts.length - 1]! };
}

const toJson = (v: unknown): unknown =>
  JSON.parse(JSON.stringify(v ?? null, (_k, x) => (x instanceof Set ? [...x] : x instanceof Map ? Object.fromEntries(x) : x)));

function handle(standIns: AzureStandIns, op: Op): unknown {
  const { parent, key } = resolvePath(standIns as unknown as Record<string, any>, op.path);
  if (op.op === 'get') return toJson(parent[key]);
  if (op.op === 'set') {
    parent[key] = parent[key] instanceof Set && Array.isArray(op.value) ? new Set(op.value) : op.value;
    return null;
  }
  const fn = parent[key];
  if (typeof fn !== 'function') throw new Error(`stand-ins path "${op.path}" is not a function`);
  return toJson(fn.apply(parent, op.args));
}

/** Serves `standIns` to test workers on 127.0.0.1. */
export async function serveStandIns(standIns: AzureStandIns): Promise<{ endpoint: RpcEndpoint; close(): Promise<void> }> {
  const secret = randomBytes(24).toString('base64url');
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${secret}`) return reply(401, { error: 'unauthorized' });
      try {
        reply(200, { result: handle(standIns, JSON.parse(Buffer.concat(chunks).toString('utf8')) as Op) });
      } catch (e) {
        reply(400, { error: e instanceof Error ? e.message : String(e) });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('stand-ins RPC: no address');
  return {
    endpoint: { url: `http://127.0.0.1:${addr.port}/`, secret },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function send<T>(endpoint: RpcEndpoint, op: Op): Promise<T> {
  const payload = Buffer.from(JSON.stringify(op));
  return new Promise((resolve, reject) => {
    const req = request(
      endpoint.url,
      { method: 'POST', headers: { authorization: `Bearer ${endpoint.secret}`, 'content-type': 'application/json', 'content-length': payload.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { result?: T; error?: string };
          if (res.statusCode === 200) resolve(body.result as T);
          else reject(new Error(`stand-ins ${op.op} ${op.path}: ${body.error}`));
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** What tests can do with the stand-ins from a worker. */
export interface StandInsClient {
  /** A signed Entra access token for a seeded principal (default audience: AKS). */
  mintToken(principalKey: string, opts?: MintOptions): Promise<string>;
  secretOf(principalKey: string): Promise<string>;
  /** The kubeconfig `user` entry that runs the kubelogin stand-in for this principal. */
  execUser(principalKey: string, opts?: { login?: KubeloginLogin; apiVersion?: string }): Promise<ExecUser>;
  /** Environment for running the product against the stand-ins as a service principal. */
  productEnv(principalKey?: string): Promise<Record<string, string>>;
  roleAssignments: {
    add(a: NewRoleAssignment & { role: AksRole | string }): Promise<RoleAssignment>;
    remove(name: string): Promise<boolean>;
    clear(): Promise<void>;
    list(): Promise<RoleAssignment[]>;
  };
  /** Read or replace a mutable setting, e.g. get('cluster'), set('servers.graph.fault', 'unavailable'). */
  get<T = unknown>(path: string): Promise<T>;
  set(path: string, value: unknown): Promise<void>;
}

export function standInsClient(endpoint: RpcEndpoint): StandInsClient {
  const call = <T>(path: string, ...args: unknown[]) => {
    // JSON turns undefined into null; drop trailing omitted arguments so defaults apply.
    while (args.length && args[args.length - 1] === undefined) args.pop();
    return send<T>(endpoint, { op: 'call', path, args });
  };
  return {
    mintToken: (k, o) => call('mintToken', k, o),
    secretOf: (k) => call('secretOf', k),
    execUser: (k, o) => call('execUser', k, o),
    productEnv: (k) => call('productEnv', k),
    roleAssignments: {
      add: (a) => call('roleAssignments.add', a),
      remove: (n) => call('roleAssignments.remove', n),
      clear: () => call('roleAssignments.clear'),
      list: () => call('roleAssignments.list'),
    },
    get: (path) => send(endpoint, { op: 'get', path }),
    set: (path, value) => send(endpoint, { op: 'set', path, value }),
  };
}

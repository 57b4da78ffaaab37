// Kubeconfig loading with kubectl's rules, not client-node's defaults:
//   --kubeconfig FILE   exactly that one file (it must exist), no merging;
//   KUBECONFIG=a:b:c    files merged in order, the first file to define a name (or current-context) wins,
//                       missing files skipped;
//   otherwise           ~/.kube/config (a missing file is an empty config).
// Relative paths inside a file (certificate-authority, client-certificate, client-key, tokenFile, and an exec
// command that contains a path separator) are resolved against that file's folder, as client-go does.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import { KubeconfigError } from '../errors.js';

export interface ExecConfig {
  command: string;
  args?: string[];
  env?: Array<{ name: string; value: string }> | null;
  apiVersion?: string;
  installHint?: string;
  provideClusterInfo?: boolean;
  interactiveMode?: 'Never' | 'IfAvailable' | 'Always';
}

export interface AuthInfo {
  token?: string;
  tokenFile?: string;
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  exec?: ExecConfig;
  'auth-provider'?: { name: string; config?: Record<string, string> };
  username?: string;
  password?: string;
  as?: string;
  'as-groups'?: string[];
}

export interface ClusterInfo {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  'proxy-url'?: string;
  extensions?: Array<{ name: string; extension: unknown }>;
}

interface ContextInfo {
  cluster?: string;
  user?: string;
  namespace?: string;
}

interface Named<T> {
  name: string;
  value: T;
  file: string;
}

export interface Kubeconfig {
  files: string[];
  currentContext?: string;
  clusters: Map<string, Named<ClusterInfo>>;
  users: Map<string, Named<AuthInfo>>;
  contexts: Map<string, Named<ContextInfo>>;
}

export interface KubeconfigSelection {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  namespace?: string;
}

export interface ResolvedContext {
  contextName: string;
  clusterName: string;
  userName: string;
  namespace: string;
  cluster: ClusterInfo;
  user: AuthInfo;
  /** The files the configuration came from, for messages. */
  files: string[];
}

/** Which files kubectl would read, in order. */
export function kubeconfigPaths(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): { paths: string[]; explicit: boolean } {
  if (flag) return { paths: [flag], explicit: true };
  const list = env.KUBECONFIG;
  if (list) {
    const paths = [...new Set(list.split(delimiter).filter((p) => p !== ''))];
    return { paths, explicit: false };
  }
  return { paths: [join(homedir(), '.kube', 'config')], explicit: false };
}

export function loadKubeconfig(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Kubeconfig {
  const { paths, explicit } = kubeconfigPaths(flag, env);
  const config: Kubeconfig = { files: [], clusters: new Map(), users: new Map(), contexts: new Map() };
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (!explicit && code === 'ENOENT') continue;
      throw new KubeconfigError(
        code === 'ENOENT' ? `kubeconfig "${path}" does not exist` : `cannot read kubeconfig "${path}": ${code ?? (e as Error).message}`,
      );
    }
    mergeFile(config, path, text);
  }
  return config;
}

/** Merges one file into `config`; earlier files win, as in kubectl. Exported for tests. */
export function mergeFile(config: Kubeconfig, path: string, text: string): void {
  let doc: unknown;
  try {
    doc = parse(text, { prettyErrors: false });
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    throw new KubeconfigError(`kubeconfig "${path}" is not valid YAML: ${msg}`);
  }
  if (doc === null || doc === undefined) {
    config.files.push(path);
    return;
  }
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new KubeconfigError(`kubeconfig "${path}" is not a kubeconfig (expected a mapping)`);
  const d = doc as Record<string, unknown>;
  const base = dirname(resolve(path));
  config.files.push(path);
  if (!config.currentContext && typeof d['current-context'] === 'string' && d['current-context']) {
    config.currentContext = d['current-context'];
  }
  mergeList(config.clusters, d.clusters, 'cluster', path, (c: ClusterInfo) => resolveClusterPaths(c, base));
  mergeList(config.users, d.users, 'user', path, (u: AuthInfo) => resolveUserPaths(u, base));
  mergeList(config.contexts, d.contexts, 'context', path, (c: ContextInfo) => c);
}

function mergeList<T>(target: Map<string, Named<T>>, list: unknown, field: string, path: string, fix: (v: T) => T): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) throw new KubeconfigError(`kubeconfig "${path}": "${field}s" must be a list`);
  list.forEach((entry, i) => {
    if (typeof entry !== 'object' || entry === null || typeof (entry as Record<string, unknown>).name !== 'string') {
      throw new KubeconfigError(`kubeconfig "${path}": ${field}s[${i}] has no name`);
    }
    const e = entry as Record<string, unknown>;
    const name = e.name as string;
    const value = e[field];
    if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      throw new KubeconfigError(`kubeconfig "${path}": ${field} "${name}" must be a mapping`);
    }
    if (!target.has(name)) target.set(name, { name, value: fix({ ...((value as T) ?? ({} as T)) }), file: path });
  });
}

function abs(base: string, p: string | undefined): string | undefined {
  if (!p) return p;
  return isAbsolute(p) ? p : join(base, p);
}

function resolveClusterPaths(c: ClusterInfo, base: string): ClusterInfo {
  return { ...c, 'certificate-authority': abs(base, c['certificate-authority']) };
}

function resolveUserPaths(u: AuthInfo, base: string): AuthInfo {
  const out: AuthInfo = {
    ...u,
    tokenFile: abs(base, u.tokenFile),
    'client-certificate': abs(base, u['client-certificate']),
    'client-key': abs(base, u['client-key']),
  };
  if (u.exec && typeof u.exec.command === 'string' && u.exec.command.includes(sep) && !isAbsolute(u.exec.command)) {
    out.exec = { ...u.exec, command: join(base, u.exec.command) };
  }
  return out;
}

/** Picks the context, cluster and user the flags select, as kubectl does. */
export function selectContext(config: Kubeconfig, sel: KubeconfigSelection): ResolvedContext {
  const where = config.files.length ? config.files.join(', ') : kubeconfigPaths(sel.kubeconfig).paths.join(', ');
  const contextName = sel.context ?? config.currentContext;
  let ctx: ContextInfo = {};
  if (contextName) {
    const found = config.contexts.get(contextName);
    if (!found) {
      const known = [...config.contexts.keys()];
      throw new KubeconfigError(
        `context "${contextName}" does not exist in ${where}` + (known.length ? ` (contexts: ${known.join(', ')})` : ''),
      );
    }
    ctx = found.value;
  } else if (!sel.cluster && !sel.user) {
    const known = [...config.contexts.keys()];
    throw new KubeconfigError(
      config.files.length === 0
        ? `no kubeconfig found (looked in ${where}); use --kubeconfig or set KUBECONFIG`
        : `no current-context is set in ${where}; use --context` + (known.length ? ` (contexts: ${known.join(', ')})` : ''),
    );
  }
  const clusterName = sel.cluster ?? ctx.cluster ?? '';
  const userName = sel.user ?? ctx.user ?? '';
  const cluster = config.clusters.get(clusterName);
  if (!cluster) {
    throw new KubeconfigError(
      clusterName ? `cluster "${clusterName}" does not exist in ${where}` : `context "${contextName}" names no cluster`,
    );
  }
  const user = userName ? config.users.get(userName) : undefined;
  if (userName && !user) throw new KubeconfigError(`user "${userName}" does not exist in ${where}`);
  return {
    contextName: contextName ?? '',
    clusterName,
    userName,
    namespace: sel.namespace || ctx.namespace || 'default',
    cluster: cluster.value,
    user: user?.value ?? {},
    files: config.files,
  };
}

// Turns kubectl's global flags into what every command needs: the selected context, its credential
// (resolved once) and a client for the API server, created only when a command goes online.
import type { ResolvedCredential } from './credential.js';
import { resolveCredential } from './credential.js';
import type { KubeClient } from './client.js';
import { loadKubeconfig, selectContext, type ResolvedContext } from './kubeconfig.js';

export interface ConnectionOptions {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  namespace?: string;
  token?: string;
  timeoutMs: number;
  insecureSkipTlsVerify?: boolean;
  verbosity?: number;
  env?: NodeJS.ProcessEnv;
}

export interface Session {
  context: ResolvedContext;
  /** True when -n was given (so -n beats the context's namespace). */
  namespaceFromFlag: boolean;
  credential(): Promise<ResolvedCredential>;
  client(): Promise<KubeClient>;
}

function execTimeoutFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.KUBECTL_ENTRA_EXEC_TIMEOUT;
  if (!raw) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 ? n * 1000 : undefined;
}

export function openSession(o: ConnectionOptions): Session {
  const env = o.env ?? process.env;
  const context = selectContext(loadKubeconfig(o.kubeconfig, env), o);
  let credential: Promise<ResolvedCredential> | undefined;
  let client: Promise<KubeClient> | undefined;
  const getCredential = () =>
    (credential ??= resolveCredential(context, {
      tokenOverride: o.token,
      execTimeoutMs: execTimeoutFromEnv(env),
      interactiveExecTimeoutMs: execTimeoutFromEnv(env),
      env,
    }));
  return {
    context,
    namespaceFromFlag: Boolean(o.namespace),
    credential: getCredential,
    client: () =>
      // client-node is large: load it only when a command goes online.
      (client ??= Promise.all([getCredential(), import('./client.js')]).then(
        ([cred, { KubeClient }]) =>
          new KubeClient(context, cred, {
            timeoutMs: o.timeoutMs,
            insecureSkipTlsVerify: o.insecureSkipTlsVerify,
            verbosity: o.verbosity,
          }),
      )),
  };
}

// Writes kubeconfig files for the e2e control plane, one per credential kind a user of kubectl-entra may
// have: a bearer token, a token file, an exec plugin (kubelogin-shaped) or a client certificate.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

export type UserCredential =
  | { kind: 'token'; token: string }
  | { kind: 'tokenFile'; tokenFile: string }
  | {
      kind: 'exec';
      command: string;
      args?: string[];
      env?: Record<string, string>;
      apiVersion?: 'client.authentication.k8s.io/v1' | 'client.authentication.k8s.io/v1beta1';
      interactiveMode?: 'Never' | 'IfAvailable' | 'Always';
    }
  | { kind: 'clientCertificate'; certPath: string; keyPath: string };

export interface KubeconfigSpec {
  server: string;
  caPath: string;
  credential: UserCredential;
  /** Names of the cluster, user and context entries; AKS-like defaults. */
  clusterName?: string;
  userName?: string;
  contextName?: string;
  namespace?: string;
}

function userEntry(cred: UserCredential): Record<string, unknown> {
  switch (cred.kind) {
    case 'token':
      return { token: cred.token };
    case 'tokenFile':
      return { tokenFile: cred.tokenFile };
    case 'clientCertificate':
      return { 'client-certificate': cred.certPath, 'client-key': cred.keyPath };
    case 'exec':
      return {
        exec: {
          apiVersion: cred.apiVersion ?? 'client.authentication.k8s.io/v1beta1',
          command: cred.command,
          args: cred.args ?? [],
          env: Object.entries(cred.env ?? {}).map(([name, value]) => ({ name, value })),
          interactiveMode: cred.interactiveMode ?? 'IfAvailable',
          provideClusterInfo: false,
        },
      };
  }
}

/** The kubeconfig document (as YAML text) for one cluster, user and context. */
export function kubeconfigYaml(spec: KubeconfigSpec): string {
  const cluster = spec.clusterName ?? 'e2e-aks';
  const user = spec.userName ?? `clusterUser_e2e_${cluster}`;
  const context = spec.contextName ?? cluster;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server: spec.server, 'certificate-authority': spec.caPath } }],
    users: [{ name: user, user: userEntry(spec.credential) }],
    contexts: [{ name: context, context: { cluster, user, ...(spec.namespace ? { namespace: spec.namespace } : {}) } }],
    'current-context': context,
    preferences: {},
  });
}

/** Writes the kubeconfig to `path` (mode 0600, as kubectl and az write them) and returns `path`. */
export function writeKubeconfig(path: string, spec: KubeconfigSpec): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, kubeconfigYaml(spec), { mode: 0o600 });
  return path;
}

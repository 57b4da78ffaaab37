// What the e2e global setup hands to test files through vitest's provide/inject: plain, serialisable facts
// about the running control plane and Azure stand-ins (paths, URLs, ids). Functions stay in the setup process
// and are reached through standins-rpc.ts.
import type { RpcEndpoint } from './standins-rpc.js';

export interface AzureFacts {
  tenantId: string;
  /** PEM CA of the stand-ins' serving certificates (NODE_EXTRA_CA_CERTS for the plugin). */
  caPath: string;
  entraUrl: string;
  graphUrl: string;
  armUrl: string;
  /** kubelogin-shaped exec credential plugin. */
  kubeloginPath: string;
  /** Environment that points Azure SDKs and the plugin's Azure features at the stand-ins (no credential). */
  env: Record<string, string>;
  /** Where workers reach the stand-ins' functions and settings (use standIns() from kubectl.ts). */
  rpc: RpcEndpoint;
}

export interface E2EContext {
  repoDir: string;
  /** https://127.0.0.1:<port> of kube-apiserver. */
  server: string;
  /** The cluster CA (serving certificate and client certificates). */
  clusterCaPath: string;
  clusterCaKeyPath: string;
  adminKubeconfigPath: string;
  adminCertPath: string;
  adminKeyPath: string;
  /** The control plane's run dir; tests write their kubeconfigs and files under `${runDir}/tests`. */
  runDir: string;
  /** kubectl at the server's version (built with the control plane); its directory holds only kubectl. */
  kubectlPath: string;
  /** HOME for spawned kubectl / plugin processes, so nothing reads the developer's ~/.kube or ~/.azure. */
  homeDir: string;
  /** Milliseconds from starting etcd to kube-apiserver answering /readyz. */
  startupMs: number;
  /** Whether the Azure RBAC SubjectAccessReview webhook is wired in (else RBAC alone authorizes). */
  azureRbacWebhook: boolean;
  /** The Azure stand-ins, when they are available. */
  azure: AzureFacts | null;
}

declare module 'vitest' {
  interface ProvidedContext {
    e2e: E2EContext;
  }
}

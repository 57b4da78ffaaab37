// Loopback stand-ins for Microsoft Entra ID, Microsoft Graph, Azure Resource Manager and AKS's two
// API-server webhooks (Entra token authentication, Azure RBAC authorization), all over HTTPS with a
// CA made at start. startAzureStandIns() is what the control-plane setup and the tests call.
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createCA, issueServingCert } from '../pki.js';
import { RoleAssignmentTable } from './azure-rbac.js';
import { armRoutes, defaultCluster, type ArmSettings, type ManagedClusterSettings } from './arm.js';
import {
  AKS_SERVER_APP_ID,
  CLUSTER_RESOURCE_ID,
  KUBELOGIN_CLIENT_ID,
  TENANT_ID,
  directory,
  principal,
  type Directory,
} from './directory.js';
import { entraRoutes } from './entra.js';
import { graphRoutes, type GraphSettings } from './graph.js';
import { startHttpsServer, type StandInServer } from './https-server.js';
import { createSigningKey, mintFor, type MintOptions } from './tokens.js';
import { webhookRoutes } from './webhooks.js';

export { directory } from './directory.js';
export type { Directory, Principal, Group } from './directory.js';
export type { MintOptions } from './tokens.js';
export type { RoleAssignment, NewRoleAssignment, AksRole } from './azure-rbac.js';
export { RoleAssignmentTable, BUILT_IN_ROLES } from './azure-rbac.js';

/** How the kubelogin stand-in signs in (kubelogin's --login values it models). */
export type KubeloginLogin = 'azurecli' | 'ropc' | 'spn' | 'msi' | 'workloadidentity';

export interface ExecUser {
  exec: {
    apiVersion: string;
    command: string;
    args: string[];
    env: { name: string; value: string }[];
    interactiveMode: 'Never' | 'IfAvailable' | 'Always';
    provideClusterInfo: boolean;
  };
}

export interface AzureStandIns {
  tenantId: string;
  /** PEM CA that signed all stand-in serving certs (tests pass it as NODE_EXTRA_CA_CERTS). */
  caPath: string;
  caPem: string;
  /** Authority host, e.g. https://127.0.0.1:PORT (AZURE_AUTHORITY_HOST). */
  entraUrl: string;
  /** Graph base (paths /v1.0/...). */
  graphUrl: string;
  armUrl: string;
  /** For --authentication-token-webhook-config-file. */
  tokenWebhookKubeconfigPath: string;
  /** For the Webhook authorizer in --authorization-config. */
  authzWebhookKubeconfigPath: string;
  /** Executable kubelogin-shaped exec plugin. */
  kubeloginPath: string;
  /** Seeded users, guests, SPs, managed identities, groups: ids, upns, names. */
  directory: Directory;
  clusterResourceId: string;
  /** Mutable Azure RBAC table (add/remove/clear/list) for the SAR webhook and the ARM stand-in. */
  roleAssignments: RoleAssignmentTable;
  /** The managed cluster the ARM stand-in returns (mutable). */
  cluster: ManagedClusterSettings;
  graphSettings: GraphSettings;
  armSettings: ArmSettings;
  /** Each server's request log and fault switch. */
  servers: { entra: StandInServer; graph: StandInServer; arm: StandInServer; webhooks: StandInServer };
  /** A signed Entra access token for a seeded principal (default audience: AKS). */
  mintToken(principalKey: string, opts?: MintOptions): string;
  /** Password (users, guests) or client secret (service principals) generated at start. */
  secretOf(principalKey: string): string;
  /**
   * Makes an RSA key and self-signed certificate, registers the certificate on the service principal
   * and returns a PEM file (certificate + key) for AZURE_CLIENT_CERTIFICATE_PATH.
   */
  createClientCertificate(principalKey: string, opts?: { register?: boolean }): { pemPath: string; certPem: string };
  /** A kubeconfig `user` entry that runs the kubelogin stand-in for this principal. */
  execUser(principalKey: string, opts?: { login?: KubeloginLogin; apiVersion?: string }): ExecUser;
  /**
   * Environment for running the product against the stand-ins: the service principal's credential
   * (EnvironmentCredential variables), authority host, Graph/ARM endpoints and NODE_EXTRA_CA_CERTS.
   */
  productEnv(principalKey?: string): Record<string, string>;
  close(): Promise<void>;
}

function webhookKubeconfig(name: string, server: string, caPem: string): string {
  // JSON is valid YAML, and kube-apiserver reads either.
  return JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name, cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
      users: [{ name: 'kube-apiserver', user: {} }],
      contexts: [{ name, context: { cluster: name, user: 'kube-apiserver' } }],
      'current-context': name,
    },
    null,
    2,
  ) + '\n';
}

export async function startAzureStandIns(opts: { dir: string }): Promise<AzureStandIns> {
  const dir = resolve(opts.dir);
  mkdirSync(dir, { recursive: true });
  const ca = createCA(join(dir, 'pki'), 'azure-stand-ins-ca');
  const serving = issueServingCert(ca, 'azure-stand-ins');
  const keys = [createSigningKey()];

  const secrets = new Map<string, string>();
  const certificates = new Map<string, string[]>();
  for (const p of Object.values(directory.principals)) {
    if (p.kind !== 'managedIdentity') secrets.set(p.key, randomBytes(18).toString('base64url'));
  }

  const table = new RoleAssignmentTable(CLUSTER_RESOURCE_ID);
  const cluster = defaultCluster(directory.groups['aks-cluster-admins']!.id);
  const graphSettings: GraphSettings = {};
  const armSettings: ArmSettings = { denyObjectIds: new Set() };

  const urls = { entra: '', graph: '', arm: '' };
  const started: StandInServer[] = [];
  try {
    const entra = await startHttpsServer('entra', serving, entraRoutes({
      url: () => urls.entra, graphUrl: () => urls.graph, armUrl: () => urls.arm, keys, secrets, certificates,
    }));
    started.push(entra);
    urls.entra = entra.url;
    const graph = await startHttpsServer('graph', serving, graphRoutes({ url: () => urls.graph, keys, settings: graphSettings }));
    started.push(graph);
    urls.graph = graph.url;
    const arm = await startHttpsServer('arm', serving, armRoutes({ url: () => urls.arm, keys, table, cluster, settings: armSettings }));
    started.push(arm);
    urls.arm = arm.url;
    const webhooks = await startHttpsServer('webhooks', serving, webhookRoutes({ keys, table, graphUrl: () => urls.graph, caPem: ca.certPem }));
    started.push(webhooks);

    const tokenWebhookKubeconfigPath = join(dir, 'token-webhook.kubeconfig');
    const authzWebhookKubeconfigPath = join(dir, 'authz-webhook.kubeconfig');
    writeFileSync(tokenWebhookKubeconfigPath, webhookKubeconfig('aks-entra-authn', `${webhooks.url}/authenticate`, ca.certPem));
    writeFileSync(authzWebhookKubeconfigPath, webhookKubeconfig('aks-azure-rbac', `${webhooks.url}/authorize`, ca.certPem));

    const kubeloginPath = join(__dirname, 'kubelogin-standin');
    try {
      chmodSync(kubeloginPath, 0o755);
    } catch {
      /* read-only checkout: the file is committed executable */
    }

    const secretOf = (key: string): string => {
      const s = secrets.get(principal(key).key);
      if (!s) throw new Error(`principal "${key}" has no secret (managed identities sign in without one)`);
      return s;
    };

    const execUser = (key: string, o: { login?: KubeloginLogin; apiVersion?: string } = {}): ExecUser => {
      const p = principal(key);
      const login: KubeloginLogin = o.login ?? (p.kind === 'user' || p.kind === 'guest' ? 'azurecli' : p.kind === 'managedIdentity' ? 'msi' : 'spn');
      const args = ['get-token', '--login', login, '--server-id', AKS_SERVER_APP_ID, '--environment', 'AzurePublicCloud'];
      const env = [
        { name: 'AZURE_AUTHORITY_HOST', value: urls.entra },
        { name: 'NODE_EXTRA_CA_CERTS', value: ca.certPath },
      ];
      if (login === 'azurecli' || login === 'ropc') {
        if (p.kind !== 'user' && p.kind !== 'guest') throw new Error(`--login ${login} needs a user, not ${p.kind} "${key}"`);
        args.push('--tenant-id', TENANT_ID, '--client-id', KUBELOGIN_CLIENT_ID);
        env.push({ name: 'AAD_USER_PRINCIPAL_NAME', value: p.userPrincipalName }, { name: 'AAD_USER_PRINCIPAL_PASSWORD', value: secretOf(key) });
      } else if (login === 'spn') {
        if (p.kind !== 'servicePrincipal') throw new Error(`--login spn needs a service principal, not ${p.kind} "${key}"`);
        args.push('--tenant-id', TENANT_ID);
        env.push({ name: 'AAD_SERVICE_PRINCIPAL_CLIENT_ID', value: p.appId }, { name: 'AAD_SERVICE_PRINCIPAL_CLIENT_SECRET', value: secretOf(key) });
      } else if (login === 'msi') {
        if (p.kind !== 'managedIdentity') throw new Error(`--login msi needs a managed identity, not ${p.kind} "${key}"`);
        args.push('--client-id', p.clientId);
      } else {
        if (p.kind !== 'servicePrincipal' && p.kind !== 'managedIdentity') throw new Error(`--login workloadidentity needs an application, not ${p.kind}`);
        const tokenFile = join(dir, `federated-token-${key}`);
        // A stand-in federated token: shaped like a projected service-account token; the Entra stand-in checks its shape only.
        const b = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        writeFileSync(tokenFile, `${b({ alg: 'RS256', kid: 'sa' })}.${b({ iss: 'https://oidc.example/', sub: `system:serviceaccount:default:${key}`, aud: ['api://AzureADTokenExchange'], exp: Math.floor(Date.now() / 1000) + 86400 })}.c2ln`);
        env.push(
          { name: 'AZURE_CLIENT_ID', value: p.kind === 'servicePrincipal' ? p.appId : p.clientId },
          { name: 'AZURE_TENANT_ID', value: TENANT_ID },
          { name: 'AZURE_FEDERATED_TOKEN_FILE', value: tokenFile },
        );
      }
      return {
        exec: {
          apiVersion: o.apiVersion ?? 'client.authentication.k8s.io/v1beta1',
          command: kubeloginPath,
          args,
          env,
          interactiveMode: 'IfAvailable',
          provideClusterInfo: false,
        },
      };
    };

    let certSerial = 0;
    const createClientCertificate = (key: string, o: { register?: boolean } = {}) => {
      const p = principal(key);
      if (p.kind !== 'servicePrincipal') throw new Error(`certificates belong to service principals, not ${p.kind} "${key}"`);
      const name = `client-cert-${key}-${++certSerial}`;
      const keyPath = join(dir, 'pki', `${name}.key`);
      const certPath = join(dir, 'pki', `${name}.crt`);
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2',
        '-subj', `/CN=${p.displayName}`], { stdio: ['ignore', 'ignore', 'pipe'] });
      const certPem = readFileSync(certPath, 'utf8');
      const pemPath = join(dir, 'pki', `${name}.pem`);
      writeFileSync(pemPath, certPem + readFileSync(keyPath, 'utf8'), { mode: 0o600 });
      if (o.register !== false) certificates.set(p.key, [...(certificates.get(p.key) ?? []), certPem]);
      return { pemPath, certPem };
    };

    const productEnv = (key = 'kubectl-entra-reader'): Record<string, string> => {
      const p = principal(key);
      if (p.kind !== 'servicePrincipal') throw new Error(`productEnv needs a service principal, not ${p.kind} "${key}"`);
      return {
        AZURE_TENANT_ID: TENANT_ID,
        AZURE_CLIENT_ID: p.appId,
        AZURE_CLIENT_SECRET: secretOf(key),
        AZURE_AUTHORITY_HOST: urls.entra,
        KUBECTL_ENTRA_GRAPH_ENDPOINT: urls.graph,
        KUBECTL_ENTRA_ARM_ENDPOINT: urls.arm,
        NODE_EXTRA_CA_CERTS: ca.certPath,
      };
    };

    return {
      tenantId: TENANT_ID,
      caPath: ca.certPath,
      caPem: ca.certPem,
      entraUrl: urls.entra,
      graphUrl: urls.graph,
      armUrl: urls.arm,
      tokenWebhookKubeconfigPath,
      authzWebhookKubeconfigPath,
      kubeloginPath,
      directory,
      clusterResourceId: CLUSTER_RESOURCE_ID,
      roleAssignments: table,
      cluster,
      graphSettings,
      armSettings,
      servers: { entra, graph, arm, webhooks },
      mintToken: (key, o) => mintFor(principal(key), keys[0]!, o),
      secretOf,
      createClientCertificate,
      execUser,
      productEnv,
      close: async () => {
        await Promise.all(started.map((s) => s.close()));
      },
    };
  } catch (e) {
    await Promise.all(started.map((s) => s.close()));
    throw e;
  }
}

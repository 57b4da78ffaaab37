// Starts and stops a real, AKS-shaped control plane for the e2e tests: etcd, kube-apiserver and
// kube-controller-manager on 127.0.0.1 with free ports, a fresh CA, structured authorization (RBAC, then the
// Azure RBAC stand-in's SubjectAccessReview webhook), the Entra stand-in's TokenReview webhook, a
// service-account issuer at the apiserver's own URL, and an admin kubeconfig like AKS's --admin credential.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createCA, createRsaKey, issueClientCert, issueServingCert, type CA, type CertFiles } from '../../support/pki.js';
import { KubeApi } from './kubeapi.js';
import { writeKubeconfig, type UserCredential } from './kubeconfig.js';
import {
  forgetDir,
  isRunning,
  logTail,
  removeOnExit,
  startProcess,
  startWatchdog,
  stopProcess,
  type Managed,
} from './processes.js';

export interface ControlPlaneOptions {
  /** Directory holding etcd, kube-apiserver and kube-controller-manager (scripts/build-controlplane.sh prints it). */
  binDir: string;
  /** Where certificates, configs, data and logs go; a fresh temp dir by default, removed on stop. */
  runDir?: string;
  /** Keep runDir after stop (for debugging). */
  keepRunDir?: boolean;
  /** Kubeconfig for --authentication-token-webhook-config-file (the Entra stand-in's TokenReview service). */
  tokenWebhookKubeconfigPath?: string;
  /** Kubeconfig of the Azure RBAC stand-in's SubjectAccessReview service; without it, RBAC alone authorizes. */
  authzWebhookKubeconfigPath?: string;
  /** Start kube-controller-manager (aggregated ClusterRoles, service accounts, namespace deletion). Default true. */
  controllerManager?: boolean;
  readyTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface ControlPlane {
  /** https://127.0.0.1:<port> */
  server: string;
  runDir: string;
  /** CA of the apiserver's serving certificate and of client certificates (--client-ca-file). */
  ca: CA;
  /** Client certificate CN=masterclient, O=system:masters and the kubeconfig using it. */
  adminKubeconfigPath: string;
  adminCert: CertFiles;
  /** The service-account issuer (= server), so /.well-known/openid-configuration is served there. */
  serviceAccountIssuer: string;
  /** Milliseconds from start() to a ready /readyz. */
  startupMs: number;
  /** An admin HTTPS client (system:masters). */
  admin: KubeApi;
  /** A client certificate for `userName` in `groups`, signed by the cluster CA. */
  issueClientCert(name: string, userName: string, groups?: string[]): CertFiles;
  /** Writes a kubeconfig for this cluster with the given user credential into the run dir; returns its path. */
  writeKubeconfig(fileName: string, credential: UserCredential, opts?: { namespace?: string; userName?: string }): string;
  /** Resolves once kube-controller-manager has done its first work (the default ServiceAccount exists). */
  waitForControllers(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** A port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function authorizationConfig(authzWebhookKubeconfigPath: string | undefined): string {
  const authorizers: unknown[] = [{ type: 'RBAC', name: 'rbac' }];
  if (authzWebhookKubeconfigPath) {
    authorizers.push({
      type: 'Webhook',
      name: 'azure-rbac',
      webhook: {
        timeout: '5s',
        subjectAccessReviewVersion: 'v1',
        matchConditionSubjectAccessReviewVersion: 'v1',
        // Azure RBAC decides from role assignments that tests change; never serve a stale verdict.
        cacheAuthorizedRequests: false,
        cacheUnauthorizedRequests: false,
        authorizedTTL: '1s',
        unauthorizedTTL: '1s',
        failurePolicy: 'NoOpinion',
        connectionInfo: { type: 'KubeConfigFile', kubeConfigFile: authzWebhookKubeconfigPath },
        // As on AKS, the cluster's own components are RBAC's business only.
        matchConditions: [
          { expression: "!request.user.startsWith('system:')" },
          { expression: "!('system:masters' in request.groups)" },
        ],
      },
    });
  }
  return stringify({ apiVersion: 'apiserver.config.k8s.io/v1', kind: 'AuthorizationConfiguration', authorizers });
}

/**
 * Starts the control plane. Free ports are picked, then used a moment later by the processes; when another
 * run on the machine took one in between, start-up is retried with new ports.
 */
export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const runDir = opts.runDir ?? mkdtempSync(join(tmpdir(), 'kubectl-entra-cp-'));
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce({ ...opts, runDir });
    } catch (err) {
      const portTaken = /address already in use/i.test((err as Error).message);
      if (!portTaken || attempt >= 3) throw err;
      opts.log?.(`control plane: a port was taken meanwhile; retrying (attempt ${attempt + 1})`);
      for (const d of ['etcd', 'logs', 'pki', 'apiserver-certs']) rmSync(join(runDir, d), { recursive: true, force: true });
    }
  }
}

async function startOnce(opts: ControlPlaneOptions & { runDir: string }): Promise<ControlPlane> {
  const t0 = Date.now();
  const log = opts.log ?? (() => {});
  const runDir = opts.runDir;
  mkdirSync(runDir, { recursive: true });
  if (!opts.keepRunDir) removeOnExit(runDir);
  const pkiDir = join(runDir, 'pki');
  const logsDir = join(runDir, 'logs');
  mkdirSync(logsDir, { recursive: true });

  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  const [etcdPort, etcdPeerPort, apiPort] = [...ports] as [number, number, number];
  const server = `https://127.0.0.1:${apiPort}`;

  const ca = createCA(pkiDir, 'cluster-ca');
  const serving = issueServingCert(ca, 'kube-apiserver');
  const adminCert = issueClientCert(ca, 'admin', 'masterclient', ['system:masters']);
  const kcmCert = issueClientCert(ca, 'kube-controller-manager', 'system:kube-controller-manager');
  const saKey = createRsaKey(pkiDir, 'service-account');

  const processes: Managed[] = [];
  let watchdog: { stop(): void } | undefined;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // Reverse start order: controllers, apiserver, then etcd.
    for (const p of [...processes].reverse()) await stopProcess(p);
    watchdog?.stop();
    admin?.close();
    if (!opts.keepRunDir) {
      rmSync(runDir, { recursive: true, force: true });
      forgetDir(runDir);
    }
  };
  const started = (m: Managed) => {
    processes.push(m);
    watchdog?.stop();
    watchdog = startWatchdog(processes.map((p) => p.child.pid!).filter(Boolean), opts.keepRunDir ? [] : [runDir]);
    return m;
  };

  let admin: KubeApi | undefined;
  try {
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
    const etcd = started(
      startProcess(
        'etcd',
        join(opts.binDir, 'etcd'),
        [
          '--name=e2e',
          `--data-dir=${join(runDir, 'etcd')}`,
          `--listen-client-urls=${etcdUrl}`,
          `--advertise-client-urls=${etcdUrl}`,
          `--listen-peer-urls=${peerUrl}`,
          `--initial-advertise-peer-urls=${peerUrl}`,
          `--initial-cluster=e2e=${peerUrl}`,
          '--initial-cluster-state=new',
          // A throwaway test store: durability buys nothing, fsync costs seconds.
          '--unsafe-no-fsync',
          '--log-level=warn',
        ],
        join(logsDir, 'etcd.log'),
      ),
    );

    const authzConfigPath = join(runDir, 'authorization-config.yaml');
    writeFileSync(authzConfigPath, authorizationConfig(opts.authzWebhookKubeconfigPath));
    if (!opts.authzWebhookKubeconfigPath) log('control plane: no Azure RBAC webhook given; RBAC alone authorizes');

    const apiserverArgs = [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(runDir, 'apiserver-certs')}`,
      `--tls-cert-file=${serving.certPath}`,
      `--tls-private-key-file=${serving.keyPath}`,
      `--client-ca-file=${ca.certPath}`,
      `--authorization-config=${authzConfigPath}`,
      `--service-account-issuer=${server}`,
      `--service-account-jwks-uri=${server}/openid/v1/jwks`,
      `--service-account-key-file=${saKey.publicPath}`,
      `--service-account-signing-key-file=${saKey.privatePath}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      `--external-hostname=127.0.0.1`,
      // Fewer moving parts, faster start: no API priority queues, no endpoint leases, no profiling.
      '--enable-priority-and-fairness=false',
      '--endpoint-reconciler-type=none',
      '--profiling=false',
      '--v=1',
    ];
    if (opts.tokenWebhookKubeconfigPath) {
      apiserverArgs.push(
        `--authentication-token-webhook-config-file=${opts.tokenWebhookKubeconfigPath}`,
        '--authentication-token-webhook-version=v1',
        // Tests mint a token per case; a short cache keeps revocation-like scenarios honest.
        '--authentication-token-webhook-cache-ttl=1s',
      );
    } else {
      log('control plane: no TokenReview webhook given; only client certificates and service-account tokens authenticate');
    }
    const apiserver = started(
      startProcess('kube-apiserver', join(opts.binDir, 'kube-apiserver'), apiserverArgs, join(logsDir, 'kube-apiserver.log')),
    );

    const adminKubeconfigPath = writeKubeconfig(join(runDir, 'admin.kubeconfig'), {
      server,
      caPath: ca.certPath,
      credential: { kind: 'clientCertificate', certPath: adminCert.certPath, keyPath: adminCert.keyPath },
      userName: 'clusterAdmin_e2e_e2e-aks',
      contextName: 'e2e-aks-admin',
    });
    admin = new KubeApi({ server, caPath: ca.certPath, certPath: adminCert.certPath, keyPath: adminCert.keyPath });

    const deadline = t0 + (opts.readyTimeoutMs ?? 90_000);
    for (;;) {
      for (const p of [etcd, apiserver]) {
        if (!isRunning(p)) throw new Error(`${p.name} exited during start-up (${await p.exited}); its log ends:\n${logTail(p)}`);
      }
      const res = await admin.call('GET', '/readyz', undefined, 2000).catch(() => undefined);
      if (res?.status === 200) break;
      if (Date.now() > deadline) {
        throw new Error(`kube-apiserver not ready after ${Date.now() - t0} ms (${res ? `/readyz ${res.status}: ${res.text.slice(-400)}` : 'no answer'}); its log ends:\n${logTail(apiserver)}`);
      }
      await sleep(200);
    }
    const startupMs = Date.now() - t0;
    log(`control plane: kube-apiserver ready at ${server} in ${startupMs} ms`);

    if (opts.controllerManager ?? true) {
      const kcmKubeconfig = writeKubeconfig(join(runDir, 'kube-controller-manager.kubeconfig'), {
        server,
        caPath: ca.certPath,
        credential: { kind: 'clientCertificate', certPath: kcmCert.certPath, keyPath: kcmCert.keyPath },
        userName: 'system:kube-controller-manager',
      });
      started(
        startProcess(
          'kube-controller-manager',
          join(opts.binDir, 'kube-controller-manager'),
          [
            `--kubeconfig=${kcmKubeconfig}`,
            '--secure-port=0',
            '--leader-elect=false',
            // Each controller acts as its own service account, as on a real cluster.
            '--use-service-account-credentials=true',
            `--service-account-private-key-file=${saKey.privatePath}`,
            `--root-ca-file=${ca.certPath}`,
            [
              '--controllers=clusterrole-aggregation-controller',
              'serviceaccount-controller',
              'serviceaccount-token-controller',
              'namespace-controller',
              'root-ca-certificate-publisher-controller',
              'garbage-collector-controller',
            ].join(','),
            '--v=1',
          ],
          join(logsDir, 'kube-controller-manager.log'),
        ),
      );
    }

    const kubeconfigsDir = join(runDir, 'kubeconfigs');
    const cp: ControlPlane = {
      server,
      runDir,
      ca,
      adminKubeconfigPath,
      adminCert,
      serviceAccountIssuer: server,
      startupMs,
      admin,
      issueClientCert: (name, userName, groups = []) => issueClientCert(ca, name, userName, groups),
      writeKubeconfig: (fileName, credential, o = {}) =>
        writeKubeconfig(join(kubeconfigsDir, fileName), {
          server,
          caPath: ca.certPath,
          credential,
          namespace: o.namespace,
          userName: o.userName,
        }),
      async waitForControllers(timeoutMs = 60_000) {
        const until = Date.now() + timeoutMs;
        const kcm = processes.find((p) => p.name === 'kube-controller-manager');
        for (;;) {
          if (kcm && !isRunning(kcm)) throw new Error(`kube-controller-manager exited; its log ends:\n${logTail(kcm)}`);
          const res = await admin!.call('GET', '/api/v1/namespaces/default/serviceaccounts/default', undefined, 2000).catch(() => undefined);
          if (res?.status === 200) return;
          if (Date.now() > until) throw new Error(`controllers not working after ${timeoutMs} ms${kcm ? `; kube-controller-manager log ends:\n${logTail(kcm)}` : ''}`);
          await sleep(200);
        }
      },
      stop,
    };
    return cp;
  } catch (err) {
    const keep = opts.keepRunDir;
    await stop();
    if (keep) log(`control plane: logs kept in ${runDir}`);
    throw err;
  }
}

// Obtains the credential of the selected kubeconfig user exactly as kubectl would send it: a bearer token
// (--token, token, tokenFile, exec plugin, legacy auth-provider) or a client certificate. The secret parts
// stay in this object and are never rendered; `describeCredential` gives the printable facts.
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CredentialError } from '../errors.js';
import type { AuthInfo, ClusterInfo, ExecConfig, ResolvedContext } from './kubeconfig.js';

export type CredentialSource = 'token' | 'tokenFile' | 'exec' | 'authProvider' | 'clientCertificate' | 'basicAuth' | 'none';

export interface ClientCertificateInfo {
  subject: string;
  commonName: string;
  organizations: string[];
  issuer: string;
  notBefore: string;
  notAfter: string;
  serialNumber: string;
  fingerprint256: string;
}

export interface ResolvedCredential {
  source: CredentialSource;
  /** Printable facts about where the credential came from (paths, plugin command; never secrets). */
  details: Record<string, unknown>;
  /** Secret: the bearer token. Never print. */
  token?: string;
  /** Secret: client certificate + key (PEM). Print only the parsed certificate facts. */
  clientCertificatePem?: string;
  clientKeyPem?: string;
  certificate?: ClientCertificateInfo;
  /** When the exec plugin said the credential expires. */
  expirationTimestamp?: string;
}

export interface CredentialOptions {
  /** --token: overrides everything in the kubeconfig, as in kubectl. */
  tokenOverride?: string;
  /** Limit for a non-interactive exec plugin, in ms. */
  execTimeoutMs?: number;
  /** Limit for an interactive exec plugin (device-code login), in ms. */
  interactiveExecTimeoutMs?: number;
  stdinIsTTY?: boolean;
  env?: NodeJS.ProcessEnv;
}

const SECRET_ARG = /(secret|password|passwd|(^|-)token$|credential$|key$)/i;

export async function resolveCredential(ctx: ResolvedContext, opts: CredentialOptions = {}): Promise<ResolvedCredential> {
  const user = ctx.user;
  const who = ctx.userName ? `user "${ctx.userName}"` : 'the selected user';
  if (opts.tokenOverride) return { source: 'token', details: { from: '--token flag' }, token: opts.tokenOverride.trim() };

  const cert = loadClientCertificate(user, who);
  if (user.token) return withCert({ source: 'token', details: { from: 'kubeconfig' }, token: user.token.trim() }, cert);
  if (user.tokenFile) {
    let token: string;
    try {
      token = readFileSync(user.tokenFile, 'utf8').trim();
    } catch (e) {
      throw new CredentialError(`cannot read tokenFile "${user.tokenFile}" of ${who}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (!token) throw new CredentialError(`tokenFile "${user.tokenFile}" of ${who} is empty`);
    return withCert({ source: 'tokenFile', details: { path: user.tokenFile }, token }, cert);
  }
  if (user.exec) return runExecPlugin(user.exec, ctx.cluster, who, opts);
  if (user['auth-provider']) return authProviderCredential(user['auth-provider'], who);
  if (cert) return cert;
  if (user.username) return { source: 'basicAuth', details: { username: user.username } };
  return { source: 'none', details: {} };
}

/**
 * With both a certificate and a token, kubectl sends both and the API server's x509 authenticator runs
 * before the token authenticators, so the certificate is who the server sees (AKS --admin credentials).
 */
function withCert(c: ResolvedCredential, cert: ResolvedCredential | undefined): ResolvedCredential {
  if (!cert) return c;
  return { ...cert, details: { ...cert.details, alsoSends: c.source }, token: c.token };
}

function readPem(inline: string | undefined, path: string | undefined, what: string, who: string): string | undefined {
  if (inline) {
    const text = Buffer.from(inline, 'base64').toString('utf8');
    if (!text.includes('-----BEGIN')) throw new CredentialError(`${what}-data of ${who} is not base64-encoded PEM`);
    return text;
  }
  if (path) {
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      throw new CredentialError(`cannot read ${what} "${path}" of ${who}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  return undefined;
}

function loadClientCertificate(user: AuthInfo, who: string): ResolvedCredential | undefined {
  const certPem = readPem(user['client-certificate-data'], user['client-certificate'], 'client-certificate', who);
  if (!certPem) return undefined;
  const keyPem = readPem(user['client-key-data'], user['client-key'], 'client-key', who);
  if (!keyPem) throw new CredentialError(`${who} has a client certificate but no client-key`);
  return {
    source: 'clientCertificate',
    details: user['client-certificate'] ? { path: user['client-certificate'] } : { from: 'client-certificate-data' },
    clientCertificatePem: certPem,
    clientKeyPem: keyPem,
    certificate: parseCertificate(certPem, who),
  };
}

/** CN is the Kubernetes user name and each O a group, as the API server's x509 authenticator reads them. */
export function parseCertificate(pem: string, who = 'the certificate'): ClientCertificateInfo {
  let x: X509Certificate;
  try {
    x = new X509Certificate(pem);
  } catch (e) {
    throw new CredentialError(`the client certificate of ${who} cannot be parsed: ${(e as Error).message}`);
  }
  const fields = parseDistinguishedName(x.subject);
  return {
    subject: x.subject.split('\n').join(', '),
    commonName: fields.filter(([k]) => k === 'CN').map(([, v]) => v)[0] ?? '',
    organizations: fields.filter(([k]) => k === 'O').map(([, v]) => v),
    issuer: x.issuer.split('\n').join(', '),
    notBefore: new Date(x.validFrom).toISOString(),
    notAfter: new Date(x.validTo).toISOString(),
    serialNumber: x.serialNumber,
    fingerprint256: x.fingerprint256,
  };
}

/** Node prints one attribute per line and escapes specials with a backslash. */
function parseDistinguishedName(subject: string): Array<[string, string]> {
  return subject
    .split('\n')
    .filter((l) => l.includes('='))
    .map((l) => {
      const i = l.indexOf('=');
      return [l.slice(0, i), l.slice(i + 1).replace(/\\(.)/g, '$1')] as [string, string];
    });
}

function authProviderCredential(p: { name: string; config?: Record<string, string> }, who: string): ResolvedCredential {
  const cfg = p.config ?? {};
  if (p.name === 'azure') {
    const details = {
      provider: 'azure',
      apiserverId: cfg['apiserver-id'],
      clientId: cfg['client-id'],
      tenantId: cfg['tenant-id'],
      expiresOn: cfg['expires-on'],
    };
    const token = cfg['access-token'];
    if (!token) {
      throw new CredentialError(
        `${who} uses the removed "azure" auth-provider and has no cached access-token; convert the kubeconfig with "kubelogin convert-kubeconfig"`,
      );
    }
    return { source: 'authProvider', details, token };
  }
  if (p.name === 'oidc') {
    const token = cfg['id-token'];
    if (!token) throw new CredentialError(`${who} uses the "oidc" auth-provider and has no cached id-token`);
    return { source: 'authProvider', details: { provider: 'oidc', issuer: cfg['idp-issuer-url'], clientId: cfg['client-id'] }, token };
  }
  throw new CredentialError(`${who} uses the "${p.name}" auth-provider, which kubectl-entra cannot read`);
}

/** Arguments that look like secrets are masked in every printable form. */
export function maskArgs(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf('=');
    if (a.startsWith('-') && eq > 0 && SECRET_ARG.test(a.slice(0, eq))) out.push(`${a.slice(0, eq)}=***`);
    else if (a.startsWith('-') && eq < 0 && SECRET_ARG.test(a) && i + 1 < args.length && !args[i + 1]!.startsWith('-')) {
      out.push(a, '***');
      i++;
    } else out.push(a);
  }
  return out;
}

function execInfo(exec: ExecConfig, cluster: ClusterInfo, interactive: boolean, apiVersion: string): string {
  const spec: Record<string, unknown> = { interactive };
  if (exec.provideClusterInfo) {
    const ext = cluster.extensions?.find((e) => e.name === 'client.authentication.k8s.io/exec');
    spec.cluster = {
      server: cluster.server,
      'tls-server-name': cluster['tls-server-name'],
      'insecure-skip-tls-verify': cluster['insecure-skip-tls-verify'],
      'certificate-authority-data': cluster['certificate-authority-data'],
      'proxy-url': cluster['proxy-url'],
      config: ext?.extension,
    };
  }
  return JSON.stringify({ apiVersion, kind: 'ExecCredential', spec });
}

const EXEC_API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];

async function runExecPlugin(exec: ExecConfig, cluster: ClusterInfo, who: string, opts: CredentialOptions): Promise<ResolvedCredential> {
  const apiVersion = exec.apiVersion ?? '';
  if (!EXEC_API_VERSIONS.includes(apiVersion)) {
    throw new CredentialError(`exec plugin of ${who}: unsupported apiVersion "${apiVersion}" (use ${EXEC_API_VERSIONS.join(' or ')})`);
  }
  if (!exec.command) throw new CredentialError(`exec plugin of ${who} has no command`);
  let mode = exec.interactiveMode;
  if (!mode) {
    if (apiVersion.endsWith('/v1')) throw new CredentialError(`exec plugin of ${who}: interactiveMode must be set for ${apiVersion}`);
    mode = 'IfAvailable';
  }
  const stdinIsTTY = opts.stdinIsTTY ?? Boolean(process.stdin.isTTY);
  if (mode === 'Always' && !stdinIsTTY) {
    throw new CredentialError(`exec plugin "${exec.command}" of ${who} needs an interactive terminal (interactiveMode: Always) but stdin is not one`);
  }
  const interactive = mode !== 'Never' && stdinIsTTY;
  const env: NodeJS.ProcessEnv = { ...(opts.env ?? process.env) };
  for (const e of exec.env ?? []) env[e.name] = e.value;
  env.KUBERNETES_EXEC_INFO = execInfo(exec, cluster, interactive, apiVersion);
  const timeoutMs = interactive ? (opts.interactiveExecTimeoutMs ?? 300_000) : (opts.execTimeoutMs ?? 60_000);
  const details = { command: exec.command, args: maskArgs(exec.args ?? []), apiVersion, interactiveMode: mode };

  const stdout = await new Promise<string>((resolve, reject) => {
    let child;
    try {
      // stderr goes straight to the user so a device-code prompt is seen; stdin only when interactive.
      child = spawn(exec.command, exec.args ?? [], { env, stdio: [interactive ? 'inherit' : 'ignore', 'pipe', 'inherit'] });
    } catch (e) {
      reject(new CredentialError(`exec plugin "${exec.command}" of ${who} could not start: ${(e as Error).message}`));
      return;
    }
    const chunks: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout!.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const hint = exec.installHint ? ` (${exec.installHint.trim().split('\n')[0]})` : '';
      reject(
        new CredentialError(
          e.code === 'ENOENT'
            ? `exec plugin "${exec.command}" of ${who} was not found on PATH${hint}`
            : `exec plugin "${exec.command}" of ${who} could not start: ${e.message}`,
        ),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) reject(new CredentialError(`exec plugin "${exec.command}" of ${who} did not finish within ${Math.round(timeoutMs / 1000)}s`));
      else if (code !== 0) reject(new CredentialError(`exec plugin "${exec.command}" of ${who} failed with ${signal ? `signal ${signal}` : `exit code ${code}`}`));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });

  let cred: { apiVersion?: string; kind?: string; status?: Record<string, unknown> };
  try {
    cred = JSON.parse(stdout);
  } catch {
    throw new CredentialError(`exec plugin "${exec.command}" of ${who} printed something that is not an ExecCredential (invalid JSON)`);
  }
  if (cred.kind !== 'ExecCredential' || cred.apiVersion !== apiVersion) {
    throw new CredentialError(
      `exec plugin "${exec.command}" of ${who} returned ${cred.kind ?? 'no kind'} ${cred.apiVersion ?? ''}, expected ExecCredential ${apiVersion}`.trim(),
    );
  }
  const status = cred.status ?? {};
  const expirationTimestamp = typeof status.expirationTimestamp === 'string' ? status.expirationTimestamp : undefined;
  if (typeof status.token === 'string' && status.token) {
    return { source: 'exec', details, token: status.token.trim(), expirationTimestamp };
  }
  if (typeof status.clientCertificateData === 'string' && typeof status.clientKeyData === 'string') {
    return {
      source: 'exec',
      details,
      clientCertificatePem: status.clientCertificateData,
      clientKeyPem: status.clientKeyData,
      certificate: parseCertificate(status.clientCertificateData, who),
      expirationTimestamp,
    };
  }
  throw new CredentialError(`exec plugin "${exec.command}" of ${who} returned an ExecCredential with neither a token nor a client certificate`);
}

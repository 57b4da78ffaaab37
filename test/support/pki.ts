// Test PKI made at test time with the openssl CLI: a CA, serving certificates for 127.0.0.1 and
// client certificates whose CN is the Kubernetes user name and whose O entries are its groups.
// Nothing here is ever committed; every run makes fresh keys.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CertFiles {
  certPath: string;
  keyPath: string;
  certPem: string;
  keyPem: string;
}

export interface CA extends CertFiles {
  dir: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function read(certPath: string, keyPath: string): CertFiles {
  return { certPath, keyPath, certPem: readFileSync(certPath, 'utf8'), keyPem: readFileSync(keyPath, 'utf8') };
}

/** A self-signed EC CA in `dir` (created if needed), named `name`. */
export function createCA(dir: string, name = 'kubectl-entra-test-ca'): CA {
  mkdirSync(dir, { recursive: true });
  const key = join(dir, `${name}.key`);
  const crt = join(dir, `${name}.crt`);
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key], dir);
  openssl(['req', '-x509', '-new', '-key', key, '-sha256', '-days', '2', '-subj', `/CN=${name}`, '-out', crt,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  return { dir, ...read(crt, key) };
}

function escapeSubject(v: string): string {
  return v.replace(/([/,+="\\<>;])/g, '\\$1');
}

interface IssueOptions {
  /** File name stem for the key and certificate. */
  name: string;
  commonName: string;
  organizations?: string[];
  /** DNS names and IP addresses for a serving certificate. */
  dnsNames?: string[];
  ipAddresses?: string[];
  usage: 'server' | 'client' | 'both';
  days?: number;
}

/** Issues a certificate signed by `ca`. */
export function issueCert(ca: CA, opts: IssueOptions): CertFiles {
  const key = join(ca.dir, `${opts.name}.key`);
  const csr = join(ca.dir, `${opts.name}.csr`);
  const crt = join(ca.dir, `${opts.name}.crt`);
  const ext = join(ca.dir, `${opts.name}.ext`);
  const subject = [...(opts.organizations ?? []).map((o) => `/O=${escapeSubject(o)}`), `/CN=${escapeSubject(opts.commonName)}`].join('');
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key], ca.dir);
  openssl(['req', '-new', '-key', key, '-subj', subject, '-out', csr], ca.dir);
  const eku = { server: 'serverAuth', client: 'clientAuth', both: 'serverAuth,clientAuth' }[opts.usage];
  const san = [...(opts.dnsNames ?? []).map((d) => `DNS:${d}`), ...(opts.ipAddresses ?? []).map((i) => `IP:${i}`)];
  writeFileSync(
    ext,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      `extendedKeyUsage=${eku}`,
      ...(san.length ? [`subjectAltName=${san.join(',')}`] : []),
    ].join('\n') + '\n',
  );
  openssl(['x509', '-req', '-in', csr, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-CAcreateserial', '-out', crt,
    '-days', String(opts.days ?? 2), '-sha256', '-extfile', ext], ca.dir);
  return read(crt, key);
}

/** A serving certificate for loopback (127.0.0.1, ::1, localhost). */
export function issueServingCert(ca: CA, name: string): CertFiles {
  return issueCert(ca, { name, commonName: name, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'], usage: 'server' });
}

/** A client certificate as Kubernetes reads it: CN = user name, O = groups. */
export function issueClientCert(ca: CA, name: string, userName: string, groups: string[] = []): CertFiles {
  return issueCert(ca, { name, commonName: userName, organizations: groups, usage: 'client' });
}

/** An RSA key pair (PEM) for signing tokens, e.g. a service-account issuer. */
export function createRsaKey(dir: string, name: string): { privatePath: string; publicPath: string } {
  mkdirSync(dir, { recursive: true });
  const privatePath = join(dir, `${name}.key`);
  const publicPath = join(dir, `${name}.pub`);
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', privatePath], dir);
  openssl(['pkey', '-in', privatePath, '-pubout', '-out', publicPath], dir);
  return { privatePath, publicPath };
}

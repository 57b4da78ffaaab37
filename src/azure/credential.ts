// Tokens for Microsoft Graph and ARM, obtained the way Azure users expect, in this order:
//   1. an environment service principal: AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET, or
//      AZURE_CLIENT_CERTIFICATE_PATH (a PEM file holding the certificate and its unencrypted private key)
//   2. workload identity: AZURE_FEDERATED_TOKEN_FILE + AZURE_CLIENT_ID + AZURE_TENANT_ID (pods on AKS)
//   3. the Azure CLI sign-in (`az login`)
//   4. managed identity (Azure VMs, App Service, Arc), AZURE_CLIENT_ID selecting a user-assigned one
// through @azure/identity. A source that is not set up is skipped; one that is set up but fails stops
// the search with its reason (like ChainedTokenCredential). Every attempt has a deadline, and
// non-Microsoft authority hosts (sovereign or private endpoints, the test stand-ins) skip MSAL's
// instance discovery so nothing calls out to login.microsoftonline.com.
import {
  AuthenticationError,
  AzureCliCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  CredentialUnavailableError,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
  type TokenCredential,
  type TokenCredentialOptions,
} from '@azure/identity';
import { isMicrosoftAuthorityHost, scopeFor, type AzureEndpoints } from './endpoints.js';
import { AzureRequestError, DEFAULT_AZURE_TIMEOUT_MS, trustedCAs } from './http.js';

/** How long managed identity may take when nothing says we run on Azure (IMDS answers in well under 1 s). */
const MI_PROBE_MS = 2_500;

export type CredentialSource = 'environment' | 'workloadIdentity' | 'azureCli' | 'managedIdentity';
export const ALL_CREDENTIAL_SOURCES: readonly CredentialSource[] = ['environment', 'workloadIdentity', 'azureCli', 'managedIdentity'];

const SOURCE_LABEL: Record<CredentialSource, string> = {
  environment: 'environment service principal',
  workloadIdentity: 'workload identity',
  azureCli: 'Azure CLI sign-in',
  managedIdentity: 'managed identity',
};

export interface AzureCredentialOptions {
  endpoints: AzureEndpoints;
  /** Where AZURE_* settings are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Deadline for one token acquisition across all sources, in ms (default 10 s). */
  timeoutMs?: number;
  /** Extra trusted CA certificates (PEM) for the authority. */
  ca?: string | string[];
  /** Which sources to try, in order (default all). */
  sources?: readonly CredentialSource[];
}

export interface CredentialAttempt {
  source: CredentialSource;
  credential: TokenCredential;
  /** Set up on purpose by environment variables: its failure is the answer. */
  explicit?: boolean;
  /** A shorter deadline for this source alone; when it runs out the source is skipped. */
  probeMs?: number;
}

/** A TokenCredential over the sources above that also says which source answered. */
export class AzureCredential implements TokenCredential {
  /** The source that produced the last token, for notes such as "Graph via Azure CLI sign-in". */
  lastSource?: CredentialSource;

  constructor(
    private readonly attempts: CredentialAttempt[],
    private readonly timeoutMs: number,
    private readonly authorityHost = '',
  ) {}

  /** The sources that are set up, in the order they are tried. */
  get sources(): CredentialSource[] {
    return this.attempts.map((a) => a.source);
  }

  async getToken(scopes: string | string[], options?: { abortSignal?: AbortSignal }): Promise<{ token: string; expiresOnTimestamp: number }> {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const signal = options?.abortSignal ? AbortSignal.any([deadline, options.abortSignal]) : deadline;
    const skipped: string[] = [];
    for (const a of this.attempts) {
      // A probe-like source (managed identity off Azure) gets a short leash of its own, so a black-holed
      // IMDS address costs seconds, not the whole deadline; running out of it just skips the source.
      const probe = a.probeMs ? AbortSignal.timeout(a.probeMs) : undefined;
      const attemptSignal = probe ? AbortSignal.any([signal, probe]) : signal;
      try {
        const t = await withDeadline(a.credential.getToken(scopes, { abortSignal: attemptSignal }), attemptSignal, this.timeoutMs);
        if (t) {
          this.lastSource = a.source;
          return { token: t.token, expiresOnTimestamp: t.expiresOnTimestamp };
        }
        skipped.push(`${SOURCE_LABEL[a.source]}: no token`);
      } catch (e) {
        if (probe?.aborted && !signal.aborted) {
          skipped.push(`${SOURCE_LABEL[a.source]}: no answer within ${a.probeMs! / 1000}s`);
          continue;
        }
        if (e instanceof AzureRequestError) throw e;
        const unavailable = e instanceof CredentialUnavailableError || (e as Error)?.name === 'CredentialUnavailableError';
        // Sources the user configured explicitly (environment, workload identity) report their failure
        // instead of silently falling through to the next source.
        if (unavailable && !a.explicit) {
          skipped.push(`${SOURCE_LABEL[a.source]}: ${whyUnavailable((e as Error).message)}`);
          continue;
        }
        const why = e instanceof AuthenticationError ? describeAuthError(e) : describeOther(e, this.authorityHost);
        throw new AzureRequestError(`${SOURCE_LABEL[a.source]} failed: ${why}`, 'credential', undefined, { cause: e });
      }
    }
    throw new AzureRequestError(
      'no Azure credential: sign in with `az login`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET' +
        (skipped.length ? ` (${skipped.join('; ')})` : ''),
      'credential',
    );
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** A few words for why a source was skipped; the libraries' messages run to paragraphs with links. */
export function whyUnavailable(message: string): string {
  const m = message ?? '';
  if (/Azure CLI could not be found|az: not found|command not found/i.test(m)) return 'az is not installed';
  if (/az login|not logged in|Please run 'az login'/i.test(m)) return 'not signed in (run `az login`)';
  if (/network_error|Network unreachable|ENETUNREACH|EHOSTUNREACH|ECONNREFUSED|ETIMEDOUT|No managed identity endpoint/i.test(m)) {
    return 'no managed identity endpoint (not on Azure)';
  }
  const first = firstLine(m.replace(/^\w+Credential: /, ''));
  return first.length > 100 ? `${first.slice(0, 97)}...` : first;
}

function describeAuthError(e: AuthenticationError): string {
  // AADSTS messages carry trace/correlation ids and timestamps after the first sentence: keep the reason.
  const desc = e.errorResponse?.errorDescription ?? e.message;
  return firstLine(desc.split(/ Trace ID:| Correlation ID:/)[0] ?? desc);
}

function describeOther(e: unknown, authorityHost: string): string {
  const msg = firstLine((e as Error)?.message ?? String(e));
  // MSAL's codes for "could not talk to the authority" (DNS, refused, TLS, wrong host or tenant).
  if (/endpoints_resolution_error|network_error|ClientAuthError: network/i.test(msg)) {
    return `cannot reach the Entra authority ${authorityHost || '(default)'} or read its OpenID configuration (check AZURE_AUTHORITY_HOST, AZURE_TENANT_ID, network and TLS trust; ${msg.split(':')[0]?.replace(/^.*?(\w+_error).*$/, '$1')})`;
  }
  return msg;
}

function withDeadline<T>(p: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  // Not every credential honours abortSignal (e.g. a stuck child process), so race it as well.
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new AzureRequestError(`no Azure token within ${timeoutMs / 1000}s`, 'timeout'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(signal.aborted ? new AzureRequestError(`no Azure token within ${timeoutMs / 1000}s`, 'timeout', undefined, { cause: e }) : e);
      },
    );
  });
}

/** Builds the credential from the environment; sources that are not configured are left out. */
export function createAzureCredential(opts: AzureCredentialOptions): AzureCredential {
  const env = opts.env ?? process.env;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_AZURE_TIMEOUT_MS;
  const authorityHost = opts.endpoints.authorityHost;
  const common: TokenCredentialOptions & { disableInstanceDiscovery?: boolean } = {
    authorityHost,
    disableInstanceDiscovery: !isMicrosoftAuthorityHost(authorityHost),
    retryOptions: { maxRetries: 1, retryDelayInMs: 200, maxRetryDelayInMs: 1000 },
    ...(opts.ca !== undefined ? { tlsOptions: { ca: trustedCAs(opts.ca) } } : {}),
  };
  const want = new Set(opts.sources ?? ALL_CREDENTIAL_SOURCES);
  const attempts: CredentialAttempt[] = [];
  const tenantId = env.AZURE_TENANT_ID?.trim();
  const clientId = env.AZURE_CLIENT_ID?.trim();

  if (want.has('environment') && tenantId && clientId) {
    if (env.AZURE_CLIENT_SECRET) {
      attempts.push({ source: 'environment', explicit: true, credential: new ClientSecretCredential(tenantId, clientId, env.AZURE_CLIENT_SECRET, common) });
    } else if (env.AZURE_CLIENT_CERTIFICATE_PATH) {
      attempts.push({
        source: 'environment',
        explicit: true,
        credential: new ClientCertificateCredential(tenantId, clientId, { certificatePath: env.AZURE_CLIENT_CERTIFICATE_PATH }, {
          ...common,
          sendCertificateChain: env.AZURE_CLIENT_SEND_CERTIFICATE_CHAIN === 'true' || env.AZURE_CLIENT_SEND_CERTIFICATE_CHAIN === '1',
        }),
      });
    }
  }
  if (want.has('workloadIdentity') && tenantId && clientId && env.AZURE_FEDERATED_TOKEN_FILE) {
    attempts.push({
      source: 'workloadIdentity',
      explicit: true,
      credential: new WorkloadIdentityCredential({ ...common, tenantId, clientId, tokenFilePath: env.AZURE_FEDERATED_TOKEN_FILE }),
    });
  }
  if (want.has('azureCli')) {
    // AZURE_TENANT_ID alone (no client id) picks the tenant of the az sign-in, as `az account get-access-token --tenant` does.
    attempts.push({ source: 'azureCli', credential: new AzureCliCredential({ processTimeoutInMs: timeoutMs, ...(tenantId ? { tenantId } : {}) }) });
  }
  if (want.has('managedIdentity')) {
    const mi = clientId ? new ManagedIdentityCredential(clientId, { ...common, retryOptions: { maxRetries: 0 } }) : new ManagedIdentityCredential({ ...common, retryOptions: { maxRetries: 0 } });
    // App Service / Arc / Cloud Shell announce their endpoint in the environment; a plain VM's IMDS does
    // not, and off Azure its address may swallow packets: probe it briefly.
    const announced = Boolean(env.IDENTITY_ENDPOINT || env.MSI_ENDPOINT);
    attempts.push({ source: 'managedIdentity', credential: mi, probeMs: announced ? undefined : Math.min(MI_PROBE_MS, timeoutMs) });
  }
  return new AzureCredential(attempts, timeoutMs, authorityHost);
}

/** An access token for a resource (its base URL, e.g. the Graph endpoint). Throws AzureRequestError. */
export async function getAccessToken(credential: TokenCredential, resourceBase: string, signal?: AbortSignal): Promise<string> {
  try {
    const t = await credential.getToken(scopeFor(resourceBase), signal ? { abortSignal: signal } : undefined);
    if (!t?.token) throw new AzureRequestError(`no Azure token for ${resourceBase}`, 'credential');
    return t.token;
  } catch (e) {
    if (e instanceof AzureRequestError) throw e;
    throw new AzureRequestError(`cannot get an Azure token for ${resourceBase}: ${firstLine((e as Error)?.message ?? String(e))}`, 'credential', undefined, { cause: e });
  }
}

// Which Microsoft endpoints to call: Microsoft Graph, Azure Resource Manager and the Entra authority.
// Public cloud by default; sovereign clouds, private endpoints and the test stand-ins are configuration:
// flags first (--graph-endpoint, --arm-endpoint), then the environment
// (KUBECTL_ENTRA_GRAPH_ENDPOINT, KUBECTL_ENTRA_ARM_ENDPOINT, AZURE_AUTHORITY_HOST as @azure/identity
// reads it), then the cloud named by AZURE_ENVIRONMENT (kubelogin's --environment names).
import { UsageError } from '../errors.js';

export interface AzureEndpoints {
  /** Microsoft Graph base, without the version segment: requests go to `${graph}/v1.0/...`. */
  graph: string;
  /** Azure Resource Manager base. */
  arm: string;
  /** Entra authority host; the tenant is appended by the credential. */
  authorityHost: string;
}

export interface EndpointFlags {
  graphEndpoint?: string;
  armEndpoint?: string;
  authorityHost?: string;
}

export const CLOUDS: Record<string, AzureEndpoints> = {
  AzurePublicCloud: {
    graph: 'https://graph.microsoft.com',
    arm: 'https://management.azure.com',
    authorityHost: 'https://login.microsoftonline.com',
  },
  AzureUSGovernmentCloud: {
    graph: 'https://graph.microsoft.us',
    arm: 'https://management.usgovcloudapi.net',
    authorityHost: 'https://login.microsoftonline.us',
  },
  AzureChinaCloud: {
    graph: 'https://microsoftgraph.chinacloudapi.cn',
    arm: 'https://management.chinacloudapi.cn',
    authorityHost: 'https://login.chinacloudapi.cn',
  },
};

const CLOUD_ALIASES: Record<string, string> = {
  azurepubliccloud: 'AzurePublicCloud',
  azurecloud: 'AzurePublicCloud',
  public: 'AzurePublicCloud',
  azureusgovernmentcloud: 'AzureUSGovernmentCloud',
  azureusgovernment: 'AzureUSGovernmentCloud',
  usgov: 'AzureUSGovernmentCloud',
  azurechinacloud: 'AzureChinaCloud',
  china: 'AzureChinaCloud',
};

/** The Entra authority hosts of Microsoft's clouds; anything else skips MSAL's instance discovery. */
const PUBLIC_AUTHORITY_HOSTS = new Set(['login.microsoftonline.com', 'login.microsoftonline.us', 'login.chinacloudapi.cn', 'login.microsoft.com', 'login.windows.net', 'sts.windows.net']);

export function isMicrosoftAuthorityHost(authorityHost: string): boolean {
  try {
    return PUBLIC_AUTHORITY_HOSTS.has(new URL(authorityHost).hostname.toLowerCase());
  } catch {
    return false;
  }
}

function normalise(value: string, source: string): string {
  let u: URL;
  try {
    u = new URL(value.trim());
  } catch {
    throw new UsageError(`${source}: "${value}" is not a URL (expected e.g. https://graph.microsoft.com)`);
  }
  if (u.protocol !== 'https:') throw new UsageError(`${source}: "${value}" must use https`);
  if (u.search || u.hash) throw new UsageError(`${source}: "${value}" must not have a query or fragment`);
  return u.toString().replace(/\/+$/, '');
}

/** The effective endpoints from flags and environment; throws UsageError naming the bad setting. */
export function resolveAzureEndpoints(flags: EndpointFlags = {}, env: NodeJS.ProcessEnv = process.env): AzureEndpoints {
  let cloud = CLOUDS.AzurePublicCloud!;
  const envCloud = env.AZURE_ENVIRONMENT?.trim();
  if (envCloud) {
    const name = CLOUD_ALIASES[envCloud.toLowerCase()];
    if (!name) throw new UsageError(`AZURE_ENVIRONMENT: unknown cloud "${envCloud}" (use ${Object.keys(CLOUDS).join(', ')})`);
    cloud = CLOUDS[name]!;
  }
  const pick = (flag: string | undefined, flagName: string, envName: string, fallback: string): string => {
    if (flag !== undefined && flag !== '') return normalise(flag, flagName);
    const e = env[envName];
    if (e !== undefined && e.trim() !== '') return normalise(e, envName);
    return fallback;
  };
  return {
    graph: pick(flags.graphEndpoint, '--graph-endpoint', 'KUBECTL_ENTRA_GRAPH_ENDPOINT', cloud.graph),
    arm: pick(flags.armEndpoint, '--arm-endpoint', 'KUBECTL_ENTRA_ARM_ENDPOINT', cloud.arm),
    authorityHost: pick(flags.authorityHost, '--authority-host', 'AZURE_AUTHORITY_HOST', cloud.authorityHost),
  };
}

/** The OAuth scope for a resource base URL (`https://graph.microsoft.com` -> `https://graph.microsoft.com/.default`). */
export function scopeFor(resourceBase: string): string {
  return `${resourceBase.replace(/\/+$/, '')}/.default`;
}

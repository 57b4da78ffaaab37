// `kubectl entra whoami`: the identity of the current kubeconfig credential as AKS sees it, beside the
// server's own answer. Gathers (credential, server, Graph), decides (src/identity), renders (src/output).
import type { CommandModule } from 'yargs';
import { CredentialError, ExitCode, isEntraError } from '../errors.js';
import { decodeToken, MalformedTokenError, type DecodedToken } from '../identity/claims.js';
import { buildWhoami, groupIdsToName, type GroupNameLookup, type ServerOutcome, type WhoamiInput } from '../identity/whoami.js';
import { ClusterError } from '../errors.js';
import { openSession } from '../kube/session.js';
import { selfSubjectReview } from '../kube/self-subject-review.js';
import { renderWhoami, warningLines } from '../output/whoami.js';
import { connectionOptions } from './connection.js';
import { outputFormat, useColor, verbosity, type GlobalFlags } from './flags.js';
import { programName, runCommand } from './run.js';
import { azureFlags, groupDirectory, readGroupNamesFile, type AzureFlags } from './azure-options.js';

interface WhoamiFlags extends GlobalFlags, AzureFlags {
  output?: string;
  offline?: boolean;
  'group-names'?: string;
}

export const whoamiCommand: CommandModule<GlobalFlags, WhoamiFlags> = {
  command: 'whoami',
  aliases: ['who-am-i'],
  describe: 'Show who the current credential is to an Entra-integrated AKS cluster',
  builder: (y) =>
    azureFlags(y)
      .option('output', { alias: 'o', type: 'string', describe: 'Output format: table|json|yaml' })
      .option('offline', { type: 'boolean', describe: 'Make no network call (no API server, no Microsoft Graph)' })
      .option('group-names', { type: 'string', describe: 'File mapping group ids to names (JSON or CSV), used instead of Graph' })
      .example(`${programName()} whoami`, 'Who am I on the current context?')
      .example(`${programName()} whoami --context aks-prod -o json`, 'The same as JSON, for another context')
      .example(`${programName()} whoami --offline --group-names groups.csv`, 'Decode the credential only, naming groups from a file')
      .epilogue(
        'Exec plugins (kubelogin) run as kubectl runs them; a device-code prompt appears on stderr.\n' +
          'Group names come from Microsoft Graph (Azure CLI sign-in, environment or managed identity credential) or --group-names.\n' +
          'Warning codes: TokenExpired, NotAksAudience, GroupsOverage, LocalAccount, ClusterAdmin, OpaqueToken, ServerUnreachable, ServerRejected, UsernameMismatch, GroupNamesUnavailable.',
      ),
  handler: (argv) =>
    runCommand({ programName: programName(), commandName: 'whoami', verbosity: verbosity(argv.v) }, async () => {
      const format = outputFormat(argv.output) as 'table' | 'json' | 'yaml';
      const session = openSession(connectionOptions(argv));
      const credential = await session.credential();

      let decoded: DecodedToken | null = null;
      if (credential.token && credential.source !== 'clientCertificate') {
        try {
          decoded = decodeToken(credential.token);
        } catch (e) {
          if (e instanceof MalformedTokenError) throw new CredentialError(`${credentialName(credential.source)}: ${e.message}`);
          throw e;
        }
      }

      const offline = Boolean(argv.offline);
      const directory = offline ? null : groupDirectory(argv);
      const claims = decoded?.kind === 'jwt' ? decoded.claims : null;

      const serverP: Promise<ServerOutcome> = offline
        ? Promise.resolve({ kind: 'skipped', reason: '--offline' })
        : session.client().then(selfSubjectReview).then(
            (userInfo): ServerOutcome => ({ kind: 'ok', userInfo }),
            (e): ServerOutcome => {
              if (e instanceof ClusterError && e.unreachable) return { kind: 'unreachable', message: e.message };
              if (e instanceof ClusterError) return { kind: 'rejected', message: e.message, status: e.status };
              throw e;
            },
          );
      const overageP: Promise<{ ids: string[] | null; error?: string }> =
        claims && directory && claims.oid && !Array.isArray(claims.groups) && claims._claim_names?.groups
          ? directory.memberGroupIds(claims.oid, claims.idtyp === 'app' ? 'servicePrincipal' : 'user').then(
              (ids) => ({ ids }),
              (e) => ({ ids: null, error: isEntraError(e) ? e.message : String(e) }),
            )
          : Promise.resolve({ ids: null });
      const [server, overage] = await Promise.all([serverP, overageP]);

      const input: WhoamiInput = {
        now: new Date(),
        context: {
          name: session.context.contextName,
          cluster: session.context.clusterName,
          user: session.context.userName,
          server: session.context.cluster.server ?? null,
          namespace: session.context.namespace,
        },
        credential: {
          source: credential.source,
          details: credential.details,
          certificate: credential.certificate,
          expirationTimestamp: credential.expirationTimestamp,
        },
        decoded,
        groupNames: { names: new Map(), from: null },
        overageGroups: overage.ids,
        overageLookupError: overage.error,
        server,
      };
      const ids = groupIdsToName(buildWhoami(input));
      input.groupNames = await lookupNames(ids, argv, directory, offline);
      const result = buildWhoami(input);
      const style = { color: useColor() };
      return {
        stdout: renderWhoami(result, format, style),
        stderr: format === 'table' ? warningLines(result, { color: useColor(process.stderr) }) : [],
        exitCode: ExitCode.OK,
      };
    }),
};

function credentialName(source: string): string {
  return { token: 'the token', tokenFile: 'the token file', exec: 'the exec plugin token', authProvider: 'the auth-provider token' }[source] ?? 'the token';
}

async function lookupNames(
  ids: string[],
  argv: WhoamiFlags,
  directory: ReturnType<typeof groupDirectory> | null,
  offline: boolean,
): Promise<GroupNameLookup> {
  if (argv['group-names']) return { names: await readGroupNamesFile(argv['group-names']), from: 'file' };
  if (ids.length === 0) return { names: new Map(), from: null };
  if (offline || !directory) return { names: new Map(), from: null, unavailable: '--offline (use --group-names FILE to name groups offline)' };
  try {
    return { names: await directory.groupNames(ids), from: 'graph' };
  } catch (e) {
    return { names: new Map(), from: null, unavailable: isEntraError(e) ? e.message : String(e) };
  }
}

// What `kubectl entra whoami` does when it runs (loaded only then, so --help stays fast): gathers the
// credential, the server's SelfSubjectReview and group names; decides with src/identity; renders.
import { CredentialError, ExitCode, isEntraError } from '../errors.js';
import { decodeToken, MalformedTokenError, type DecodedToken } from '../identity/claims.js';
import { buildWhoami, groupIdsToName, type GroupNameLookup, type ServerOutcome, type WhoamiInput } from '../identity/whoami.js';
import { ClusterError } from '../errors.js';
import { openSession } from '../kube/session.js';
import { selfSubjectReview } from '../kube/self-subject-review.js';
import { renderWhoami, warningLines } from '../output/whoami.js';
import { connectionOptions } from './connection.js';
import { outputFormat, useColor } from './flags.js';
import { groupDirectory, readGroupNamesFile } from './azure-options.js';

import type { WhoamiFlags } from './whoami.js';
import type { CommandResult } from './run.js';

export async function whoami(argv: WhoamiFlags): Promise<CommandResult> {
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
}

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

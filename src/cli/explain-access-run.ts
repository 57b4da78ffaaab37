// What `kubectl entra explain-access` does when it runs (loaded only then, so --help stays fast): gathers RBAC
// objects (live LISTs or -f manifests) and the server's verdict, decides with src/rbac, renders with src/output.
import { ExitCode, InputError, UsageError, isEntraError } from '../errors.js';
import { loadManifests } from '../kube/manifests.js';
import { openSession, type Session } from '../kube/session.js';
import { discoverResources, gatherRbac, selfSubjectRules, serverVerdict, type LiveRbac } from '../kube/rbac-snapshot.js';
import { renderExplain } from '../output/explain-access.js';
import { renderList, renderWhoCan, type ListOutput, type WhoCanOutput } from '../output/explain-access-list.js';
import { painter } from '../output/format.js';
import { explainAccess, groupDisplayName, type ServerVerdict } from '../rbac/explain.js';
import { listAccess } from '../rbac/list.js';
import { RbacPolicy } from '../rbac/policy.js';
import { isClusterScopedResource, parseTarget, type ParsedTarget } from '../rbac/resources.js';
import { SYSTEM_MASTERS_RISK, mergeRisks } from '../rbac/risks.js';
import { snapshotFromObjects } from '../rbac/snapshot.js';
import { impersonatedGroups, MASTERS } from '../rbac/subjects.js';
import type { AccessRequest, RbacSnapshot } from '../rbac/types.js';
import { whoCan } from '../rbac/who-can.js';
import type { Warning } from '../warnings.js';
import { groupDirectory, readGroupNamesFile } from './azure-options.js';
import { connectionOptions } from './connection.js';
import { currentSubject } from './current-subject.js';
import { outputFormat, useColor } from './flags.js';
import type { CommandResult } from './run.js';

import type { ExplainFlags } from './explain-access.js';

type Mode = 'explain' | 'list' | 'who-can';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;


interface Plan {
  mode: Mode;
  verb: string;
  target: string;
}

function plan(argv: ExplainFlags): Plan {
  const pos = [argv.verb, argv.target, argv.more].filter((x): x is string => x !== undefined && x !== '');
  if (argv.list) {
    if (pos.length > 0) throw new UsageError('--list takes no VERB or TYPE');
    return { mode: 'list', verb: '', target: '' };
  }
  if (pos[0] === 'who-can') {
    if (pos.length !== 3) throw new UsageError('who-can needs a VERB and a TYPE, for example: who-can delete pods');
    return { mode: 'who-can', verb: pos[1], target: pos[2] };
  }
  if (pos.length < 2) throw new UsageError('you must specify two arguments: VERB and TYPE[/NAME] or a /non-resource-url');
  if (pos.length > 2) throw new UsageError(`too many arguments: ${pos.slice(2).join(' ')}`);
  return { mode: 'explain', verb: pos[0], target: pos[1] };
}

export async function explainAccessHandler(argv: ExplainFlags): Promise<CommandResult> {
  const format = outputFormat(argv.output) as 'table' | 'json' | 'yaml';
  const p = plan(argv);
  // Repeated flags, never greedy arrays: `--as-group g get pods` must leave `get pods` as arguments.
  const files = ([] as string[]).concat(argv.filename ?? []);
  const offline = files.length > 0;
  if (argv.offline && !offline) throw new UsageError('--offline needs -f FILE: without a cluster, only manifests can be evaluated');
  const asGroups = ([] as string[]).concat(argv['as-group'] ?? []);
  if (asGroups.length > 0 && !argv.as) throw new UsageError('--as-group needs --as (the user the groups belong to)');
  if (argv['as-oid'] && !argv.as) throw new UsageError('--as-oid needs --as');

  // The kubeconfig is needed online, and offline only to learn who "I" am or the context's namespace.
  let session: Session | null = null;
  const getSession = (): Session => (session ??= openSession(connectionOptions(argv)));
  // who-can asks about no one, so offline it needs no credential either.
  const needsCredential = p.mode !== 'who-can' && !argv.as;
  let contextNamespace = 'default';
  if (!offline || needsCredential || !argv.namespace) {
    try {
      contextNamespace = getSession().context.namespace;
    } catch (e) {
      if (!offline || needsCredential) throw e;
    }
  }
  const explicitNamespace = Boolean(argv.namespace);
  const baseNamespace = argv['all-namespaces'] ? '' : argv.namespace || contextNamespace;
  const warnings: Warning[] = [];

  // The target: parsed offline; an unknown bare name is looked up in discovery when online.
  let target: ParsedTarget | null = null;
  if (p.mode !== 'list') {
    try {
      target = parseTarget(p.target);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (!offline && target.kind === 'resource' && target.warnings.some((w) => w.code === 'UnknownResourceType')) {
      try {
        target = parseTarget(p.target, await discoverResources(await getSession().client()));
      } catch (e) {
        if (!isEntraError(e)) throw e;
      }
    }
    warnings.push(...target.warnings);
  }
  if (argv.subresource !== undefined && target?.kind === 'nonResource') throw new UsageError('--subresource is for resources, not for a non-resource URL');
  if (target?.kind === 'nonResource' && !target.url.startsWith('/')) throw new UsageError('a non-resource URL must start with /');

  let namespace = baseNamespace;
  if (target?.kind === 'nonResource') namespace = '';
  else if (target?.kind === 'resource' && isClusterScopedResource(target.resource, target.apiGroup)) {
    if (explicitNamespace && !argv['all-namespaces']) {
      warnings.push({ code: 'NotNamespaced', message: `resource "${target.resource}" is not namespace scoped; asking about namespace ${namespace} as the server would be asked` });
    } else namespace = '';
  }

  // The subject.
  let user: string;
  let groups: string[];
  let extra: Record<string, string[]> = {};
  if (p.mode === 'who-can') {
    user = '';
    groups = [];
  } else if (argv.as) {
    user = argv.as;
    groups = impersonatedGroups(user, asGroups);
    const oid = argv['as-oid'] ?? (GUID.test(user) ? user : undefined);
    if (oid) extra = { oid: [oid] };
    else if (!offline && p.mode === 'explain' && !user.startsWith('system:')) {
      warnings.push({
        code: 'AsWithoutOid',
        message: `AKS's Azure RBAC authorizer needs the Entra object id of "${user}" to decide; add --as-oid OBJECT_ID so the server's verdict includes Azure RBAC`,
      });
    }
  } else {
    const s = await currentSubject(getSession(), { useServer: !offline, expandOverage: offline && !argv.offline ? groupDirectory(argv) : null });
    user = s.user;
    // The authenticator adds the implicit groups; the server's SelfSubjectReview already shows them.
    groups = s.from === 'server' ? s.groups : impersonatedGroups(s.user, s.groups);
    extra = s.extra;
    warnings.push(...s.warnings);
  }

  const request: AccessRequest =
    target?.kind === 'nonResource'
      ? { user, groups, verb: p.verb, namespace: '', apiGroup: '', resource: '', subresource: '', name: '', nonResourceURL: target.url }
      : {
          user,
          groups,
          verb: p.verb,
          namespace,
          apiGroup: target?.apiGroup ?? '',
          resource: target?.resource ?? '',
          subresource: argv.subresource ?? '',
          name: target?.name ?? '',
        };

  // The RBAC objects, and the server's verdict when live.
  let snapshot: RbacSnapshot | null = null;
  let unreadable: string | undefined;
  let server: ServerVerdict | null = null;
  if (offline) {
    const loaded = await loadManifests(files, { defaultNamespace: argv.namespace || 'default' });
    const built = snapshotFromObjects(loaded.map((l) => l.object));
    snapshot = built.snapshot;
    warnings.push(...built.warnings);
    if (snapshot.roleBindings.length + snapshot.clusterRoleBindings.length === 0) {
      warnings.push({ code: 'NoBindings', message: `the manifests hold no RoleBinding or ClusterRoleBinding (${loaded.length} objects read)` });
    }
  } else {
    const client = await getSession().client();
    const namespaces: string[] | 'all' = p.mode === 'who-can' && argv['all-namespaces'] ? 'all' : request.namespace ? [request.namespace] : [];
    const [live, verdict] = await Promise.all([
      gatherRbac(client, namespaces),
      p.mode === 'explain' ? serverVerdict(client, request, argv.as ? { user, groups, extra } : undefined) : Promise.resolve(null),
    ]);
    snapshot = live.snapshot;
    unreadable = live.unreadable;
    if (verdict) {
      server = verdict.verdict;
      if (verdict.verdict === null) warnings.push({ code: 'ServerVerdictUnavailable', message: `the server's verdict could not be asked: ${verdict.why}` });
    }
    if (snapshot === null) {
      if (p.mode === 'list' && !argv.as) {
        // Like kubectl auth can-i --list: the server lists the caller's rules, without naming bindings.
        const serverRules = await selfSubjectRules(client, request.namespace);
        warnings.push({ code: 'RbacUnreadable', message: `RBAC objects could not be read (${unreadable}); showing the server's SelfSubjectRulesReview` });
        const out: ListOutput = { subject: { user, groups }, namespace: request.namespace, entries: [], errors: [], privileged: groups.includes(MASTERS), risks: [], serverRules, warnings };
        return done(argv, format, renderList(out, format), out.warnings, ExitCode.OK);
      }
      if (p.mode !== 'explain') throw new InputError(`cannot ${p.mode === 'list' ? 'list access' : 'answer who-can'}: ${unreadable}`);
      if (server === null) throw new InputError(`cannot explain: ${unreadable ?? 'RBAC could not be read'}, and the server's verdict is unavailable too`);
    }
  }

  let policy = snapshot ? new RbacPolicy(snapshot) : null;
  // Only the request's groups can appear in an explanation or a listing; who-can names its own.
  const names = p.mode === 'who-can' ? new Map<string, string>() : await groupNames(argv, offline, groups, warnings);

  if (p.mode === 'list') {
    const l = listAccess(policy!, { user, groups }, request.namespace);
    const privileged = groups.includes(MASTERS);
    const out: ListOutput = {
      subject: { user, groups },
      namespace: request.namespace,
      entries: l.entries,
      errors: l.errors,
      privileged,
      risks: mergeRisks([privileged ? [SYSTEM_MASTERS_RISK] : [], ...l.entries.map((e) => e.risks)]),
      serverRules: null,
      warnings: [...warnings, ...policy!.problems],
    };
    return done(argv, format, renderList(out, format), out.warnings, ExitCode.OK);
  }

  if (p.mode === 'who-can') {
    const w = whoCan(policy!, request, { allNamespaces: Boolean(argv['all-namespaces']) });
    const whoNames = await groupNames(argv, offline, w.entries.filter((e) => e.subject.kind === 'Group').map((e) => e.subject.name), warnings);
    const out: WhoCanOutput = {
      request: { verb: request.verb, namespace: request.namespace, apiGroup: request.apiGroup, resource: request.resource, subresource: request.subresource, name: request.name, nonResourceURL: request.nonResourceURL ?? null },
      allNamespaces: Boolean(argv['all-namespaces']),
      entries: w.entries.map((e) => {
        const dn = e.subject.kind === 'Group' ? groupDisplayName(whoNames, e.subject.name) : undefined;
        return dn === undefined ? e : { ...e, subject: { ...e.subject, displayName: dn } };
      }),
      errors: w.errors,
      privilegedGroups: w.privilegedGroups,
      warnings: [...warnings, ...policy!.problems],
    };
    return done(argv, format, renderWhoCan(out, format), out.warnings, ExitCode.OK);
  }

  // Denied live: read the other namespaces' RoleBindings too, so near misses can point at them.
  let result = explainAccess(policy, request, { groupNames: names, server, unreadable, warnings });
  if (!offline && policy && !argv.quiet && result.rbac && !result.rbac.allowed && request.nonResourceURL === undefined) {
    const all: LiveRbac = await gatherRbac(await getSession().client(), 'all').catch(() => ({ snapshot: null }));
    if (all.snapshot) {
      policy = new RbacPolicy(all.snapshot);
      result = explainAccess(policy, request, { groupNames: names, server, unreadable, warnings });
    } else {
      result.warnings.push({ code: 'NearMissesPartial', message: 'RoleBindings in other namespaces could not be listed, so near misses there are not shown' });
    }
  }
  return done(argv, format, renderExplain(result, format, { color: useColor() }), result.warnings, result.allowed ? ExitCode.OK : ExitCode.NO);
}

function done(argv: ExplainFlags, format: string, stdout: string, warnings: Warning[], exitCode: ExitCode): CommandResult {
  if (argv.quiet) return { stdout: '', exitCode };
  const p = painter({ color: useColor(process.stderr) });
  return {
    stdout,
    stderr: format === 'table' ? warnings.map((w) => `${p.yellow('Warning:')} ${w.message} [${w.code}]`) : [],
    exitCode,
  };
}

/** Group display names: a --group-names file, else Microsoft Graph when online and available. */
async function groupNames(argv: ExplainFlags, offline: boolean, ids: string[], warnings: Warning[]): Promise<Map<string, string>> {
  if (argv['group-names']) return readGroupNamesFile(argv['group-names']);
  const guids = [...new Set(ids.filter((g) => GUID.test(g)))];
  if (offline || guids.length === 0) return new Map();
  const directory = groupDirectory(argv);
  if (!directory) return new Map();
  try {
    return await directory.groupNames(guids);
  } catch (e) {
    warnings.push({ code: 'GroupNamesUnavailable', message: `group names could not be looked up: ${isEntraError(e) ? e.message : String(e)}` });
    return new Map();
  }
}

// Puts one question's answer together: the RBAC verdict with every grant path, near misses and a fix when
// denied, risk notes on what is granted, and, on a live cluster, the server's own verdict reconciled with
// ours. This object is what `-o json|yaml` prints (see the README's JSON section); renderers only format it.
import { authorize, isPrivileged, type GrantPath, type ResolutionError } from './authorize.js';
import { nearMisses, type NearMiss } from './near-misses.js';
import type { RbacPolicy } from './policy.js';
import { SYSTEM_MASTERS_RISK, mergeRisks, ruleRisks, type RiskNote } from './risks.js';
import { suggestFix, type FixSuggestion } from './suggestion.js';
import { MASTERS } from './subjects.js';
import { isResourceRequest, type AccessRequest, type BindingRef, type RoleRefShown, type Subject } from './types.js';
import type { Warning } from '../warnings.js';

/** The server's answer to a (Self)SubjectAccessReview. */
export interface ServerVerdict {
  allowed: boolean;
  denied: boolean;
  reason: string;
  evaluationError: string;
}

export interface ShownSubject extends Subject {
  /** A group's display name, when Graph (or a name map) could tell. */
  displayName?: string;
}

export interface ExplainedGrant extends Omit<GrantPath, 'subject'> {
  subject: ShownSubject;
  risks: RiskNote[];
}

export interface ExplainedNearMiss extends Omit<NearMiss, 'subject'> {
  subject?: ShownSubject;
}

/** A grant path as the server's reason names it, for when the RBAC objects themselves cannot be read. */
export interface ServerNamedPath {
  binding: BindingRef;
  role: RoleRefShown;
  subject: ShownSubject;
}

const REASON = /^RBAC: allowed by (ClusterRoleBinding|RoleBinding) "([^"]*)" of (Role|ClusterRole) "([^"]*)" to (User|Group|ServiceAccount) "([^"]*)"$/;

/** Reads upstream's reason text back into a path (the inverse of describeBinding). */
export function parseRbacReason(reason: string): Omit<ServerNamedPath, 'subject'> & { subject: Subject } | null {
  const m = REASON.exec(reason.trim());
  if (!m) return null;
  const [, bkind, bname, rkind, rname, skind, sname] = m;
  let binding: BindingRef = { kind: 'ClusterRoleBinding', name: bname };
  if (bkind === 'RoleBinding') {
    const i = bname.lastIndexOf('/');
    binding = { kind: 'RoleBinding', name: bname.slice(0, i), namespace: bname.slice(i + 1) };
  }
  let subject: Subject = { kind: skind, name: sname };
  if (skind === 'ServiceAccount') {
    const i = sname.lastIndexOf('/');
    subject = { kind: skind, name: sname.slice(0, i), namespace: sname.slice(i + 1) };
  }
  const role: RoleRefShown = rkind === 'Role' && binding.namespace ? { kind: rkind, name: rname, namespace: binding.namespace } : { kind: rkind, name: rname };
  return { binding, role, subject };
}

export type DecidedBy = 'rbac' | 'system:masters' | 'other-authorizer' | 'server' | 'nobody';

export interface ExplainResult {
  /** The request as asked; `nonResourceURL` is null for a resource request (a stable JSON field). */
  request: Omit<AccessRequest, 'nonResourceURL'> & { nonResourceURL: string | null };
  /** The answer: the server's verdict on a live cluster, else system:masters or RBAC. */
  allowed: boolean;
  /** Display names of the request's groups, where known (Entra group object id -> name). */
  groupNames: Record<string, string>;
  /** What decided it, as far as we can tell. */
  decidedBy: DecidedBy;
  /** The identity is in system:masters (allowed before any authorizer). */
  privileged: boolean;
  /** RBAC's view; null when the RBAC objects could not be read. */
  rbac: {
    allowed: boolean;
    reason: string;
    matches: ExplainedGrant[];
    nearMisses: ExplainedNearMiss[];
    errors: ResolutionError[];
  } | null;
  server: ServerVerdict | null;
  /** When RBAC could not be read but the server's reason names the RBAC binding that allowed it. */
  serverPath: ServerNamedPath | null;
  /** Sentences reconciling the server and RBAC, and what could not be explained. */
  notes: string[];
  suggestion: FixSuggestion | null;
  risks: RiskNote[];
  warnings: Warning[];
}

export interface ExplainOptions {
  /** Group id -> display name (whoami's resolver, or a map file). */
  groupNames?: Map<string, string>;
  /** The server's verdict (live cluster); omit or null offline. */
  server?: ServerVerdict | null;
  /** Why RBAC objects could not be read, when `policy` is null. */
  unreadable?: string;
  warnings?: Warning[];
}

/** A group's name from the map; ids are matched case-insensitively (Entra object ids are GUIDs). */
export function groupDisplayName(names: Map<string, string> | undefined, id: string): string | undefined {
  return names?.get(id) ?? names?.get(id.toLowerCase());
}

/**
 * The subject as the authorizer matched it: a ServiceAccount without a namespace in a RoleBinding is the
 * binding's namespace's, so it is shown with that namespace.
 */
function shown(s: Subject, names: Map<string, string> | undefined, bindingNamespace?: string): ShownSubject {
  const out: ShownSubject = { ...s };
  if (s.kind === 'ServiceAccount' && !s.namespace && bindingNamespace) out.namespace = bindingNamespace;
  const dn = s.kind === 'Group' ? groupDisplayName(names, s.name) : undefined;
  if (dn !== undefined) out.displayName = dn;
  return out;
}

export function explainAccess(policy: RbacPolicy | null, req: AccessRequest, opts: ExplainOptions = {}): ExplainResult {
  const names = opts.groupNames;
  const privileged = isPrivileged(req.groups);
  const warnings: Warning[] = [...(opts.warnings ?? [])];
  const notes: string[] = [];
  let rbac: ExplainResult['rbac'] = null;
  let suggestion: FixSuggestion | null = null;

  if (policy) {
    for (const p of policy.problems) warnings.push({ ...p });
    const d = authorize(policy, req);
    const matches: ExplainedGrant[] = d.matches.map((m) => ({ ...m, subject: shown(m.subject, names, m.binding.namespace), risks: ruleRisks(m.rule) }));
    let misses: NearMiss[] = [];
    if (!d.allowed) {
      misses = nearMisses(policy, req, policy.applicableBindings(req, req.namespace));
      if (!privileged) suggestion = suggestFix(policy, req, misses);
    }
    rbac = {
      allowed: d.allowed,
      reason: d.reason,
      matches,
      nearMisses: misses.map((m) => (m.subject ? { ...m, subject: shown(m.subject, names, m.binding.namespace) } : { ...m })) as ExplainedNearMiss[],
      errors: d.errors,
    };
  } else {
    notes.push(`RBAC could not be explained: ${opts.unreadable ?? 'the RBAC objects could not be read'}; the verdict is the server's.`);
  }

  const server = opts.server ?? null;
  let allowed: boolean;
  let decidedBy: DecidedBy;
  if (server) {
    allowed = server.allowed;
    if (server.allowed && privileged) decidedBy = 'system:masters';
    else if (server.allowed && rbac?.allowed) decidedBy = 'rbac';
    else if (server.allowed && rbac && !rbac.allowed) {
      decidedBy = 'other-authorizer';
      notes.push(
        `The server allows this but RBAC does not: another authorizer granted it (on AKS: Azure RBAC for Kubernetes authorization)${server.reason ? `; its reason: ${server.reason}` : ''}.`,
      );
    } else if (server.allowed) decidedBy = parseRbacReason(server.reason) ? 'rbac' : 'server';
    else {
      decidedBy = 'nobody';
      if (rbac?.allowed) {
        notes.push(
          `The server denies what RBAC allows${server.reason ? ` (${server.reason})` : ''}: another authorizer denied it first, or the server sees a different identity or RBAC objects than were read here.`,
        );
      }
    }
    if (server.evaluationError) notes.push(`The server reported an evaluation error: ${server.evaluationError}`);
  } else {
    allowed = privileged || Boolean(rbac?.allowed);
    decidedBy = privileged ? 'system:masters' : rbac?.allowed ? 'rbac' : 'nobody';
  }
  if (privileged) notes.push(`The identity is in ${MASTERS}: every request is allowed before RBAC is consulted.`);

  const named = !rbac && server?.allowed ? parseRbacReason(server.reason) : null;
  const serverPath: ServerNamedPath | null = named ? { ...named, subject: shown(named.subject, names) } : null;
  const risks = mergeRisks([privileged ? [SYSTEM_MASTERS_RISK] : [], ...(rbac?.matches ?? []).map((m) => m.risks)]);
  const resource = isResourceRequest(req);
  return {
    request: {
      user: req.user,
      groups: req.groups,
      verb: req.verb,
      namespace: req.namespace,
      apiGroup: resource ? req.apiGroup : '',
      resource: resource ? req.resource : '',
      subresource: resource ? req.subresource : '',
      name: resource ? req.name : '',
      nonResourceURL: resource ? null : req.nonResourceURL ?? '',
    },
    allowed,
    groupNames: Object.fromEntries(req.groups.flatMap((g) => { const n = groupDisplayName(names, g); return n === undefined ? [] : [[g, n]]; })),
    decidedBy,
    privileged,
    rbac,
    server,
    serverPath,
    notes,
    suggestion: allowed ? null : suggestion,
    risks,
    warnings,
  };
}

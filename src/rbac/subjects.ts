// Who a binding's subjects are, as the RBAC authorizer decides it: User by exact name, Group by
// membership, ServiceAccount by its `system:serviceaccount:<ns>:<name>` user name with the binding's
// namespace as default. Also the implicit groups an authenticated (or impersonated) identity carries, and
// the upstream wording for subjects in reason strings.
import type { Subject, UserInfo } from './types.js';

export const SA_PREFIX = 'system:serviceaccount:';
export const AUTHENTICATED = 'system:authenticated';
export const UNAUTHENTICATED = 'system:unauthenticated';
export const ANONYMOUS = 'system:anonymous';
export const MASTERS = 'system:masters';
export const SERVICE_ACCOUNTS = 'system:serviceaccounts';

/** The effective namespace of a ServiceAccount subject: its own, else the binding's ("" for a ClusterRoleBinding). */
export function serviceAccountNamespace(subject: Subject, bindingNamespace: string): string {
  return subject.namespace ? subject.namespace : bindingNamespace;
}

/** The user name a subject stands for, when it stands for exactly one user (User, ServiceAccount); else undefined. */
export function subjectUserName(subject: Subject, bindingNamespace: string): string | undefined {
  if (subject.kind === 'User') return subject.name;
  if (subject.kind === 'ServiceAccount') {
    const ns = serviceAccountNamespace(subject, bindingNamespace);
    return ns === '' ? undefined : `${SA_PREFIX}${ns}:${subject.name}`;
  }
  return undefined;
}

/** `bindingNamespace` is "" for ClusterRoleBindings, the RoleBinding's namespace otherwise. */
export function subjectAppliesTo(who: UserInfo, subject: Subject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return who.user === subject.name;
    case 'Group':
      return who.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = serviceAccountNamespace(subject, bindingNamespace);
      if (ns === '') return false;
      return who.user === `${SA_PREFIX}${ns}:${subject.name}`;
    }
    default:
      return false;
  }
}

/** Index of the first subject that applies, or -1 (the authorizer reports the first one). */
export function firstApplyingSubject(who: UserInfo, subjects: Subject[] | undefined, bindingNamespace: string): number {
  const list = subjects ?? [];
  for (let i = 0; i < list.length; i++) if (subjectAppliesTo(who, list[i], bindingNamespace)) return i;
  return -1;
}

/** Splits a service account user name into namespace and name, or undefined if it is not one. */
export function parseServiceAccountUser(user: string): { namespace: string; name: string } | undefined {
  if (!user.startsWith(SA_PREFIX)) return undefined;
  const rest = user.slice(SA_PREFIX.length);
  const parts = rest.split(':');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') return undefined;
  return { namespace: parts[0], name: parts[1] };
}

/**
 * The groups the API server gives an identity named with --as/--as-group (the impersonation filter):
 * a service account without explicit groups gets its service-account groups; every non-anonymous user gets
 * system:authenticated unless system:authenticated or system:unauthenticated is already present.
 * The same holds for an identity that authenticated normally, so the CLI uses this for both.
 */
export function impersonatedGroups(user: string, groups: string[]): string[] {
  let out = [...groups];
  const sa = parseServiceAccountUser(user);
  if (sa && groups.length === 0) out = [SERVICE_ACCOUNTS, `${SERVICE_ACCOUNTS}:${sa.namespace}`];
  if (user !== ANONYMOUS) {
    if (!out.includes(AUTHENTICATED) && !out.includes(UNAUTHENTICATED)) out.push(AUTHENTICATED);
  } else if (!out.includes(UNAUTHENTICATED)) {
    out.push(UNAUTHENTICATED);
  }
  return out;
}

/** Go's %q for the strings that appear in reasons (names are printable in practice). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** Upstream's subject wording: `Group "g"`, `User "u"`, `ServiceAccount "name/ns"`. */
export function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') {
    return `${subject.kind} ${goQuote(`${subject.name}/${serviceAccountNamespace(subject, bindingNamespace)}`)}`;
  }
  return `${subject.kind} ${goQuote(subject.name)}`;
}

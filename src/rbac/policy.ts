// The snapshot, indexed for questions: roles by name, aggregated ClusterRoles resolved, and bindings
// indexed by the user and group names their subjects stand for, so a question only looks at the
// bindings that can apply to its identity. The walk order is the authorizer's: every ClusterRoleBinding,
// then, for a non-empty namespace, that namespace's RoleBindings.
import { resolveClusterRoles, type ResolvedClusterRole } from './aggregation.js';
import { firstApplyingSubject, subjectUserName } from './subjects.js';
import type { BindingRef, ClusterRoleBinding, PolicyRule, RbacSnapshot, Role, RoleBinding, RoleRef, RoleRefShown, Subject, UserInfo } from './types.js';

export type AnyBinding = RoleBinding | ClusterRoleBinding;

export interface ResolvedRoleRef {
  role: RoleRefShown;
  rules: PolicyRule[];
  /** Per rule, for aggregated ClusterRoles: the source ClusterRole that contributed it. */
  sources?: Array<string | undefined>;
}

export interface PolicyProblem {
  code: string;
  message: string;
  object?: string;
}

/** One binding that applies to an identity, with its role resolved or the error resolving it. */
export interface ApplicableBinding {
  binding: AnyBinding;
  ref: BindingRef;
  subjectIndex: number;
  subject: Subject;
  resolved?: ResolvedRoleRef;
  error?: string;
}

const byName = <T extends { metadata: { name: string } }>(a: T, b: T): number =>
  a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;

const userKey = (u: string): string => `u\u0000${u}`;
const groupKey = (g: string): string => `g\u0000${g}`;

function subjectKey(s: Subject, bindingNamespace: string): string | undefined {
  if (s.kind === 'Group') return groupKey(s.name);
  const u = subjectUserName(s, bindingNamespace);
  return u === undefined ? undefined : userKey(u);
}

function addIndex(index: Map<string, number[]>, subjects: Subject[] | undefined, bindingNamespace: string, position: number): void {
  for (const s of subjects ?? []) {
    const k = subjectKey(s, bindingNamespace);
    if (k === undefined) continue;
    const list = index.get(k);
    if (list === undefined) index.set(k, [position]);
    else if (list[list.length - 1] !== position) list.push(position);
  }
}

function candidates(index: Map<string, number[]>, who: UserInfo): number[] {
  const lists: number[][] = [];
  const u = index.get(userKey(who.user));
  if (u) lists.push(u);
  for (const g of who.groups) {
    const l = index.get(groupKey(g));
    if (l) lists.push(l);
  }
  if (lists.length === 0) return [];
  if (lists.length === 1) return lists[0];
  return [...new Set(lists.flat())].sort((a, b) => a - b);
}

interface NamespaceBindings {
  bindings: RoleBinding[];
  index: Map<string, number[]>;
}

export class RbacPolicy {
  readonly clusterRoleBindings: ClusterRoleBinding[];
  readonly problems: PolicyProblem[] = [];
  readonly snapshot: RbacSnapshot;
  private readonly crbIndex = new Map<string, number[]>();
  private readonly rbByNamespace = new Map<string, NamespaceBindings>();
  /** Every namespace's RoleBindings by subject key, for near misses in other namespaces. */
  private readonly rbAllIndex = new Map<string, number[]>();
  private readonly rbAll: RoleBinding[] = [];
  private readonly roles = new Map<string, Role>();
  private readonly clusterRoles: Map<string, ResolvedClusterRole>;

  constructor(snapshot: RbacSnapshot) {
    this.snapshot = snapshot;
    for (const r of snapshot.roles) {
      const key = `${r.metadata.namespace ?? ''}/${r.metadata.name}`;
      if (this.roles.has(key)) this.duplicate('Role', r.metadata.namespace, r.metadata.name);
      this.roles.set(key, r);
    }
    const seenCr = new Set<string>();
    for (const cr of snapshot.clusterRoles) {
      if (seenCr.has(cr.metadata.name)) this.duplicate('ClusterRole', undefined, cr.metadata.name);
      seenCr.add(cr.metadata.name);
    }
    const agg = resolveClusterRoles(snapshot.clusterRoles, snapshot.aggregation);
    this.clusterRoles = agg.byName;
    for (const p of agg.problems) this.problems.push({ code: 'AggregationProblem', message: p.message, object: `ClusterRole ${p.role}` });

    this.clusterRoleBindings = dedupe(snapshot.clusterRoleBindings, (b) => b.metadata.name, (b) => this.duplicate('ClusterRoleBinding', undefined, b.metadata.name)).sort(byName);
    this.clusterRoleBindings.forEach((b, i) => addIndex(this.crbIndex, b.subjects, '', i));

    const perNs = new Map<string, RoleBinding[]>();
    for (const rb of dedupe(snapshot.roleBindings, (b) => `${b.metadata.namespace ?? ''}/${b.metadata.name}`, (b) => this.duplicate('RoleBinding', b.metadata.namespace, b.metadata.name))) {
      const ns = rb.metadata.namespace ?? '';
      const list = perNs.get(ns);
      if (list) list.push(rb);
      else perNs.set(ns, [rb]);
    }
    for (const [ns, list] of perNs) {
      list.sort(byName);
      const index = new Map<string, number[]>();
      list.forEach((b, i) => addIndex(index, b.subjects, ns, i));
      this.rbByNamespace.set(ns, { bindings: list, index });
    }
    for (const ns of [...perNs.keys()].sort()) {
      for (const b of perNs.get(ns)!) {
        addIndex(this.rbAllIndex, b.subjects, ns, this.rbAll.length);
        this.rbAll.push(b);
      }
    }
  }

  private duplicate(kind: string, ns: string | undefined, name: string): void {
    const obj = `${kind} ${ns ? ns + '/' : ''}${name}`;
    this.problems.push({ code: 'DuplicateObject', message: `${obj} appears more than once; the last one is used`, object: obj });
  }

  /** Namespaces that have RoleBindings in the snapshot. */
  namespacesWithBindings(): string[] {
    return [...this.rbByNamespace.keys()].sort();
  }

  roleBindingsIn(namespace: string): RoleBinding[] {
    return this.rbByNamespace.get(namespace)?.bindings ?? [];
  }

  clusterRole(name: string): ResolvedClusterRole | undefined {
    return this.clusterRoles.get(name);
  }

  allClusterRoles(): ResolvedClusterRole[] {
    return [...this.clusterRoles.values()];
  }

  role(namespace: string, name: string): Role | undefined {
    return this.roles.get(`${namespace}/${name}`);
  }

  allRoles(): Role[] {
    return [...this.roles.values()];
  }

  /** The rules a roleRef points at, or the error the authorizer would record (the binding is then skipped). */
  resolveRoleRef(ref: RoleRef, bindingNamespace: string): ResolvedRoleRef | { error: string } {
    if (ref.kind === 'Role') {
      const role = bindingNamespace === '' ? undefined : this.role(bindingNamespace, ref.name);
      if (!role) return { error: `role.rbac.authorization.k8s.io "${ref.name}" not found` };
      return { role: { kind: 'Role', name: ref.name, namespace: bindingNamespace }, rules: role.rules ?? [] };
    }
    if (ref.kind === 'ClusterRole') {
      const cr = this.clusterRole(ref.name);
      if (!cr) return { error: `clusterrole.rbac.authorization.k8s.io "${ref.name}" not found` };
      return { role: { kind: 'ClusterRole', name: ref.name }, rules: cr.rules, sources: cr.sources };
    }
    return { error: `unsupported role reference kind: "${ref.kind}"` };
  }

  /**
   * Every binding that applies to the identity, in the authorizer's order: ClusterRoleBindings, then the
   * RoleBindings of `namespace` when it is not empty.
   */
  applicableBindings(who: UserInfo, namespace: string): ApplicableBinding[] {
    const out: ApplicableBinding[] = [];
    for (const i of candidates(this.crbIndex, who)) {
      const b = this.clusterRoleBindings[i];
      const item = this.applicable(who, b, { kind: 'ClusterRoleBinding', name: b.metadata.name }, '');
      if (item) out.push(item);
    }
    if (namespace !== '') out.push(...this.applicableRoleBindingsIn(who, namespace));
    return out;
  }

  applicableRoleBindingsIn(who: UserInfo, namespace: string): ApplicableBinding[] {
    const out: ApplicableBinding[] = [];
    const nsb = this.rbByNamespace.get(namespace);
    if (!nsb) return out;
    for (const i of candidates(nsb.index, who)) {
      const b = nsb.bindings[i];
      const item = this.applicable(who, b, { kind: 'RoleBinding', namespace, name: b.metadata.name }, namespace);
      if (item) out.push(item);
    }
    return out;
  }

  /** The identity's applicable RoleBindings in every namespace (by namespace, then name), found through the index. */
  applicableRoleBindingsAnywhere(who: UserInfo): ApplicableBinding[] {
    const out: ApplicableBinding[] = [];
    for (const i of candidates(this.rbAllIndex, who)) {
      const b = this.rbAll[i];
      const ns = b.metadata.namespace ?? '';
      const item = this.applicable(who, b, { kind: 'RoleBinding', namespace: ns, name: b.metadata.name }, ns);
      if (item) out.push(item);
    }
    return out;
  }

  private applicable(who: UserInfo, b: AnyBinding, ref: BindingRef, bindingNamespace: string): ApplicableBinding | undefined {
    const si = firstApplyingSubject(who, b.subjects, bindingNamespace);
    if (si < 0) return undefined;
    const r = this.resolveRoleRef(b.roleRef, bindingNamespace);
    const base = { binding: b, ref, subjectIndex: si, subject: b.subjects![si] };
    return 'error' in r ? { ...base, error: r.error } : { ...base, resolved: r };
  }
}

function dedupe<T>(items: T[], key: (t: T) => string, onDuplicate: (t: T) => void): T[] {
  const m = new Map<string, T>();
  for (const it of items) {
    const k = key(it);
    if (m.has(k)) {
      onDuplicate(it);
      m.delete(k);
    }
    m.set(k, it);
  }
  return [...m.values()];
}

// Renderer snapshots, colour off: what a person reads, for an allowed and a denied question, --list and who-can.
import { describe, expect, it } from 'vitest';
import { explainAccess, parseRbacReason } from '../../../src/rbac/explain.js';
import { listAccess } from '../../../src/rbac/list.js';
import { whoCan } from '../../../src/rbac/who-can.js';
import { renderExplain } from '../../../src/output/explain-access.js';
import { renderList, renderWhoCan } from '../../../src/output/explain-access-list.js';
import { loadPolicy, toRequest } from './fixtures.js';

const names = new Map([['0b7a4c2e-0000-4000-8000-00000000b002', 'Team A developers']]);

describe('explain renderer', () => {
  it('shows every grant path with the matched subject, role, rule and upstream reason', () => {
    const policy = loadPolicy('several-paths');
    const r = explainAccess(policy, toRequest({ user: 'alice@contoso.com', groups: ['0b7a4c2e-0000-4000-8000-00000000b002', 'system:authenticated'], verb: 'get', namespace: 'team', resource: 'pods' }), { groupNames: names });
    expect(renderExplain(r, 'table')).toMatchInlineSnapshot(`
      "yes: allowed by RBAC

      Request:  get pods in namespace team
      As:       alice@contoso.com (groups: 0b7a4c2e-0000-4000-8000-00000000b002 (Team A developers), system:authenticated)

      Granted by 3 paths:
        1. ClusterRoleBinding everyone-view-lite
           subject: Group system:authenticated
           role:    ClusterRole view-lite
           rule 0:  verbs: get, list, watch | resources: pods, deployments | apiGroups: "", apps
           RBAC: allowed by ClusterRoleBinding "everyone-view-lite" of ClusterRole "view-lite" to Group "system:authenticated"
        2. RoleBinding team/alice-pods
           subject: User alice@contoso.com
           role:    Role team/pods-all
           rule 0:  verbs: * | resources: pods | apiGroups: ""
           RBAC: allowed by RoleBinding "alice-pods/team" of Role "pods-all" to User "alice@contoso.com"
        3. RoleBinding team/team-view
           subject: Group 0b7a4c2e-0000-4000-8000-00000000b002 (Team A developers)
           role:    ClusterRole view-lite
           rule 0:  verbs: get, list, watch | resources: pods, deployments | apiGroups: "", apps
           RBAC: allowed by RoleBinding "team-view/team" of ClusterRole "view-lite" to Group "0b7a4c2e-0000-4000-8000-00000000b002"

      Risks in what is granted:
        ! Wildcard: uses "*": grants everything of that kind, including resources and verbs added later
      "
    `);
  });

  it('shows near misses, skipped bindings and the smallest fix when denied', () => {
    const policy = loadPolicy('dangling-roleref');
    const r = explainAccess(policy, toRequest({ user: 'dana', groups: ['system:authenticated'], verb: 'get', namespace: 'app', group: 'apps', resource: 'deployments' }));
    expect(renderExplain(r, 'table')).toMatchInlineSnapshot(`
      "no: no RBAC rule allows it

      Request:  get deployments (API group apps) in namespace app
      As:       dana (groups: system:authenticated)

      Near misses:
        - ClusterRoleBinding crb-to-role binds you to Role "deployer", but a ClusterRoleBinding can only refer to a ClusterRole, so it grants nothing
        - RoleBinding app/deployer-missing binds you to Role "deployer-v2", which does not exist (role.rbac.authorization.k8s.io "deployer-v2" not found)

      Smallest fix: create the Role "deployer-v2" that RoleBinding app/deployer-missing already refers to
        kubectl create role deployer-v2 --verb=get --resource=deployments.apps -n app
      "
    `);
  });

  it('reconciles with the server: access granted by another authorizer', () => {
    const policy = loadPolicy('near-misses');
    const r = explainAccess(policy, toRequest({ user: 'frank', verb: 'delete', namespace: 'staging', group: 'apps', resource: 'deployments' }), {
      server: { allowed: true, denied: false, reason: 'Access granted by Azure RBAC role assignment', evaluationError: '' },
    });
    expect(r.allowed).toBe(true);
    expect(r.decidedBy).toBe('other-authorizer');
    expect(r.suggestion).toBeNull();
    expect(renderExplain(r, 'table').split('\n').slice(0, 6).join('\n')).toMatchInlineSnapshot(`
      "yes: allowed by another authorizer, not RBAC

      Request:  delete deployments (API group apps) in namespace staging
      As:       frank
      Server:   allowed (Access granted by Azure RBAC role assignment)
      "
    `);
  });

  it('JSON carries the documented shape', () => {
    const policy = loadPolicy('aggregation');
    const r = explainAccess(policy, toRequest({ user: 'sam', groups: ['6f1c1c1e-0000-4000-8000-00000000a001'], verb: 'list', namespace: 'prod', resource: 'pods' }));
    const j = JSON.parse(renderExplain(r, 'json'));
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['request', 'allowed', 'rbac', 'server', 'warnings']));
    expect(j.request).toEqual({ user: 'sam', groups: ['6f1c1c1e-0000-4000-8000-00000000a001'], verb: 'list', namespace: 'prod', apiGroup: '', resource: 'pods', subresource: '', name: '', nonResourceURL: null });
    expect(j.server).toBeNull();
    expect(j.rbac.matches[0]).toMatchObject({
      binding: { kind: 'ClusterRoleBinding', name: 'sre-monitoring' },
      subject: { kind: 'Group', name: '6f1c1c1e-0000-4000-8000-00000000a001' },
      role: { kind: 'ClusterRole', name: 'monitoring' },
      aggregatedFrom: 'monitoring-endpoints',
      ruleIndex: 0,
      rule: { apiGroups: [''], resources: ['services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
    });
    expect(j.rbac.nearMisses).toEqual([]);
    expect(j.rbac.errors).toEqual([]);
  });
});

describe('list and who-can renderers', () => {
  it('--list prints each granted rule with its binding', () => {
    const policy = loadPolicy('several-paths');
    const who = { user: 'alice@contoso.com', groups: ['system:authenticated'] };
    const l = listAccess(policy, who, 'team');
    const text = renderList({ subject: who, namespace: 'team', entries: l.entries, errors: l.errors, privileged: false, risks: [], serverRules: null, warnings: [] }, 'table');
    expect(text).toMatchInlineSnapshot(`
      "RESOURCES                                        NON-RESOURCE URLS   RESOURCE NAMES   VERBS              GRANTED BY
      pods, pods.apps, deployments, deployments.apps   []                  []               [get list watch]   ClusterRoleBinding everyone-view-lite -> ClusterRole view-lite
      pods                                             []                  []               [*]                RoleBinding team/alice-pods -> Role team/pods-all
      pods, pods.apps, deployments, deployments.apps   []                  []               [get list watch]   RoleBinding team/team-view -> ClusterRole view-lite
      "
    `);
  });

  it('who-can prints every subject with the path, SA namespace filled from the RoleBinding', () => {
    const policy = loadPolicy('sa-namespace-default');
    const req = { verb: 'list', namespace: 'ci', apiGroup: '', resource: 'pods', subresource: '', name: '' };
    const w = whoCan(policy, req);
    const text = renderWhoCan({ request: { ...req, nonResourceURL: null }, allNamespaces: false, entries: w.entries, errors: w.errors, privilegedGroups: w.privilegedGroups, warnings: [] }, 'table');
    expect(text).toMatchInlineSnapshot(`
      "KIND             SUBJECT     NAMESPACE   BINDING                                  ROLE                            NOTE
      ServiceAccount   /deployer   (all)       ClusterRoleBinding deployer-everywhere   ClusterRole pod-reader rule 0   a ServiceAccount subject without a namespace in a ClusterRoleBinding matches nothing
      ServiceAccount   ci/runner   ci          RoleBinding ci/ci-reads-pods             ClusterRole pod-reader rule 0

      Always allowed, before RBAC: Group system:masters
      "
    `);
  });
});

describe('a ServiceAccount subject without a namespace', () => {
  it("is shown with its RoleBinding's namespace, the one the authorizer matched", () => {
    const policy = loadPolicy('sa-namespace-default');
    const r = explainAccess(policy, toRequest({ user: 'system:serviceaccount:ci:runner', verb: 'list', namespace: 'ci', resource: 'pods' }));
    expect(r.rbac!.matches[0]!.subject).toEqual({ kind: 'ServiceAccount', name: 'runner', namespace: 'ci' });
  });
});

describe('when the RBAC objects cannot be read', () => {
  it("reads the binding back from the server's RBAC reason", () => {
    const reason = 'RBAC: allowed by RoleBinding "ci-reads-pods/ci" of ClusterRole "pod-reader" to ServiceAccount "runner/ci"';
    expect(parseRbacReason(reason)).toEqual({
      binding: { kind: 'RoleBinding', name: 'ci-reads-pods', namespace: 'ci' },
      role: { kind: 'ClusterRole', name: 'pod-reader' },
      subject: { kind: 'ServiceAccount', name: 'runner', namespace: 'ci' },
    });
    expect(parseRbacReason('Access allowed by Azure RBAC role assignment x')).toBeNull();
    const r = explainAccess(null, toRequest({ user: 'system:serviceaccount:ci:runner', verb: 'list', namespace: 'ci', resource: 'pods' }), {
      server: { allowed: true, denied: false, reason, evaluationError: '' },
      unreadable: 'you may not list clusterrolebindings',
    });
    expect(r.decidedBy).toBe('rbac');
    expect(r.rbac).toBeNull();
    expect(renderExplain(r, 'table')).toMatchInlineSnapshot(`
      "yes: allowed by RBAC

      Request:  list pods in namespace ci
      As:       system:serviceaccount:ci:runner
      Server:   allowed (RBAC: allowed by RoleBinding "ci-reads-pods/ci" of ClusterRole "pod-reader" to ServiceAccount "runner/ci")

      Granted by (as the server's reason names it; the rules could not be read):
        1. RoleBinding ci/ci-reads-pods
           subject: ServiceAccount ci/runner
           role:    ClusterRole pod-reader

      Note: RBAC could not be explained: you may not list clusterrolebindings; the verdict is the server's.
      "
    `);
  });

  it('--list shows the server rules, saying no binding can be named', () => {
    const text = renderList(
      {
        subject: { user: 'dave', groups: [] },
        namespace: 'team-a',
        entries: [],
        errors: [],
        privileged: false,
        risks: [],
        serverRules: { resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods', 'pods/log'] }], nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }], incomplete: true, evaluationError: '' },
        warnings: [],
      },
      'table',
    );
    expect(text).toMatchInlineSnapshot(`
      "RESOURCES        NON-RESOURCE URLS   RESOURCE NAMES   VERBS
      pods, pods/log   []                  []               [get]
                       [/healthz]          []               [get]

      These are the server's rules (SelfSubjectRulesReview): the RBAC objects could not be read, so no binding is named.
      The list is incomplete (other authorizers, such as Azure RBAC, cannot list rules).
      "
    `);
  });
});

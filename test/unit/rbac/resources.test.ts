import { describe, expect, it } from 'vitest';
import { isClusterScopedResource, parseTarget, qualifiedResource } from '../../../src/rbac/resources.js';
import { ruleRisks } from '../../../src/rbac/risks.js';
import { rule } from './builders.js';

describe('TYPE parsing offline', () => {
  it.each([
    ['pods', '', 'pods', ''],
    ['po', '', 'pods', ''],
    ['pod', '', 'pods', ''],
    ['Pods', '', 'pods', ''],
    ['deploy', 'apps', 'deployments', ''],
    ['deployments.apps', 'apps', 'deployments', ''],
    ['deploy.apps', 'apps', 'deployments', ''],
    ['deployments.v1.apps', 'apps', 'deployments', ''],
    ['pods.v1', '', 'pods', ''],
    ['cm/app-config', '', 'configmaps', 'app-config'],
    ['sa', '', 'serviceaccounts', ''],
    ['svc', '', 'services', ''],
    ['rs', 'apps', 'replicasets', ''],
    ['sts', 'apps', 'statefulsets', ''],
    ['ds', 'apps', 'daemonsets', ''],
    ['cj', 'batch', 'cronjobs', ''],
    ['ing', 'networking.k8s.io', 'ingresses', ''],
    ['netpol', 'networking.k8s.io', 'networkpolicies', ''],
    ['pvc', '', 'persistentvolumeclaims', ''],
    ['pv', '', 'persistentvolumes', ''],
    ['ns', '', 'namespaces', ''],
    ['no', '', 'nodes', ''],
    ['crb', 'rbac.authorization.k8s.io', 'clusterrolebindings', ''],
    ['crd', 'apiextensions.k8s.io', 'customresourcedefinitions', ''],
    ['events', '', 'events', ''],
    ['events.events.k8s.io', 'events.k8s.io', 'events', ''],
    ['widgets.example.com/w1', 'example.com', 'widgets', 'w1'],
    ['*', '', '*', ''],
  ])('%s -> group %j resource %s name %j', (arg, group, resource, name) => {
    const t = parseTarget(arg);
    expect(t).toMatchObject({ kind: 'resource', apiGroup: group, resource, name });
    expect(t.warnings).toEqual([]);
  });

  it('takes an unknown bare name as core, with a warning', () => {
    const t = parseTarget('widgets');
    expect(t).toMatchObject({ kind: 'resource', apiGroup: '', resource: 'widgets' });
    expect(t.warnings.map((w) => w.code)).toEqual(['UnknownResourceType']);
  });

  it('uses a discovery map for names the table does not know', () => {
    const d = new Map([['wid', { group: 'example.com', resource: 'widgets' }]]);
    expect(parseTarget('wid/x', d)).toMatchObject({ apiGroup: 'example.com', resource: 'widgets', name: 'x', warnings: [] });
  });

  it('reads /paths as non-resource URLs', () => {
    expect(parseTarget('/healthz')).toEqual({ kind: 'nonResource', url: '/healthz', warnings: [] });
  });

  it('knows which built-ins are cluster-scoped and how kubectl names resources', () => {
    expect(isClusterScopedResource('nodes', '')).toBe(true);
    expect(isClusterScopedResource('clusterroles', 'rbac.authorization.k8s.io')).toBe(true);
    expect(isClusterScopedResource('pods', '')).toBe(false);
    expect(qualifiedResource('deployments', 'apps')).toBe('deployments.apps');
    expect(qualifiedResource('pods', '')).toBe('pods');
  });
});

describe('risk notes', () => {
  const codes = (r: ReturnType<typeof rule>): string[] => ruleRisks(r).map((x) => x.code);
  it.each([
    [rule({ verbs: ['get'], groups: [''], resources: ['pods'] }), []],
    [rule({ verbs: ['*'], groups: [''], resources: ['configmaps'] }), ['Wildcard']],
    [rule({ verbs: ['list'], groups: [''], resources: ['secrets'] }), ['ReadSecrets']],
    [rule({ verbs: ['get'], groups: [''], resources: ['secrets'], names: ['one'] }), ['ReadSecrets']],
    [rule({ verbs: ['create'], groups: [''], resources: ['pods/exec'] }), ['PodExec']],
    [rule({ verbs: ['create'], groups: [''], resources: ['*/exec'] }), ['PodExec']],
    [rule({ verbs: ['impersonate'], groups: [''], resources: ['serviceaccounts'] }), ['Impersonate']],
    [rule({ verbs: ['impersonate'], groups: ['authentication.k8s.io'], resources: ['userextras/scopes'] }), ['Impersonate']],
    [rule({ verbs: ['bind'], groups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'] }), ['BindEscalate']],
    [rule({ verbs: ['escalate'], groups: ['rbac.authorization.k8s.io'], resources: ['roles'] }), ['BindEscalate']],
    [rule({ verbs: ['get'], groups: [''], resources: ['nodes/proxy'] }), ['NodeProxy']],
    [rule({ verbs: ['get'], urls: ['*'] }), ['Wildcard']],
  ])('%j -> %j', (r, want) => {
    expect(codes(r)).toEqual(want);
  });

  it('flags everything on cluster-admin style rules', () => {
    expect(codes(rule({ verbs: ['*'], groups: ['*'], resources: ['*'] }))).toEqual(['Wildcard', 'ReadSecrets', 'PodExec', 'Impersonate', 'BindEscalate', 'NodeProxy']);
  });
});

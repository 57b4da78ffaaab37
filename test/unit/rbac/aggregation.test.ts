import { describe, expect, it } from 'vitest';
import { resolveClusterRoles } from '../../../src/rbac/aggregation.js';
import { compileSelector } from '../../../src/rbac/selectors.js';
import type { ClusterRole } from '../../../src/rbac/types.js';
import { rule } from './builders.js';

const labelled = (name: string, labels: Record<string, string>, ...rules: ReturnType<typeof rule>[]): ClusterRole => ({ metadata: { name, labels }, rules });

describe('label selectors', () => {
  const l = { app: 'x', tier: 'web' };
  it.each([
    [{}, l, true],
    [{}, undefined, true],
    [{ matchLabels: { app: 'x' } }, l, true],
    [{ matchLabels: { app: 'y' } }, l, false],
    [{ matchLabels: { app: 'x' } }, undefined, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'db'] }] }, l, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }] }, l, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }, l, true],
    [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['db'] }] }, l, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, l, true],
    [{ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, l, false],
    [{ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, l, true],
    [{ matchLabels: { app: 'x' }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, l, false],
  ])('%j on %j -> %s', (sel, labels, want) => {
    expect(compileSelector(sel)(labels)).toBe(want);
  });

  it('rejects invalid requirements', () => {
    expect(() => compileSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toThrow();
    expect(() => compileSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })).toThrow();
    expect(() => compileSelector({ matchExpressions: [{ key: 'a', operator: 'Like' }] })).toThrow();
  });
});

describe('aggregation from manifests', () => {
  const pods = rule({ verbs: ['get'], groups: [''], resources: ['pods'] });
  const deploy = rule({ verbs: ['get'], groups: ['apps'], resources: ['deployments'] });
  const target: ClusterRole = { metadata: { name: 'monitoring' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'agg/monitoring': 'true' } }] }, rules: [] };

  it('unions matching roles by name, dedupes equal rules and records each rule source', () => {
    const r = resolveClusterRoles(
      [target, labelled('b-deploy', { 'agg/monitoring': 'true' }, deploy, pods), labelled('a-pods', { 'agg/monitoring': 'true' }, pods), labelled('other', {}, rule({ verbs: ['*'] }))],
      'compute',
    );
    const m = r.byName.get('monitoring')!;
    expect(m.rules).toEqual([pods, deploy]);
    expect(m.sources).toEqual(['a-pods', 'b-deploy']);
  });

  it('treats a missing list and an empty list as the same rule', () => {
    const r = resolveClusterRoles(
      [target, labelled('a', { 'agg/monitoring': 'true' }, { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: [] }), labelled('b', { 'agg/monitoring': 'true' }, pods)],
      'compute',
    );
    expect(r.byName.get('monitoring')!.rules).toHaveLength(1);
  });

  it('follows nested aggregation to a fixed point and never selects itself', () => {
    const outer: ClusterRole = { metadata: { name: 'outer', labels: { 'agg/monitoring': 'true' } }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'agg/outer': 'true' } }] } };
    const r = resolveClusterRoles([target, outer, labelled('leaf', { 'agg/outer': 'true' }, deploy)], 'compute');
    expect(r.byName.get('outer')!.rules).toEqual([deploy]);
    expect(r.byName.get('monitoring')!.rules).toEqual([deploy]);
    expect(r.byName.get('monitoring')!.sources).toEqual(['leaf']);
  });

  it('keeps the role own rules when nothing is selected (server-side apply leaves them)', () => {
    const own = { ...target, rules: [pods] };
    expect(resolveClusterRoles([own], 'compute').byName.get('monitoring')!.rules).toEqual([pods]);
  });

  it('replaces the role own rules when something is selected', () => {
    const own = { ...target, rules: [pods] };
    expect(resolveClusterRoles([own, labelled('d', { 'agg/monitoring': 'true' }, deploy)], 'compute').byName.get('monitoring')!.rules).toEqual([deploy]);
  });

  it('leaves live rules alone but still finds where they came from', () => {
    const live = { ...target, rules: [deploy] };
    const r = resolveClusterRoles([live, labelled('d', { 'agg/monitoring': 'true' }, deploy, pods)], 'server');
    expect(r.byName.get('monitoring')!.rules).toEqual([deploy]);
    expect(r.byName.get('monitoring')!.sources).toEqual(['d']);
  });

  it('reports an invalid selector and does not aggregate', () => {
    const bad: ClusterRole = { metadata: { name: 'bad' }, aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: 'a', operator: 'In' }] }] } };
    const r = resolveClusterRoles([bad, labelled('x', { a: 'b' }, pods)], 'compute');
    expect(r.byName.get('bad')!.rules).toEqual([]);
    expect(r.problems[0].message).toMatch(/invalid aggregationRule/);
  });
});

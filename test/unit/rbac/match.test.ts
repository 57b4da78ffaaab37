import { describe, expect, it } from 'vitest';
import { missingDimensions, nonResourceURLMatches, ruleAllows } from '../../../src/rbac/match.js';
import { request, rule } from './builders.js';

const pods = request().verb('get').resource('pods');

describe('verbs', () => {
  it.each([
    [['get'], 'get', true],
    [['*'], 'delete', true],
    [['get', 'list'], 'list', true],
    [['GET'], 'get', false],
    [['ge*'], 'get', false],
    [[], 'get', false],
  ])('rule verbs %j, request %s -> %s', (verbs, verb, want) => {
    expect(ruleAllows(request().verb(verb).resource('pods').build(), rule({ verbs, groups: [''], resources: ['pods'] }))).toBe(want);
  });
});

describe('apiGroups', () => {
  it.each([
    [[''], '', true],
    [['*'], 'apps', true],
    [['apps'], 'apps', true],
    [['apps'], '', false],
    [[''], 'apps', false],
    [[], '', false],
    [['Apps'], 'apps', false],
  ])('rule groups %j, request group %j -> %s', (groups, g, want) => {
    expect(ruleAllows(request().group(g).resource('deployments').build(), rule({ verbs: ['get'], groups, resources: ['deployments'] }))).toBe(want);
  });
});

describe('resources and subresources', () => {
  it.each([
    [['pods'], 'pods', '', true],
    [['*'], 'pods', '', true],
    [['*'], 'pods', 'log', true],
    [['pods'], 'pods', 'log', false],
    [['pods/log'], 'pods', 'log', true],
    [['pods/log'], 'pods', '', false],
    [['pods/*'], 'pods', 'log', false],
    [['*/*'], 'pods', 'log', false],
    [['*/log'], 'pods', 'log', true],
    [['*/log'], 'pods', '', false],
    [['*/scale'], 'deployments', 'scale', true],
    [['*/scale'], 'deployments', 'status', false],
    [['*/scal'], 'deployments', 'scale', false],
    [['x/scale'], 'deployments', 'scale', false],
    [['Pods'], 'pods', '', false],
    [[], 'pods', '', false],
  ])('rule resources %j, request %s/%s -> %s', (resources, res, sub, want) => {
    expect(ruleAllows(request().resource(res, sub).build(), rule({ verbs: ['get'], groups: ['*'], resources }))).toBe(want);
  });
});

describe('resourceNames', () => {
  it.each([
    [undefined, 'get', 'a', true],
    [undefined, 'list', '', true],
    [['a'], 'get', 'a', true],
    [['a'], 'get', 'b', false],
    [['a'], 'list', '', false],
    [['a'], 'create', '', false],
    [['a'], 'watch', '', false],
    [['a'], 'deletecollection', '', false],
    [['*'], 'get', 'a', false],
    [['*'], 'get', '*', true],
    [[''], 'list', '', true],
  ])('rule names %j, %s %j -> %s', (names, verb, name, want) => {
    expect(ruleAllows(request().verb(verb).resource('configmaps').name(name).build(), rule({ verbs: ['*'], groups: [''], resources: ['configmaps'], names }))).toBe(want);
  });
});

describe('non-resource URLs', () => {
  it.each([
    [['*'], '/healthz', true],
    [['/healthz'], '/healthz', true],
    [['/healthz'], '/healthz/', false],
    [['/healthz/*'], '/healthz/etcd', true],
    [['/healthz/*'], '/healthz', false],
    [['/apis/*'], '/apis/v1', true],
    [['/apis/*'], '/apis', false],
    [['/apis*'], '/apis', true],
    [['/apis*'], '/apisx', true],
    [['/apis**'], '/apis/x', true],
    [['/a*/b'], '/ax/b', false],
    [['/metrics'], '/Metrics', false],
    [[], '/healthz', false],
  ])('rule urls %j, path %s -> %s', (urls, path, want) => {
    expect(nonResourceURLMatches(rule({ urls }), path)).toBe(want);
    expect(ruleAllows(request().verb('get').url(path).build(), rule({ verbs: ['get'], urls }))).toBe(want);
  });

  it('a resource rule never allows a non-resource request, and the reverse', () => {
    expect(ruleAllows(request().url('/healthz').build(), rule({ verbs: ['*'], groups: ['*'], resources: ['*'] }))).toBe(false);
    expect(ruleAllows(pods.build(), rule({ verbs: ['*'], urls: ['*'] }))).toBe(false);
  });
});

describe('missingDimensions', () => {
  it('names the one thing a rule lacks', () => {
    const base = { verbs: ['get'], groups: [''], resources: ['pods'] };
    expect(missingDimensions(request().verb('delete').resource('pods').build(), rule(base))).toEqual(['verb']);
    expect(missingDimensions(request().verb('get').resource('pods', 'log').build(), rule(base))).toEqual(['subresource']);
    expect(missingDimensions(request().verb('get').group('apps').resource('pods').build(), rule(base))).toEqual(['apiGroup']);
    expect(missingDimensions(request().verb('list').resource('pods').build(), rule({ ...base, verbs: ['list'], names: ['a'] }))).toEqual(['resourceName']);
    expect(missingDimensions(request().verb('get').resource('secrets').build(), rule(base))).toEqual(['resource']);
    expect(missingDimensions(pods.build(), rule(base))).toEqual([]);
  });
});

import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifests, parseManifestText } from '../../../src/kube/manifests.js';
import { InputError } from '../../../src/errors.js';

describe('manifest loader', () => {
  it('reads multi-document YAML and gives namespaced objects the default namespace', () => {
    const objs = parseManifestText(
      ['apiVersion: v1', 'kind: ServiceAccount', 'metadata: {name: a}', '---', '---',
        'apiVersion: rbac.authorization.k8s.io/v1', 'kind: ClusterRole', 'metadata: {name: r}',
        '---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: c, namespace: other}'].join('\n'),
      'x.yaml',
      'team-a',
    );
    expect(objs.map((o) => [o.object.kind, o.object.metadata.namespace, o.source.document])).toEqual([
      ['ServiceAccount', 'team-a', 1],
      ['ClusterRole', undefined, 3],
      ['ConfigMap', 'other', 4],
    ]);
  });

  it('flattens kind: List and reads JSON', () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }] });
    const objs = parseManifestText(json, 'l.json', 'default');
    expect(objs).toHaveLength(1);
    expect(objs[0]!.object.metadata).toEqual({ name: 'p', namespace: 'default' });
  });

  it.each([
    ['kind: Pod\nmetadata: {name: p}\n', /bad.yaml: document 1: Pod has no "apiVersion"/],
    ['apiVersion: v1\nmetadata: {name: p}\n', /bad.yaml: document 1: the document has no "kind"/],
    ['apiVersion: v1\nkind: Pod\n', /bad.yaml: document 1: Pod has no metadata.name/],
    ['a: [1, 2\n', /bad.yaml: document 1, line \d+: invalid YAML/],
    ['- 1\n- 2\n', /not a Kubernetes object/],
    ['apiVersion: v1\nkind: List\nitems:\n- kind: Pod\n', /item 1 of the List has no "apiVersion"|Pod has no "apiVersion"/],
  ])('names the file and document for bad input %#', (text, message) => {
    expect(() => parseManifestText(text, 'bad.yaml', 'default')).toThrow(InputError);
    expect(() => parseManifestText(text, 'bad.yaml', 'default')).toThrow(message);
  });

  it('walks folders recursively in a stable order, skipping other files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifests-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'b.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n');
    writeFileSync(join(dir, 'sub', 'a.yml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
    writeFileSync(join(dir, 'README.md'), '# not a manifest');
    const objs = await loadManifests([dir], { defaultNamespace: 'ns' });
    expect(objs.map((o) => o.object.metadata.name)).toEqual(['b', 'a']);
  });

  it('reports a missing path in one line', async () => {
    await expect(loadManifests(['/nonexistent/x.yaml'], { defaultNamespace: 'default' })).rejects.toThrow(
      'the path "/nonexistent/x.yaml" does not exist',
    );
  });
});

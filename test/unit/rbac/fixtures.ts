// Loads a scenario under test/fixtures/rbac/<name>/: its manifests, through the same loader and snapshot
// builder as `-f`, and its cases.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseManifestText } from '../../../src/kube/manifests.js';
import { RbacPolicy } from '../../../src/rbac/policy.js';
import { snapshotFromObjects } from '../../../src/rbac/snapshot.js';
import type { AccessRequest } from '../../../src/rbac/types.js';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'rbac');

export function scenarios(): string[] {
  return readdirSync(FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export function loadPolicy(name: string, defaultNamespace = 'default'): RbacPolicy {
  const dir = join(FIXTURES, name);
  const objects = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'cases.yaml')
    .sort()
    .flatMap((f) => parseManifestText(readFileSync(join(dir, f), 'utf8'), f, defaultNamespace).map((o) => o.object));
  return new RbacPolicy(snapshotFromObjects(objects, 'compute').snapshot);
}

export interface Case {
  ask: { user: string; groups?: string[]; verb: string; namespace?: string; group?: string; resource?: string; subresource?: string; name?: string; url?: string };
  allowed: boolean;
  paths?: string[];
  nearMisses?: string[];
  errors?: number;
  reason?: string;
  suggestion?: string;
}

export function loadCases(name: string): Case[] {
  return parse(readFileSync(join(FIXTURES, name, 'cases.yaml'), 'utf8')) as Case[];
}

export function toRequest(a: Case['ask']): AccessRequest {
  const r: AccessRequest = {
    user: a.user,
    groups: a.groups ?? [],
    verb: a.verb,
    namespace: a.namespace ?? '',
    apiGroup: a.group ?? '',
    resource: a.resource ?? '',
    subresource: a.subresource ?? '',
    name: a.name ?? '',
  };
  if (a.url !== undefined) r.nonResourceURL = a.url;
  return r;
}

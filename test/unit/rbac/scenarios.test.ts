// Scenario tests: each folder under test/fixtures/rbac holds manifests and the questions asked of them.
import { describe, expect, it } from 'vitest';
import { explainAccess } from '../../../src/rbac/explain.js';
import { loadCases, loadPolicy, scenarios, toRequest } from './fixtures.js';

for (const name of scenarios()) {
  describe(`scenario ${name}`, () => {
    const policy = loadPolicy(name);
    for (const c of loadCases(name)) {
      const a = c.ask;
      const title = `${a.user} ${a.verb} ${a.url ?? [a.resource, a.subresource].filter(Boolean).join('/') + (a.group ? '.' + a.group : '')}${a.name ? ' ' + a.name : ''} in ${JSON.stringify(a.namespace ?? '')} -> ${c.allowed ? 'allowed' : 'denied'}`;
      it(title, () => {
        const r = explainAccess(policy, toRequest(a));
        expect(r.allowed).toBe(c.allowed);
        expect(r.rbac!.allowed).toBe(c.allowed);
        if (c.paths) {
          expect(
            r.rbac!.matches.map(
              (m) =>
                `${m.binding.kind} ${m.binding.namespace ? m.binding.namespace + '/' : ''}${m.binding.name} -> ${m.role.kind} ${m.role.name} #${m.ruleIndex}${m.aggregatedFrom ? ' from ' + m.aggregatedFrom : ''}`,
            ),
          ).toEqual(c.paths);
        }
        if (c.reason) expect(r.rbac!.reason).toBe(c.reason);
        if (c.nearMisses) expect(r.rbac!.nearMisses.map((n) => (n.missing ? `${n.kind}:${n.missing}` : n.kind)).sort()).toEqual([...c.nearMisses].sort());
        if (c.errors !== undefined) expect(r.rbac!.errors).toHaveLength(c.errors);
        if (c.suggestion) expect(r.suggestion?.commands[0]).toBe(c.suggestion);
        if (c.allowed) expect(r.suggestion).toBeNull();
      });
    }
  });
}

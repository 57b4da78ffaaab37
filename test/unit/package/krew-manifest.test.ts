// The krew manifest that `npm run package` writes: rendered from krew/entra.yaml as krew-release-bot
// would, with the sums of the archives at hand, and shaped the way krew's validation wants.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderKrewManifest } from '../../../scripts/sea/krew-manifest.mjs';
import { TARGETS, archiveName } from '../../../scripts/sea/targets.mjs';

const template = readFileSync(join(__dirname, '..', '..', '..', 'krew', 'entra.yaml'), 'utf8');
const sumOf = (file: string) => (file.length.toString(16) + 'ab').repeat(64).slice(0, 64);

interface Platform {
  selector: { matchLabels: { os: string; arch: string } };
  uri: string;
  sha256: string;
  bin: string;
}

function render(tag: string, have: (file: string) => boolean = () => true, baseUrl?: string) {
  const r = renderKrewManifest(template, tag, (f) => (have(f) ? sumOf(f) : undefined), { baseUrl });
  return { ...r, manifest: parse(r.text) as { apiVersion: string; kind: string; metadata: { name: string }; spec: Record<string, unknown> & { platforms: Platform[] } } };
}

describe('krew manifest', () => {
  it('has the fields krew requires, with the tag as version', () => {
    const { manifest, text } = render('v1.2.3');
    expect(text).not.toMatch(/\{\{|\}\}/);
    expect(manifest.apiVersion).toBe('krew.googlecontainertools.github.com/v1alpha2');
    expect(manifest.kind).toBe('Plugin');
    expect(manifest.metadata.name).toBe('entra');
    expect(manifest.spec.version).toBe('v1.2.3');
    expect(manifest.spec.homepage).toMatch(/^https:\/\//);
    expect(String(manifest.spec.shortDescription).length).toBeLessThanOrEqual(50);
    expect(manifest.spec.description).toBeTruthy();
    expect(manifest.spec.caveats).toMatch(/RoleBindings/);
    expect(manifest.spec.caveats).toMatch(/SelfSubjectReviews/);
    expect(manifest.spec.caveats).toMatch(/Microsoft Graph/);
  });

  it('names one archive per platform, with its sha256, and the bin krew links', () => {
    const { manifest, included, omitted } = render('v1.2.3');
    expect(omitted).toEqual([]);
    const seen = manifest.spec.platforms.map((p) => `${p.selector.matchLabels.os}/${p.selector.matchLabels.arch}`);
    expect(seen.sort()).toEqual(Object.keys(TARGETS).sort());
    for (const p of manifest.spec.platforms) {
      const target = `${p.selector.matchLabels.os}/${p.selector.matchLabels.arch}`;
      const file = archiveName(target, 'v1.2.3');
      expect(p.uri).toBe(`https://github.com/kubectl-entra/kubectl-entra/releases/download/v1.2.3/${file}`);
      expect(p.sha256).toBe(sumOf(file));
      expect(p.bin).toBe(TARGETS[target].exe);
    }
    expect(included).toHaveLength(5);
  });

  it('leaves out platforms whose archive was not built, keeping the rest intact', () => {
    const { manifest, omitted } = render('v0.1.0', (f) => f.includes('linux'));
    expect(manifest.spec.platforms.map((p) => p.selector.matchLabels.os)).toEqual(['linux', 'linux']);
    expect(omitted).toEqual(['kubectl-entra_v0.1.0_darwin_amd64.tar.gz', 'kubectl-entra_v0.1.0_darwin_arm64.tar.gz', 'kubectl-entra_v0.1.0_windows_amd64.zip']);
    expect(manifest.spec.platforms[1].sha256).toBe(sumOf('kubectl-entra_v0.1.0_linux_arm64.tar.gz'));
    expect(manifest.spec.caveats).toMatch(/SelfSubjectReviews/);
  });

  it('points the URIs at another base when asked (a local server in tests)', () => {
    const { manifest } = render('v0.1.0', () => true, 'http://127.0.0.1:8080/dist/');
    expect(manifest.spec.platforms[0].uri).toBe('http://127.0.0.1:8080/dist/kubectl-entra_v0.1.0_linux_amd64.tar.gz');
  });

  it('refuses a version krew would reject, and a manifest with no platform', () => {
    expect(() => render('0.1.0')).toThrow(/v1\.2\.3/);
    expect(() => render('v0.1.0', () => false)).toThrow(/no archive/);
  });
});

// Release archives are written by scripts/sea/archive.mjs; krew and users unpack them with ordinary
// tools, so check them with tar and unzip, and check that the same input gives the same bytes.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { tarGz, zip, type Entry } from '../../../scripts/sea/archive.mjs';

const dir = mkdtempSync(join(tmpdir(), 'kubectl-entra-archive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mtime = 1_767_225_600; // 2026-01-01T00:00:00Z
const entries: Entry[] = [
  { name: 'kubectl-entra', data: randomBytes(70_000), mode: 0o755 },
  { name: 'LICENSE', data: Buffer.from('Apache License\nVersion 2.0\n'), mode: 0o644 },
  { name: 'empty', data: Buffer.alloc(0), mode: 0o644 },
];
const hasUnzip = spawnSync('unzip', ['-v'], { stdio: 'ignore' }).status === 0;

function unpacked(sub: string, name: string): Buffer {
  return readFileSync(join(dir, sub, name));
}

describe('tar.gz', () => {
  const file = join(dir, 'a.tar.gz');
  writeFileSync(file, tarGz(entries, mtime));

  it('unpacks with tar to the same files, modes and time', () => {
    execFileSync('mkdir', ['-p', join(dir, 'tar')]);
    execFileSync('tar', ['-xzf', file, '-C', join(dir, 'tar')]);
    for (const e of entries) {
      expect(unpacked('tar', e.name).equals(e.data)).toBe(true);
      const st = statSync(join(dir, 'tar', e.name));
      expect(st.mode & 0o777).toBe(e.mode);
      expect(Math.floor(st.mtimeMs / 1000)).toBe(mtime);
    }
    const listing = execFileSync('tar', ['-tzvf', file], { encoding: 'utf8' });
    expect(listing).toMatch(/root\/root/);
    expect(listing.trim().split('\n').map((l) => l.split(/\s+/).pop())).toEqual(entries.map((e) => e.name));
  });

  it('is byte-for-byte reproducible', () => {
    expect(tarGz(entries, mtime).equals(readFileSync(file))).toBe(true);
    expect(tarGz(entries, mtime + 1).equals(readFileSync(file))).toBe(false);
  });
});

describe.skipIf(!hasUnzip)('zip', () => {
  const file = join(dir, 'a.zip');
  writeFileSync(file, zip(entries, mtime));

  it('passes unzip -t and unpacks to the same files with their Unix modes', () => {
    expect(execFileSync('unzip', ['-t', file], { encoding: 'utf8' })).toMatch(/No errors detected/);
    execFileSync('unzip', ['-q', file, '-d', join(dir, 'zip')]);
    for (const e of entries) {
      expect(unpacked('zip', e.name).equals(e.data)).toBe(true);
      expect(statSync(join(dir, 'zip', e.name)).mode & 0o777).toBe(e.mode);
    }
  });

  it('is byte-for-byte reproducible', () => {
    expect(zip(entries, mtime).equals(readFileSync(file))).toBe(true);
  });
});

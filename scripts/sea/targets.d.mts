// Types of targets.mjs for the TypeScript tests and benches.
export const NODE_VERSION: string;
export interface Target {
  os: 'linux' | 'darwin' | 'windows';
  arch: 'amd64' | 'arm64';
  nodePlatform: string;
  nodeArch: string;
  exe: string;
  archive: 'tar.gz' | 'zip';
  npm: { name: string; version: string; binPath: string; integrity: string } | null;
}
export const TARGETS: Record<string, Target>;
export function hostTarget(): string;
export function archiveName(target: string, tag: string): string;

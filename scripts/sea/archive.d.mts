// Types of archive.mjs for the TypeScript tests.
export interface Entry {
  name: string;
  data: Buffer;
  mode: number;
}
export function tarGz(entries: Entry[], mtime: number): Buffer;
export function zip(entries: Entry[], mtime: number): Buffer;

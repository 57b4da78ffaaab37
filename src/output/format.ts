// Shared rendering primitives: JSON, YAML, kubectl-style borderless tables and optional colour.
// Pure: callers decide whether colour is on (TTY and no NO_COLOR) and pass it in.
import Table from 'cli-table3';
import { stringify } from 'yaml';

export type OutputFormat = 'table' | 'json' | 'yaml';

export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}

export interface Style {
  color: boolean;
}

const codes = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39] } as const;
export type Paint = (text: string) => string;

export function painter(style: Style): Record<keyof typeof codes, Paint> {
  const make = (k: keyof typeof codes): Paint =>
    style.color ? (t) => `\u001b[${codes[k][0]}m${t}\u001b[${codes[k][1]}m` : (t) => t;
  return { bold: make('bold'), dim: make('dim'), red: make('red'), green: make('green'), yellow: make('yellow'), cyan: make('cyan') };
}

const borderless = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '   ',
};

/** A kubectl-style table: upper-case headers, columns separated by three spaces, no borders. */
export function table(head: string[], rows: string[][]): string {
  const t = new Table({
    head: head.map((h) => h.toUpperCase()),
    chars: borderless,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  for (const r of rows) t.push(r);
  return t.toString().split('\n').map((l) => l.trimEnd()).join('\n') + '\n';
}

/** Two columns of "Key:  value" lines, for a single object's facts. */
export function keyValues(pairs: Array<[string, string | undefined | null]>, paint?: Paint): string {
  const shown = pairs.filter((p): p is [string, string] => p[1] !== undefined && p[1] !== null && p[1] !== '');
  const width = Math.max(0, ...shown.map(([k]) => k.length + 1));
  return shown.map(([k, v]) => `${(paint ?? ((s: string) => s))((k + ':').padEnd(width))}  ${v}`).join('\n') + (shown.length ? '\n' : '');
}

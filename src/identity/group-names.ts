// Parses a `--group-names FILE`: Entra group object id -> display name, for naming groups offline.
// Accepted shapes, told apart by the first character:
//   JSON object   {"<id>": "<name>", ...}
//   JSON array    [{"id": "<id>", "displayName": "<name>"}, ...]  (`az ad group list` output; `objectId`, `name` also work)
//   Graph reply   {"value": [{"id": ..., "displayName": ...}]}
//   CSV / TSV     id,name (or id<TAB>name) per line, optional header row, `#` comments, "quoted, fields"
// Pure: the caller reads the file. Bad input is an InputError naming the file and line.
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { InputError } from '../errors.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEADER_ID = /^(id|object ?id|group ?id|group ?object ?id)$/i;

class Collector {
  readonly names = new Map<string, string>();
  private readonly lines = new Map<string, number>();
  constructor(private readonly fileName: string) {}

  fail(line: number | undefined, message: string): never {
    throw new InputError(`${this.fileName}${line ? `:${line}` : ''}: ${message}`);
  }

  add(id: unknown, name: unknown, line: number | undefined): void {
    if (typeof id !== 'string' || !GUID.test(id.trim())) {
      this.fail(line, `${JSON.stringify(id ?? null)} is not a group object id (expected a GUID such as 1f5d9b3e-6a28-4c71-b4e0-93d7c2a85f16)`);
    }
    if (typeof name !== 'string' || name.trim() === '') this.fail(line, `group ${id.trim()} has no name`);
    const key = id.trim().toLowerCase();
    const value = name.trim();
    const prev = this.names.get(key);
    if (prev !== undefined && prev !== value) {
      this.fail(line, `group ${key} is listed twice with different names (${JSON.stringify(prev)} on line ${this.lines.get(key)}, ${JSON.stringify(value)} here)`);
    }
    this.names.set(key, value);
    if (line && !this.lines.has(key)) this.lines.set(key, line);
  }
}

export function groupNamesFromFile(text: string, fileName: string): Map<string, string> {
  const body = text.replace(/^\uFEFF/, '');
  const first = body.trimStart()[0];
  if (first === undefined) throw new InputError(`${fileName}: empty file (expected JSON {"<group id>": "<name>"} or CSV lines <group id>,<name>)`);
  return first === '{' || first === '[' ? fromJson(body, fileName) : fromCsv(body, fileName);
}

function fromJson(text: string, fileName: string): Map<string, string> {
  const c = new Collector(fileName);
  const lineOf = (offset: number | undefined): number | undefined =>
    offset === undefined ? undefined : text.slice(0, offset).split('\n').length;
  try {
    JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const lc = /line (\d+)/.exec(msg);
    c.fail(lc ? Number(lc[1]) : lineOf(pos ? Number(pos[1]) : undefined), `invalid JSON: ${msg.replace(/^JSON\.parse: /, '')}`);
  }
  // Valid JSON is valid YAML; the YAML parser keeps source ranges, so errors can name the line.
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  const line = (n: YamlNode | null | undefined): number | undefined => (n?.range ? lineCounter.linePos(n.range[0]).line : undefined);
  let root: unknown = doc.contents;

  if (isMap(root)) {
    const value = root.items.find((p) => isScalar(p.key) && p.key.value === 'value');
    if (value && isSeq(value.value)) root = value.value;
  }
  if (isMap(root)) {
    for (const pair of root.items) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      const value = isScalar(pair.value) ? pair.value.value : undefined;
      c.add(key, value, line(pair.key as YamlNode));
    }
  } else if (isSeq(root)) {
    for (const item of root.items as unknown[]) {
      const at = line(item as YamlNode);
      if (!isMap(item)) return c.fail(at, 'expected an object with "id" and "displayName"');
      const pairs = item.items as { key: unknown; value: unknown }[];
      const get = (k: string): unknown => {
        const p = pairs.find((x) => isScalar(x.key) && x.key.value === k);
        return p && isScalar(p.value) ? p.value.value : undefined;
      };
      c.add(get('id') ?? get('objectId'), get('displayName') ?? get('name'), at);
    }
  } else {
    c.fail(1, 'expected a JSON object {"<group id>": "<name>"} or an array of {"id", "displayName"}');
  }
  return c.names;
}

/** Splits one CSV line, honouring "quoted, fields" and "" escapes. */
function csvFields(line: string, sep: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    let field = '';
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return undefined; // unterminated quote
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (i < line.length && line[i] !== sep) return undefined;
    } else {
      const end = line.indexOf(sep, i);
      field = (end < 0 ? line.slice(i) : line.slice(i, end)).trim();
      i = end < 0 ? line.length : end;
    }
    out.push(field);
    i++;
  }
  return out;
}

function fromCsv(text: string, fileName: string): Map<string, string> {
  const c = new Collector(fileName);
  const lines = text.split(/\r?\n/);
  let sawRow = false;
  lines.forEach((raw, idx) => {
    const n = idx + 1;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    // Tab-separated when the line has a tab and no comma (`az ad group list -o tsv` style).
    const fields = csvFields(raw, raw.includes('\t') && !raw.includes(',') ? '\t' : ',');
    if (!fields) return c.fail(n, 'unterminated quoted field');
    if (!sawRow && fields[0] !== undefined && HEADER_ID.test(fields[0])) {
      sawRow = true;
      return; // header row
    }
    sawRow = true;
    if (fields.length < 2) c.fail(n, `expected "<group id>,<name>", got ${JSON.stringify(raw.trim())}`);
    c.add(fields[0], fields[1], n);
  });
  if (c.names.size === 0) c.fail(undefined, 'no groups found (expected lines "<group id>,<name>")');
  return c.names;
}

// Pure: parses a --group-names file that maps Entra group object ids to display names, for offline use.
// Accepted forms: a JSON object {"<id>": "<name>"}, a JSON array [{id, displayName}] (what
// `az ad group list -o json` prints), or CSV/TSV lines "id,name" with an optional header.
import { InputError } from '../errors.js';

export function groupNamesFromFile(text: string, fileName: string): Map<string, string> {
  const trimmed = text.trim();
  if (trimmed === '') return new Map();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return fromJson(trimmed, fileName);
  return fromCsv(text, fileName);
}

function fromJson(text: string, fileName: string): Map<string, string> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`--group-names file "${fileName}" is not valid JSON: ${(e as Error).message}`);
  }
  const out = new Map<string, string>();
  if (Array.isArray(data)) {
    data.forEach((entry, i) => {
      const e = entry as Record<string, unknown>;
      const id = e?.id ?? e?.objectId;
      const name = e?.displayName ?? e?.name;
      if (typeof id !== 'string' || typeof name !== 'string') {
        throw new InputError(`--group-names file "${fileName}": entry ${i + 1} needs string "id" and "displayName"`);
      }
      out.set(id.toLowerCase(), name);
    });
    return out;
  }
  if (typeof data === 'object' && data !== null) {
    for (const [id, name] of Object.entries(data)) {
      if (typeof name !== 'string') throw new InputError(`--group-names file "${fileName}": the name of "${id}" is not a string`);
      out.set(id.toLowerCase(), name);
    }
    return out;
  }
  throw new InputError(`--group-names file "${fileName}" must hold a JSON object or array`);
}

function fromCsv(text: string, fileName: string): Map<string, string> {
  const out = new Map<string, string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const sep = line.includes('\t') ? '\t' : ',';
    const at = line.indexOf(sep);
    if (at < 0) throw new InputError(`--group-names file "${fileName}", line ${i + 1}: expected "id${sep}name"`);
    const id = unquote(line.slice(0, at));
    const name = unquote(line.slice(at + 1));
    if (i === 0 && /^(id|objectid|group ?id)$/i.test(id)) return;
    if (!id || !name) throw new InputError(`--group-names file "${fileName}", line ${i + 1}: expected "id${sep}name"`);
    out.set(id.toLowerCase(), name);
  });
  return out;
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t;
}

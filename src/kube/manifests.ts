// Reads Kubernetes manifests from files, folders (recursively) or stdin for the -f flag of every
// command: multi-document YAML, JSON, and `kind: List`. Objects without a namespace get the one
// `kubectl apply` would give them (-n, else default) unless their kind is cluster-scoped.
import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { InputError } from '../errors.js';
import type { KubeObject } from '../kube-object.js';

export type { KubeObject } from '../kube-object.js';

export interface ManifestSource {
  file: string;
  /** 1-based document number within the file. */
  document: number;
}

export interface LoadedObject {
  object: KubeObject;
  source: ManifestSource;
}

/** Built-in kinds that have no namespace; everything else is treated as namespaced, as kubectl would. */
const CLUSTER_SCOPED_KINDS = new Set([
  'APIService', 'CertificateSigningRequest', 'ClusterRole', 'ClusterRoleBinding', 'ComponentStatus', 'CSIDriver',
  'CSINode', 'CustomResourceDefinition', 'FlowSchema', 'IngressClass', 'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding', 'MutatingWebhookConfiguration', 'Namespace', 'Node', 'PersistentVolume',
  'PriorityClass', 'PriorityLevelConfiguration', 'RuntimeClass', 'StorageClass', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration', 'VolumeAttachment', 'VolumeAttributesClass',
  'DeviceClass', 'ResourceSlice',
]);

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export function isClusterScopedKind(kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind);
}

export function describeSource(s: ManifestSource): string {
  return `${s.file} (document ${s.document})`;
}

export function describeObject(o: KubeObject): string {
  const ns = o.metadata?.namespace ? `${o.metadata.namespace}/` : '';
  return `${o.kind} ${ns}${o.metadata?.name ?? '<no name>'}`;
}

/**
 * Loads every object from `paths` (files, folders or "-" for stdin), in a stable order.
 * Throws InputError naming the file and document on the first thing that is not a Kubernetes object.
 */
export async function loadManifests(
  paths: string[],
  opts: { defaultNamespace: string; readStdin?: () => Promise<string> },
): Promise<LoadedObject[]> {
  const out: LoadedObject[] = [];
  for (const p of paths) {
    if (p === '-') {
      const text = await (opts.readStdin ?? readStdin)();
      out.push(...parseManifestText(text, '<stdin>', opts.defaultNamespace));
      continue;
    }
    for (const file of await expand(p)) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      out.push(...parseManifestText(text, file, opts.defaultNamespace));
    }
  }
  return out;
}

async function expand(path: string): Promise<string[]> {
  let s;
  try {
    s = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `the path "${path}" does not exist` : `cannot read ${path}: ${code}`);
  }
  if (!s.isDirectory()) return [path];
  const files: string[] = [];
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const child = join(path, e.name);
    if (e.isDirectory()) files.push(...(await expand(child)));
    else if (MANIFEST_EXTENSIONS.has(extname(e.name).toLowerCase())) files.push(child);
  }
  return files;
}

/** Parses one file's text. Exported for tests and for callers that already hold the text. */
export function parseManifestText(text: string, file: string, defaultNamespace: string): LoadedObject[] {
  const out: LoadedObject[] = [];
  const docs = parseAllDocuments(text, { prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, i) => {
    const source = { file, document: i + 1 };
    if (doc.errors.length > 0) {
      const err = doc.errors[0]!;
      const line = err.linePos?.[0]?.line;
      throw new InputError(`${file}: document ${i + 1}${line ? `, line ${line}` : ''}: invalid YAML: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return;
    addObject(value, source, defaultNamespace, out, 'document');
  });
  return out;
}

function addObject(value: unknown, source: ManifestSource, defaultNamespace: string, out: LoadedObject[], what: string): void {
  const where = `${source.file}: document ${source.document}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(`${where}: the ${what} is not a Kubernetes object (expected a mapping with apiVersion and kind)`);
  }
  const o = value as Record<string, unknown>;
  const kind = o.kind;
  if (typeof kind !== 'string' || kind === '') throw new InputError(`${where}: the ${what} has no "kind"`);
  if (kind === 'List' || (kind.endsWith('List') && Array.isArray(o.items))) {
    if (!Array.isArray(o.items)) throw new InputError(`${where}: ${kind} has no "items" list`);
    o.items.forEach((item, j) => addObject(item, source, defaultNamespace, out, `item ${j + 1} of the ${kind}`));
    return;
  }
  if (typeof o.apiVersion !== 'string' || o.apiVersion === '') throw new InputError(`${where}: ${kind} has no "apiVersion"`);
  const metadata = o.metadata;
  if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))) {
    throw new InputError(`${where}: ${kind} has a "metadata" that is not a mapping`);
  }
  const meta = { ...((metadata as Record<string, unknown>) ?? {}) } as KubeObject['metadata'];
  if (typeof meta.name !== 'string' || meta.name === '') {
    throw new InputError(`${where}: ${kind} has no metadata.name`);
  }
  if (!isClusterScopedKind(kind) && (meta.namespace === undefined || meta.namespace === '')) meta.namespace = defaultNamespace;
  out.push({ object: { ...(o as object), apiVersion: o.apiVersion, kind, metadata: meta } as KubeObject, source });
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    if (process.stdin.isTTY) {
      reject(new InputError('-f - reads manifests from stdin, but stdin is a terminal'));
      return;
    }
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

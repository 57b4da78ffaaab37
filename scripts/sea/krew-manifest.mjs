// Renders the krew manifest template (krew-release-bot syntax: `{{ .TagName }}` and
// `{{ addURIAndSha "<url with {{ .TagName }}>" .TagName }}`) the way the bot does, with sha256 sums of
// archives at hand. Platforms whose archive is not at hand are left out: a manifest never names a
// file whose sum it does not know.
import { parseDocument } from 'yaml';

const TAG = /\{\{\s*\.TagName\s*\}\}/g;
const ADD_URI_AND_SHA = /^([ \t]*)\{\{\s*addURIAndSha\s+"((?:[^"\\]|\\.)*)"\s+\.TagName\s*\}\}[ \t]*$/gm;
const MISSING = '__kubectl_entra_archive_not_built__';

/**
 * @param {string} template  text of krew/entra.yaml
 * @param {string} tag       release tag, e.g. v0.1.0
 * @param {(fileName: string) => string | undefined} sha256Of  sum of the archive with that file name, if built
 * @param {{ baseUrl?: string }} [opts]  baseUrl replaces everything before the file name in each URI
 * @returns {{ text: string, included: string[], omitted: string[] }} file names kept and dropped
 */
export function renderKrewManifest(template, tag, sha256Of, opts = {}) {
  if (!/^v\d+\.\d+\.\d+/.test(tag)) throw new Error(`krew wants a version like v1.2.3, got ${JSON.stringify(tag)}`);
  const included = [];
  const omitted = [];
  let text = template.replace(ADD_URI_AND_SHA, (_, indent, rawUrl) => {
    const url = rawUrl.replace(TAG, tag);
    const file = url.slice(url.lastIndexOf('/') + 1);
    const uri = opts.baseUrl ? `${opts.baseUrl.replace(/\/+$/, '')}/${file}` : url;
    const sum = sha256Of(file);
    if (!sum) {
      omitted.push(file);
      return `${indent}uri: ${MISSING}`;
    }
    included.push(file);
    return `${indent}uri: ${uri}\n${indent}sha256: ${sum}`;
  });
  text = text.replace(TAG, tag);
  if (/\{\{|\}\}/.test(text)) throw new Error('krew template: a template action is left that this renderer does not know');

  const doc = parseDocument(text);
  if (doc.errors.length) throw new Error(`krew template: ${doc.errors[0].message}`);
  if (omitted.length) {
    const platforms = doc.getIn(['spec', 'platforms']);
    platforms.items = platforms.items.filter((p) => p.get('uri') !== MISSING);
    text = doc.toString({ lineWidth: 0, indentSeq: false });
  }
  if (included.length === 0) throw new Error('krew manifest: no archive for any platform');
  return { text, included, omitted };
}

// Refreshes the example outputs in README.md between <!-- output: NAME --> markers by running the
// bundled demo commands, so the README always shows what the plugin really prints.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readmePath = join(root, 'README.md');
let readme = readFileSync(readmePath, 'utf8');
const re = /<!-- output: (.+?) -->\n```text\n\$ (.+?)\n[\s\S]*?```/g;
readme = readme.replace(re, (_m, name, command) => {
  const args = command.replace(/^kubectl entra /, '').match(/(?:[^\s"]+|"[^"]*")+/g).map((a) => a.replace(/^"|"$/g, ''));
  const r = spawnSync(process.execPath, [join(root, 'bin', 'kubectl-entra'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const stderr = r.stderr.trim() ? `\n${r.stderr.trimEnd()}` : '';
  const text = `${r.stdout.trimEnd()}${stderr}`.split(root + "/").join("");
  return `<!-- output: ${name} -->\n\`\`\`text\n$ ${command}\n${text}\n\`\`\``;
});
writeFileSync(readmePath, readme);

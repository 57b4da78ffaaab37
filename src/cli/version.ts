// `kubectl entra version`: the plugin version, the git commit it was built from, and the Node.js runtime.
import type { CommandModule } from 'yargs';
import { ExitCode } from '../errors.js';
import { outputFormat, verbosity, type GlobalFlags } from './flags.js';
import { runCommand, programName } from './run.js';
import { keyValues, toJson, toYaml } from '../output/format.js';

declare const __VERSION__: string;
declare const __COMMIT__: string;

export function versionInfo(): { version: string; gitCommit: string; nodeVersion: string; platform: string } {
  return {
    version: typeof __VERSION__ === 'string' ? `v${__VERSION__}` : 'v0.0.0-dev',
    gitCommit: typeof __COMMIT__ === 'string' ? __COMMIT__ : 'unknown',
    nodeVersion: process.version,
    platform: `${process.platform}/${process.arch}`,
  };
}

export const versionCommand: CommandModule<GlobalFlags, GlobalFlags & { output?: string }> = {
  command: 'version',
  describe: 'Print the plugin version, git commit and Node.js version',
  builder: (y) =>
    y
      .option('output', { alias: 'o', type: 'string', describe: 'Output format: table|json|yaml' })
      .example(`${programName()} version`, 'Show the version')
      .example(`${programName()} version -o json`, 'Version as JSON'),
  handler: (argv) =>
    runCommand({ programName: programName(), commandName: 'version', verbosity: verbosity(argv.v) }, async () => {
      const format = outputFormat(argv.output);
      const v = versionInfo();
      const stdout =
        format === 'json'
          ? toJson(v)
          : format === 'yaml'
            ? toYaml(v)
            : keyValues([
                ['Version', v.version],
                ['Git commit', v.gitCommit],
                ['Node.js', v.nodeVersion],
                ['Platform', v.platform],
              ]);
      return { stdout, exitCode: ExitCode.OK };
    }),
};

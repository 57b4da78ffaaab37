// Entry point of kubectl-entra: builds the yargs command line. Each command lives in its own file
// and loads its heavy modules only when it runs, so `--help` stays fast.
import yargs from 'yargs';
import { globalFlags } from './flags.js';
import { reportError, programName } from './run.js';
import { whoamiCommand } from './whoami.js';
import { explainAccessCommand } from './explain-access.js';
import { podIdentityMigrateCommand } from './pod-identity-migrate.js';
import { versionCommand } from './version.js';
import { UsageError } from '../errors.js';

export async function main(argv: string[]): Promise<void> {
  const name = programName();
  const parser = globalFlags(yargs(argv))
    .scriptName(name)
    .usage(
      `${name}: who you are, what you may do and how to leave pod-managed identity on AKS clusters with Microsoft Entra ID.\n\nUsage: ${name} <command> [flags]`,
    )
    .command(whoamiCommand)
    .command(explainAccessCommand)
    .command(podIdentityMigrateCommand)
    .command(versionCommand)
    .demandCommand(1, 'a command is required')
    .recommendCommands()
    .strict()
    .version(false)
    .help('help')
    .alias('help', 'h')
    .wrap(Math.min(120, process.stdout.columns || 100))
    .epilogue('Exit codes: 0 ok or allowed, 1 denied, 2 usage error, 3 runtime error (kubeconfig, cluster, input).')
    .fail((msg, err) => {
      // yargs calls this for parse errors; errors thrown by handlers are handled by runCommand.
      throw err ?? new UsageError(msg);
    });
  try {
    await parser.parseAsync();
  } catch (e) {
    const command = typeof argv[0] === 'string' && !argv[0].startsWith('-') ? argv[0] : '';
    const code = reportError({ programName: name, commandName: command, verbosity: 0 }, e instanceof UsageError ? e : new UsageError(String((e as Error)?.message ?? e)));
    process.exitCode = code;
  }
}

void main(process.argv.slice(2));

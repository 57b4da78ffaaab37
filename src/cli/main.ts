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

const KNOWN_COMMANDS = ['whoami', 'who-am-i', 'explain-access', 'can-i-explain', 'pod-identity-migrate', 'version', 'help'];

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
      if (err) throw err;
      const first = argv.find((a) => !a.startsWith('-'));
      if (first && !KNOWN_COMMANDS.includes(first) && msg.startsWith('Unknown argument')) {
        throw new UsageError(`unknown command "${first}" for "${name}"`);
      }
      throw new UsageError(msg.replace(/^Unknown argument/, 'unknown flag or argument'));
    });
  try {
    await parser.parseAsync();
  } catch (e) {
    const first = argv.find((a) => !a.startsWith('-'));
    const command = first && KNOWN_COMMANDS.includes(first) ? first : '';
    const code = reportError({ programName: name, commandName: command, verbosity: 0 }, e instanceof UsageError ? e : new UsageError(String((e as Error)?.message ?? e)));
    process.exitCode = code;
  }
}

// A last line of defence: a rejection nobody awaited is still one error line and exit 3, never Node's
// crash report with a stack trace (run with -v=6 to see it).
process.on('unhandledRejection', (e) => {
  const verbose = process.argv.some((a) => /^-v=?([6-9]|\d{2,})$/.test(a));
  process.exitCode = reportError({ programName: programName(), commandName: '', verbosity: verbose ? 6 : 0 }, e);
});

void main(process.argv.slice(2));

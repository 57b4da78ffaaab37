// The error gate: every command handler runs through here. It prints results to stdout, warnings
// and notes to stderr, maps typed errors to one-line messages and exit codes, and is the only
// place that sets the process exit code. Stack traces appear only for internal errors at -v>=6.
import { ExitCode, UsageError, isEntraError } from '../errors.js';

export interface CommandResult {
  /** What goes to stdout: the answer. */
  stdout: string;
  /** Lines for stderr: notes and warnings in table mode. */
  stderr?: string[];
  exitCode: ExitCode;
}

export interface RunContext {
  /** Name to show in messages: `kubectl entra` when run as a plugin. */
  programName: string;
  commandName: string;
  verbosity: number;
}

export function programName(): string {
  // kubectl runs plugins by their file name; `kubectl-entra` means we were run as a plugin either way.
  return 'kubectl entra';
}

export async function runCommand(ctx: RunContext, body: () => Promise<CommandResult>): Promise<void> {
  let result: CommandResult;
  try {
    result = await body();
  } catch (e) {
    process.exitCode = reportError(ctx, e);
    return;
  }
  for (const line of result.stderr ?? []) process.stderr.write(line.endsWith('\n') ? line : line + '\n');
  if (result.stdout) await writeStdout(result.stdout);
  process.exitCode = result.exitCode;
}

export function reportError(ctx: RunContext, e: unknown): ExitCode {
  if (isEntraError(e)) {
    process.stderr.write(`error: ${oneLine(e.message)}\n`);
    if (e instanceof UsageError) {
      process.stderr.write(`See '${[ctx.programName, ctx.commandName].filter(Boolean).join(' ')} -h' for help and examples\n`);
    }
    if (ctx.verbosity >= 6 && e.cause instanceof Error && e.cause.stack) process.stderr.write(e.cause.stack + '\n');
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`error: internal error: ${oneLine(err.message)} (run with -v=6 for details and report it)\n`);
  if (ctx.verbosity >= 6 && err.stack) process.stderr.write(err.stack + '\n');
  return ExitCode.RUNTIME;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, '; ').trim();
}

/** Writes and waits for the flush, so piping into `head` or `jq` never truncates or throws EPIPE. */
function writeStdout(text: string): Promise<void> {
  return new Promise((resolve) => {
    process.stdout.once('error', () => resolve());
    process.stdout.write(text, () => resolve());
  });
}

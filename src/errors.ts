// Typed errors and the exit codes they map to. The CLI's error gate (src/cli/run.ts) is the only
// place that turns these into `error: ...` lines and process exit codes.

export const ExitCode = {
  /** Success, or a "yes" answer. */
  OK: 0,
  /** A "no" answer (explain-access denied), like `kubectl auth can-i`. */
  NO: 1,
  /** The command line was wrong. */
  USAGE: 2,
  /** Runtime error: kubeconfig, credential, cluster, input file. */
  RUNTIME: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Base class for every error that is the user's or the environment's fault: printed as one line. */
export abstract class EntraError extends Error {
  abstract readonly exitCode: ExitCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad flags or arguments. Printed with a pointer to the command's help. */
export class UsageError extends EntraError {
  readonly exitCode = ExitCode.USAGE;
}

/** An input file (manifest, group-name map) that cannot be read or understood. */
export class InputError extends EntraError {
  readonly exitCode = ExitCode.RUNTIME;
}

/** A kubeconfig that cannot be loaded, or a context/cluster/user that does not exist. */
export class KubeconfigError extends EntraError {
  readonly exitCode = ExitCode.RUNTIME;
}

/** A credential that cannot be obtained: unreadable tokenFile, failing exec plugin, malformed JWT. */
export class CredentialError extends EntraError {
  readonly exitCode = ExitCode.RUNTIME;
}

/** The API server could not be reached or answered with an error. */
export class ClusterError extends EntraError {
  readonly exitCode = ExitCode.RUNTIME;
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  /** True when the server was never reached (refused, DNS, TLS, timeout). */
  get unreachable(): boolean {
    return this.status === undefined;
  }
}

/** Microsoft Graph or Azure Resource Manager failed; callers usually degrade to a warning. */
export class AzureError extends EntraError {
  readonly exitCode = ExitCode.RUNTIME;
}

export function isEntraError(e: unknown): e is EntraError {
  return e instanceof EntraError;
}

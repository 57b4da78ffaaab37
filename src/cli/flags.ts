// kubectl's global flags with kubectl's meanings, shared by every command.
import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import type { OutputFormat } from '../output/format.js';

export interface GlobalFlags {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  namespace?: string;
  token?: string;
  'request-timeout'?: string;
  'insecure-skip-tls-verify'?: boolean;
  output?: string;
  v?: number | string;
}

/** Default when --request-timeout is not given: unlike kubectl's 0 (none), a plugin must never hang. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;

export function globalFlags<T>(y: Argv<T>): Argv<T & GlobalFlags> {
  return y
    .option('kubeconfig', { type: 'string', describe: 'Path to the kubeconfig file to use (one file, not merged)', global: true })
    .option('context', { type: 'string', describe: 'The name of the kubeconfig context to use', global: true })
    .option('cluster', { type: 'string', describe: 'The name of the kubeconfig cluster to use', global: true })
    .option('user', { type: 'string', describe: 'The name of the kubeconfig user to use', global: true })
    .option('namespace', { alias: 'n', type: 'string', describe: "Namespace (default: the context's namespace, else default)", global: true })
    .option('token', { type: 'string', describe: 'Bearer token for authentication to the API server', global: true })
    .option('request-timeout', {
      type: 'string',
      describe: 'Time to wait for one server request (e.g. 5s, 1m; 0 = 20s default cap)',
      global: true,
    })
    .option('insecure-skip-tls-verify', { type: 'boolean', describe: "Don't verify the server's certificate", global: true })
    .option('v', { type: 'string', describe: 'Log level (-v=6 shows requests and internal stack traces)', global: true, requiresArg: false })
    .group(['kubeconfig', 'context', 'cluster', 'user', 'namespace', 'token', 'request-timeout', 'insecure-skip-tls-verify', 'v'], 'kubectl flags:') as Argv<
    T & GlobalFlags
  >;
}

/** kubectl duration syntax: a bare number is seconds; else a Go duration such as 1m30s, 500ms. */
export function parseRequestTimeout(raw: string | undefined): number {
  if (raw === undefined || raw === '' || raw === '0') return DEFAULT_REQUEST_TIMEOUT_MS;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(raw)) !== null) {
    const n = Number(m[1]);
    total += n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    consumed = re.lastIndex;
  }
  if (consumed !== raw.length || total <= 0) {
    throw new UsageError(`invalid --request-timeout "${raw}": use a number of seconds or a duration such as 5s, 1m`);
  }
  return total;
}

export function verbosity(raw: number | string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  const n = Number(String(raw).replace(/^=/, ''));
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`invalid -v "${raw}": use a number such as -v=6`);
  return n;
}

export function outputFormat(raw: string | undefined, allowed: readonly string[] = ['table', 'json', 'yaml']): OutputFormat | string {
  const v = raw ?? 'table';
  if (!allowed.includes(v)) {
    throw new UsageError(`unknown output format "${v}": use one of ${allowed.join(', ')}`);
  }
  return v;
}

/** Colour only on a terminal, never with NO_COLOR, as the house style asks. */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
}

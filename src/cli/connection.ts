// Maps the parsed global flags to the kube layer's connection options (one place for every command).
import type { ConnectionOptions } from '../kube/session.js';
import { parseRequestTimeout, verbosity, type GlobalFlags } from './flags.js';

export function connectionOptions(argv: GlobalFlags): ConnectionOptions {
  return {
    kubeconfig: argv.kubeconfig,
    context: argv.context,
    cluster: argv.cluster,
    user: argv.user,
    namespace: argv.namespace,
    token: argv.token,
    timeoutMs: parseRequestTimeout(argv['request-timeout']),
    insecureSkipTlsVerify: argv['insecure-skip-tls-verify'],
    verbosity: verbosity(argv.v),
  };
}

// HTTP status tests on ClusterError, apart from client.ts so that importing them does not load client-node.
import { ClusterError } from '../errors.js';

export function isForbidden(e: unknown): boolean {
  return e instanceof ClusterError && e.status === 403;
}

export function isNotFound(e: unknown): boolean {
  return e instanceof ClusterError && e.status === 404;
}

// Which ServiceAccount each migrated workload runs as. Workload ID names one client id per
// ServiceAccount, and every pod that runs as that ServiceAccount can ask for the identity's token, so:
// a workload on `default` gets its own new ServiceAccount named after it; a workload already on its own
// ServiceAccount keeps it (annotated), with a warning when other workloads share it; and a
// ServiceAccount is never asked to carry two different client ids.
import { sameId } from './azure-ids.js';
import type { PodIdentityInventory, ServiceAccount, Workload } from './types.js';
import type { Warning } from '../warnings.js';

export const CLIENT_ID_ANNOTATION = 'azure.workload.identity/client-id';
export const TENANT_ID_ANNOTATION = 'azure.workload.identity/tenant-id';
/** Marks the ServiceAccounts this tool created, so a second run knows them as its own. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'kubectl-entra';

export interface ServiceAccountDecision {
  name: string;
  namespace: string;
  action: 'create' | 'annotate';
  /** The ServiceAccount as it exists now, when it does. */
  existing?: ServiceAccount;
  warning?: Warning;
}

interface Claim {
  clientID: string;
  workloads: string[];
}

export function workloadRef(w: { kind: string; namespace: string; name: string }): string {
  return `${w.kind} ${w.namespace}/${w.name}`;
}

function runsAs(w: Workload): string {
  return w.template.serviceAccountName ?? 'default';
}

export class ServiceAccountPlanner {
  private readonly accounts = new Map<string, ServiceAccount>();
  private readonly users = new Map<string, Workload[]>();
  private readonly claims = new Map<string, Claim>();

  constructor(inv: PodIdentityInventory) {
    for (const sa of inv.serviceAccounts) this.accounts.set(`${sa.namespace}/${sa.name}`, sa);
    for (const w of inv.workloads) {
      const key = `${w.namespace}/${runsAs(w)}`;
      this.users.set(key, [...(this.users.get(key) ?? []), w]);
    }
  }

  assign(w: Workload, clientID: string): ServiceAccountDecision {
    const current = w.template.serviceAccountName;
    let reason: string | undefined;
    if (current && current !== 'default') {
      const key = `${w.namespace}/${current}`;
      const existing = this.accounts.get(key);
      const others = this.otherUsers(key, w);
      const claimed = this.claims.get(key);
      const annotated = existing?.annotations[CLIENT_ID_ANNOTATION];
      if (claimed && !sameId(claimed.clientID, clientID)) {
        reason = `ServiceAccount ${key} is already planned for client id ${claimed.clientID} (${claimed.workloads.join(', ')})`;
      } else if (annotated && !sameId(annotated, clientID) && !isOurs(existing)) {
        reason = `ServiceAccount ${key} already carries ${CLIENT_ID_ANNOTATION}: ${annotated}`;
      } else {
        this.claim(key, clientID, w);
        const decision: ServiceAccountDecision = { name: current, namespace: w.namespace, action: isOurs(existing) ? 'create' : 'annotate' };
        if (existing) decision.existing = existing;
        if (others.length > 0) {
          decision.warning = {
            code: 'ExistingServiceAccount',
            object: `ServiceAccount ${key}`,
            message:
              `${workloadRef(w)} runs as ServiceAccount ${current}, which ${others.map(workloadRef).join(', ')} also use${others.length === 1 ? 's' : ''}: ` +
              `annotating it with client id ${clientID} lets every pod that runs as it obtain that identity's tokens; give ${w.name} its own ServiceAccount if they should not`,
          };
        }
        return decision;
      }
    }
    const decision = this.fresh(w, clientID);
    if (reason) {
      decision.warning = {
        code: 'ExistingServiceAccount',
        object: `ServiceAccount ${w.namespace}/${current}`,
        message: `${reason}, and a ServiceAccount names one client id: ${workloadRef(w)} moves to its own ServiceAccount ${decision.name} instead`,
      };
    }
    return decision;
  }

  private fresh(w: Workload, clientID: string): ServiceAccountDecision {
    const base = w.name;
    const names = [base, `${base}-${w.kind.toLowerCase()}`, `${base}-workload-identity`];
    for (let i = 2; names.length < 50; i++) names.push(`${base}-workload-identity-${i}`);
    for (const name of names) {
      const key = `${w.namespace}/${name}`;
      const claimed = this.claims.get(key);
      if (claimed && !sameId(claimed.clientID, clientID)) continue;
      const existing = this.accounts.get(key);
      if (existing) {
        const annotated = existing.annotations[CLIENT_ID_ANNOTATION];
        if (annotated && !sameId(annotated, clientID)) continue;
        const strangers = this.otherUsers(key, w).filter((o) => !claimed?.workloads.includes(workloadRef(o)));
        if (strangers.length > 0) continue;
      }
      this.claim(key, clientID, w);
      const decision: ServiceAccountDecision = { name, namespace: w.namespace, action: existing && !isOurs(existing) ? 'annotate' : 'create' };
      if (existing) decision.existing = existing;
      return decision;
    }
    throw new Error(`no free ServiceAccount name for ${workloadRef(w)}`);
  }

  private otherUsers(key: string, w: Workload): Workload[] {
    return (this.users.get(key) ?? []).filter((o) => !(o.kind === w.kind && o.name === w.name));
  }

  private claim(key: string, clientID: string, w: Workload): void {
    const c = this.claims.get(key) ?? { clientID, workloads: [] };
    c.workloads.push(workloadRef(w));
    this.claims.set(key, c);
  }
}

function isOurs(sa: ServiceAccount | undefined): boolean {
  const labels = sa?.object.metadata.labels;
  return labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}

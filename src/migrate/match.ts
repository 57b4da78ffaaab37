// Which identities pod identity gives a workload today: its pod template's `aadpodidbinding` label is
// matched against AzureIdentityBinding spec.selector, and each binding names an AzureIdentity in the
// binding's own namespace. aad-pod-identity matches across namespaces unless it runs --forceNamespaced
// or the identity is annotated `aadpodidentity.k8s.io/Behavior: namespaced`; since we cannot see the
// MIC's flags, bindings of the workload's own namespace win and other namespaces are a fallback.
import { POD_IDENTITY_LABEL } from './inventory.js';
import type { AzureIdentity, AzureIdentityBinding, AzurePodIdentityException, PodIdentityInventory, Workload } from './types.js';

export interface IdentityMatch {
  binding: AzureIdentityBinding;
  identity: AzureIdentity;
  crossNamespace: boolean;
}

export interface WorkloadMatch {
  selector: string;
  /** Best first: higher binding weight, then the workload's namespace, then by name. */
  matches: IdentityMatch[];
  /** Bindings that matched the selector but name an AzureIdentity that does not exist. */
  dangling: AzureIdentityBinding[];
}

export function podIdentitySelector(w: Workload): string | undefined {
  const v = w.template.labels[POD_IDENTITY_LABEL];
  return v === undefined || v === '' ? undefined : v;
}

export function identityKey(i: { namespace: string; name: string }): string {
  return `${i.namespace}/${i.name}`;
}

export class BindingIndex {
  private readonly identities = new Map<string, AzureIdentity>();
  private readonly bySelector = new Map<string, AzureIdentityBinding[]>();

  constructor(inv: PodIdentityInventory) {
    for (const i of inv.identities) this.identities.set(identityKey(i), i);
    for (const b of inv.bindings) {
      const list = this.bySelector.get(b.selector) ?? [];
      list.push(b);
      this.bySelector.set(b.selector, list);
    }
  }

  identityOf(b: AzureIdentityBinding): AzureIdentity | undefined {
    return this.identities.get(`${b.namespace}/${b.azureIdentity}`);
  }

  match(w: Workload): WorkloadMatch | undefined {
    const selector = podIdentitySelector(w);
    if (selector === undefined) return undefined;
    const all = this.bySelector.get(selector) ?? [];
    const local = all.filter((b) => b.namespace === w.namespace);
    const candidates = local.length > 0 ? local : all;
    const matches: IdentityMatch[] = [];
    const dangling: AzureIdentityBinding[] = [];
    const seen = new Set<string>();
    for (const binding of candidates) {
      const identity = this.identityOf(binding);
      if (!identity) {
        dangling.push(binding);
        continue;
      }
      const crossNamespace = binding.namespace !== w.namespace;
      if (crossNamespace && identity.namespacedBehavior) continue;
      if (seen.has(identityKey(identity))) continue;
      seen.add(identityKey(identity));
      matches.push({ binding, identity, crossNamespace });
    }
    matches.sort(
      (a, b) =>
        (b.binding.weight ?? 0) - (a.binding.weight ?? 0) ||
        Number(a.crossNamespace) - Number(b.crossNamespace) ||
        identityKey(a.identity).localeCompare(identityKey(b.identity)),
    );
    return { selector, matches, dangling };
  }
}

/** An exception applies to pods of its own namespace whose labels include all of its podLabels. */
export function exceptionMatches(e: AzurePodIdentityException, w: Workload): boolean {
  if (e.namespace !== w.namespace) return false;
  const entries = Object.entries(e.podLabels);
  return entries.length > 0 && entries.every(([k, v]) => w.template.labels[k] === v);
}

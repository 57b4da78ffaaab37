// Kubernetes label selectors (matchLabels + matchExpressions), as metav1.LabelSelectorAsSelector
// turns them into requirements: all must hold; an empty selector matches everything.
import type { LabelSelector } from './types.js';

export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

/** Compiles a selector, or throws an Error with the reason it is invalid (the API server would reject it). */
export function compileSelector(selector: LabelSelector): LabelMatcher {
  const tests: LabelMatcher[] = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    tests.push((l) => l !== undefined && Object.prototype.hasOwnProperty.call(l, k) && l[k] === v);
  }
  for (const e of selector.matchExpressions ?? []) {
    const values = e.values ?? [];
    const has = (l: Record<string, string> | undefined): boolean => l !== undefined && Object.prototype.hasOwnProperty.call(l, e.key);
    switch (e.operator) {
      case 'In':
        if (values.length === 0) throw new Error(`values: must be specified when operator is "In" (key ${e.key})`);
        tests.push((l) => has(l) && values.includes(l![e.key]));
        break;
      case 'NotIn':
        if (values.length === 0) throw new Error(`values: must be specified when operator is "NotIn" (key ${e.key})`);
        tests.push((l) => !has(l) || !values.includes(l![e.key]));
        break;
      case 'Exists':
        if (values.length > 0) throw new Error(`values: may not be specified when operator is "Exists" (key ${e.key})`);
        tests.push((l) => has(l));
        break;
      case 'DoesNotExist':
        if (values.length > 0) throw new Error(`values: may not be specified when operator is "DoesNotExist" (key ${e.key})`);
        tests.push((l) => !has(l));
        break;
      default:
        throw new Error(`"${e.operator}" is not a valid label selector operator`);
    }
  }
  return (labels) => tests.every((t) => t(labels));
}

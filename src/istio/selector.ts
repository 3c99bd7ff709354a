import type { LabelSelector } from '../cluster/types';

export type Labels = Readonly<Record<string, string>>;

/**
 * Kubernetes label-selector semantics (metav1.LabelSelectorAsSelector): matchLabels and every
 * matchExpression must hold. An empty selector matches everything; a missing one matches nothing.
 */
export function selectorMatches(selector: LabelSelector | undefined, labels: Labels = {}): boolean {
  if (!selector) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (operator) {
      case 'In': if (!has || !values.includes(labels[key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** A webhook's namespaceSelector/objectSelector: absent means "everything" (admissionregistration/v1). */
export function webhookSelectorMatches(selector: LabelSelector | undefined, labels: Labels = {}): boolean {
  return selectorMatches(selector ?? {}, labels);
}

/** The `labelSelector` query parameter for a selector, e.g. `app=web,tier in (a,b),!legacy`. */
export function selectorToString(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    if (operator === 'In') parts.push(`${key} in (${values.join(',')})`);
    else if (operator === 'NotIn') parts.push(`${key} notin (${values.join(',')})`);
    else if (operator === 'Exists') parts.push(key);
    else if (operator === 'DoesNotExist') parts.push(`!${key}`);
  }
  return parts.join(',');
}

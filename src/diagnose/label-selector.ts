/** Label selectors as the API server applies them: a Service's map, or a LabelSelector with expressions. */
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { ownValue } from '../own-property.js';

/** True when every key=value of a Service-style selector is in the labels (an empty selector matches nothing). */
export function matchesMap(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  const entries = Object.entries(selector ?? {});
  if (entries.length === 0) return false;
  return entries.every(([key, value]) => ownValue(labels, key) === value);
}

/** True when the labels satisfy a LabelSelector (matchLabels and matchExpressions). An empty selector matches everything, as in the API. */
export function matchesSelector(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (!selector) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (ownValue(labels, key) !== value) return false;
  for (const expression of selector.matchExpressions ?? []) {
    const present = labels !== undefined && Object.hasOwn(labels, expression.key);
    const value = ownValue(labels, expression.key);
    switch (expression.operator) {
      case 'In':
        if (!present || !(expression.values ?? []).includes(value ?? '')) return false;
        break;
      case 'NotIn':
        if (present && (expression.values ?? []).includes(value ?? '')) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        // An operator the API would reject: match nothing rather than everything.
        return false;
    }
  }
  return true;
}

/** `app=web,tier=frontend` for messages. */
export function formatSelector(selector: LabelSelector | Readonly<Record<string, string>> | undefined): string {
  if (!selector) return '(none)';
  const labels = 'matchLabels' in selector || 'matchExpressions' in selector ? (selector as LabelSelector) : { matchLabels: selector as Record<string, string> };
  const parts = Object.entries(labels.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const expression of labels.matchExpressions ?? []) {
    const values = (expression.values ?? []).join(',');
    parts.push(expression.operator === 'Exists' ? expression.key : expression.operator === 'DoesNotExist' ? `!${expression.key}` : `${expression.key} ${expression.operator.toLowerCase()} (${values})`);
  }
  return parts.length > 0 ? parts.join(',') : '(empty)';
}

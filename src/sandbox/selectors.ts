import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { badRequest } from './api-error.js';
import { isJsonObject } from './types.js';
import { ownValue } from '../own-property.js';

/** One parsed requirement of a label or field selector. */
export interface Requirement {
  key: string;
  operator: 'equals' | 'notEquals' | 'in' | 'notIn' | 'exists' | 'notExists';
  values: string[];
}

/** Splits on commas that are not inside parentheses (`a in (x,y),b=c`). */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const character of text) {
    if (character === '(') depth += 1;
    if (character === ')') depth -= 1;
    if (character === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += character;
    }
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part.length > 0);
}

/** Parses a label selector string (`app=api,tier!=db,env in (prod,staging),!canary`). */
export function parseLabelSelector(text: string): Requirement[] {
  return splitTopLevel(text).map((part) => {
    const setMatch = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (setMatch) {
      const values = (setMatch[3] ?? '').split(',').map((value) => value.trim()).filter(Boolean);
      return { key: setMatch[1] ?? '', operator: setMatch[2] === 'in' ? 'in' : 'notIn', values };
    }
    const inequality = /^([^\s!=]+)\s*!=\s*(\S*)$/.exec(part);
    if (inequality) return { key: inequality[1] ?? '', operator: 'notEquals', values: [inequality[2] ?? ''] };
    const equality = /^([^\s!=]+)\s*==?\s*(\S*)$/.exec(part);
    if (equality) return { key: equality[1] ?? '', operator: 'equals', values: [equality[2] ?? ''] };
    const notExists = /^!\s*([^\s!=]+)$/.exec(part);
    if (notExists) return { key: notExists[1] ?? '', operator: 'notExists', values: [] };
    if (/^[^\s!=(),]+$/.test(part)) return { key: part, operator: 'exists', values: [] };
    throw badRequest(`unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt`);
  });
}

/** Parses a field selector (`metadata.name=api,status.phase!=Succeeded`). */
export function parseFieldSelector(text: string): Requirement[] {
  return splitTopLevel(text).map((part) => {
    const match = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!match) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    return { key: match[1] ?? '', operator: match[2] === '!=' ? 'notEquals' : 'equals', values: [match[3] ?? ''] };
  });
}

/** True when `labels` satisfies every requirement. */
export function matchesRequirements(requirements: Requirement[], lookup: (key: string) => string | undefined): boolean {
  return requirements.every((requirement) => {
    const value = lookup(requirement.key);
    switch (requirement.operator) {
      case 'equals': return value === requirement.values[0];
      case 'notEquals': return value !== requirement.values[0];
      case 'in': return value !== undefined && requirement.values.includes(value);
      case 'notIn': return value === undefined || !requirement.values.includes(value);
      case 'exists': return value !== undefined;
      case 'notExists': return value === undefined;
      default: return false;
    }
  });
}

/** True when the label map satisfies the parsed label selector. */
export function labelsMatch(requirements: Requirement[], labels: Record<string, string> | undefined): boolean {
  return matchesRequirements(requirements, (key) => ownValue(labels, key));
}

/** Reads a dotted field path (`spec.nodeName`, `involvedObject.uid`) as a string, as field selectors compare. */
export function fieldValue(object: unknown, path: string): string | undefined {
  let current: unknown = object;
  for (const segment of path.split('.')) {
    if (!isJsonObject(current)) return undefined;
    current = ownValue(current, segment);
  }
  if (current === undefined || current === null) return undefined;
  return typeof current === 'object' ? JSON.stringify(current) : String(current);
}

/** True when the object satisfies a parsed field selector; absent fields compare as "". */
export function fieldsMatch(requirements: Requirement[], object: unknown): boolean {
  return matchesRequirements(requirements, (key) => fieldValue(object, key) ?? '');
}

const LABEL_SELECTOR_OPERATORS: ReadonlyMap<string, Requirement['operator']> = new Map([
  ['In', 'in'], ['NotIn', 'notIn'], ['Exists', 'exists'], ['DoesNotExist', 'notExists'],
]);

/** Converts a structured LabelSelector (matchLabels + matchExpressions) into requirements. */
export function requirementsFromLabelSelector(selector: LabelSelector | undefined): Requirement[] {
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
    requirements.push({ key, operator: 'equals', values: [value] });
  }
  for (const expression of selector?.matchExpressions ?? []) {
    const operator = LABEL_SELECTOR_OPERATORS.get(expression.operator);
    if (operator) requirements.push({ key: expression.key, operator, values: expression.values ?? [] });
  }
  return requirements;
}

/** Renders a structured LabelSelector as the string kubectl shows (`app=api`). */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  // metav1.FormatLabelSelector: requirements sorted by key, "<none>" for an empty selector.
  const parts: [string, string][] = Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => [key, `${key}=${value}`]);
  for (const expression of selector?.matchExpressions ?? []) {
    const values = [...(expression.values ?? [])].sort().join(',');
    if (expression.operator === 'In') parts.push([expression.key, `${expression.key} in (${values})`]);
    else if (expression.operator === 'NotIn') parts.push([expression.key, `${expression.key} notin (${values})`]);
    else if (expression.operator === 'Exists') parts.push([expression.key, expression.key]);
    else parts.push([expression.key, `!${expression.key}`]);
  }
  if (parts.length === 0) return '<none>';
  return parts.sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)).map(([, text]) => text).join(',');
}

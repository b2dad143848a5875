/** Renders a card's argv template with parameter values: the only way a plan's argv is made. */
import { isGoDuration } from '../schemas/duration.js';
import type { Card, CardParam, ParamValue } from '../schemas/card.js';
import { DNS1123_SUBDOMAIN } from '../schemas/vocabulary.js';
import { ownValue, setOwnValue } from '../own-property.js';
import { findUnsafeCharacter } from '../validate/unsafe-characters.js';
import { formatCommand } from './format-command.js';

const PLACEHOLDER = /\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g;
const INTEGER = /^-?\d+$/;

/** A parameter value that failed its type, pattern or range. */
export interface ParamProblem {
  param: string;
  message: string;
}

/** The outcome of rendering. `args` is empty when anything is missing or invalid. */
export interface RenderResult {
  args: string[];
  command: string;
  params: Record<string, ParamValue>;
  missing: string[];
  invalid: ParamProblem[];
}

/** Placeholders used in one template element. */
export function placeholdersOf(element: string): string[] {
  return [...element.matchAll(PLACEHOLDER)].map((match) => match[1]!);
}

/** Checks and normalises one value against its declared parameter; returns an error message or the value. */
export function checkParamValue(param: CardParam, value: ParamValue): { value: ParamValue } | { error: string } {
  if (param.type === 'boolean') {
    if (typeof value === 'boolean') return { value };
    if (value === 'true' || value === 'false') return { value: value === 'true' };
    return { error: 'must be true or false' };
  }
  // The argv rule (unsafe-characters.ts), checked before trim(), which would silently drop an NBSP.
  const unsafe = findUnsafeCharacter(String(value));
  if (unsafe !== undefined) return { error: `must not contain control characters or newlines, format or non-ASCII space characters (found ${unsafe})` };
  const text = String(value).trim();
  if (text.length === 0) return { error: 'must not be empty' };
  if (text.startsWith('-') && param.type !== 'integer') return { error: 'must not start with "-" (it would be read as a flag)' };
  switch (param.type) {
    case 'integer': {
      if (!INTEGER.test(text)) return { error: 'must be a whole number' };
      const number = Number(text);
      if (param.minimum !== undefined && number < param.minimum) return { error: `must be at least ${param.minimum}` };
      if (param.maximum !== undefined && number > param.maximum) return { error: `must be at most ${param.maximum}` };
      break;
    }
    case 'duration':
      if (!isGoDuration(text)) return { error: 'must be a duration such as 30s, 15m or 1h' };
      break;
    case 'name':
      if (text.length > 253 || !DNS1123_SUBDOMAIN.test(text)) return { error: 'must be a Kubernetes name (lower-case letters, digits, "-" and ".")' };
      break;
    case 'enum':
      if (!param.enum?.includes(text)) return { error: `must be one of: ${(param.enum ?? []).join(', ')}` };
      break;
    case 'string':
      break;
  }
  if (param.pattern !== undefined && !new RegExp(`^(?:${param.pattern})$`).test(text)) {
    return { error: `must match ${param.pattern}` };
  }
  return { value: param.type === 'integer' ? Number(text) : text };
}

/** Renders the card with the given values (defaults fill the gaps). Never throws on user values. */
export function renderCard(card: Card, values: Readonly<Record<string, ParamValue | undefined>>): RenderResult {
  const declared = new Map(card.params.map((param) => [param.name, param]));
  const resolved: Record<string, ParamValue> = {};
  const invalid: ParamProblem[] = [];
  for (const param of card.params) {
    const raw = ownValue(values, param.name) ?? param.default;
    if (raw === undefined || raw === '') continue;
    const checked = checkParamValue(param, raw);
    if ('error' in checked) invalid.push({ param: param.name, message: `${param.name}: ${checked.error}` });
    else setOwnValue(resolved, param.name, checked.value);
  }
  for (const [name, value] of Object.entries(values)) {
    if (!declared.has(name) && value !== undefined) {
      invalid.push({ param: name, message: `${name}: not a parameter of card ${card.id}` });
    }
  }
  const missing = card.params
    .filter((param) => param.required && ownValue(resolved, param.name) === undefined && !invalid.some((problem) => problem.param === param.name))
    .map((param) => param.name);

  const args: string[] = [];
  for (const element of card.command_template) {
    const names = placeholdersOf(element);
    if (names.length === 0) {
      args.push(element);
      continue;
    }
    const whole = names.length === 1 && element.replace(PLACEHOLDER, '') === '';
    const onlyParam = declared.get(names[0]!);
    if (whole && onlyParam?.type === 'boolean') {
      if (ownValue(resolved, onlyParam.name) === true && onlyParam.flag) args.push(onlyParam.flag);
      continue;
    }
    if (names.some((name) => ownValue(resolved, name) === undefined)) continue;
    args.push(element.replace(PLACEHOLDER, (_match, name: string) => String(ownValue(resolved, name))));
  }
  const ok = missing.length === 0 && invalid.length === 0;
  return {
    args: ok ? args : [],
    command: ok ? formatCommand(args) : '',
    params: resolved,
    missing,
    invalid,
  };
}

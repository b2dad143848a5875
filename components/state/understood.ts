/**
 * What the core understood of a request, as the TUI shows it and lets the user change it: each part
 * (intent, resource, namespace, object, the words' modifiers) has a key that jumps to that picker
 * with the rest kept; the plan's clarification choices and refusal alternatives are one key each.
 * Nothing here reads words: it only renders `plan.understood`, `plan.clarification`, `plan.refusal`.
 */
import type { Plan, RequestChoice } from '../../src/schemas/plan.js';
import type { Draft, ProposalView } from './types.js';

/** A part of the request the user can change, and the key that changes it. */
export type UnderstoodPart = 'intent' | 'resource' | 'namespace' | 'name' | 'words';

/** The keys, in display order. `n` and `y` stay free for the y/n confirmation. */
export const PART_KEYS: ReadonlyArray<{ part: UnderstoodPart; key: string }> = [
  { part: 'intent', key: 'i' },
  { part: 'resource', key: 'r' },
  { part: 'namespace', key: 's' },
  { part: 'name', key: 'o' },
  { part: 'words', key: 'w' },
];

/** The part a key changes, if any. */
export function partOfKey(input: string): UnderstoodPart | undefined {
  return PART_KEYS.find((entry) => entry.key === input)?.part;
}

/** One shown part: its key, a label and its value. */
export interface UnderstoodItem {
  part: UnderstoodPart;
  key: string;
  label: string;
  value: string;
  /** Where the value came from (words, cluster, explicit, default), as the core says. */
  from?: string;
}

/** The understood parts of a plan (or of the draft, when the plan says nothing), in key order. */
export function understoodItems(plan: Plan | undefined, draft: Draft): UnderstoodItem[] {
  const understood = plan?.understood;
  const modifiers = (understood?.modifiers ?? []).map((modifier) => `${modifier.slot}=${String(modifier.value)}`);
  const params = plan ? Object.entries(plan.params).filter(([name]) => name !== 'name' && name !== 'namespace').map(([name, value]) => `${name}=${String(value)}`) : [];
  const values: Record<UnderstoodPart, { value: string | undefined; from?: string }> = {
    intent: { value: understood?.intent ?? draft.intent, ...(understood ? { from: understood.intentFrom } : {}) },
    resource: { value: understood?.resource ?? draft.resource, ...(understood ? { from: understood.resourceFrom } : {}) },
    namespace: { value: understood?.namespace ?? draft.namespace },
    name: { value: understood?.name ?? draft.name, ...(understood?.nameFrom ? { from: understood.nameFrom } : {}) },
    words: { value: (modifiers.length > 0 ? modifiers : params).join(' ') || (draft.query ? `"${draft.query}"` : undefined) },
  };
  const labels: Record<UnderstoodPart, string> = { intent: 'intent', resource: 'kind', namespace: 'ns', name: 'object', words: 'with' };
  return PART_KEYS.flatMap(({ part, key }) => {
    const entry = values[part];
    if (entry.value === undefined || entry.value === '') return [];
    return [{ part, key, label: labels[part], value: entry.value, ...(entry.from ? { from: entry.from } : {}) }];
  });
}

/**
 * The draft to edit a part from: every understood part made explicit (so changing one keeps the
 * rest), with the words kept for the modifiers; the part being changed is cleared.
 */
export function draftForEdit(plan: Plan | undefined, draft: Draft, part: UnderstoodPart): Draft {
  const understood = plan?.understood;
  const next: Draft = {
    ...(understood?.intent ?? draft.intent ? { intent: understood?.intent ?? draft.intent } : {}),
    ...(understood?.resource ?? draft.resource ? { resource: understood?.resource ?? draft.resource } : {}),
    ...(understood?.namespace ?? draft.namespace ? { namespace: understood?.namespace ?? draft.namespace } : {}),
    ...(understood?.name ?? draft.name ? { name: understood?.name ?? draft.name } : {}),
    ...(draft.query ? { query: draft.query } : {}),
  };
  // A new intent or kind may name a different object: the name is picked again after them.
  if (part === 'intent') return { ...next, intent: undefined };
  if (part === 'resource') return { ...next, resource: undefined, name: undefined };
  if (part === 'namespace') return { ...next, namespace: undefined, name: undefined };
  if (part === 'name') return { ...next, name: undefined };
  return next;
}

/** A choice offered on the verdict: a request the core handed back (clarification, refusal) or a guardrail's argv. */
export type VerdictChoice = { label: string; request: RequestChoice; args?: string[] } | { label: string; args: string[]; request?: undefined };

/** The numbered choices of a verdict: the plan's clarification choices or refusal alternatives, else the verdict's suggestions. */
export function verdictChoices(proposal: ProposalView): VerdictChoice[] {
  const plan = proposal.plan;
  const offered = plan?.clarification?.choices ?? plan?.refusal?.alternatives;
  if (offered && offered.length > 0) return offered.slice(0, 9).map((choice) => ({ label: choice.label, request: choice.request, ...(choice.args ? { args: choice.args } : {}) }));
  return (proposal.verdict?.suggestions ?? []).slice(0, 9).map((suggestion) => ({ label: suggestion.message, args: [...suggestion.command] }));
}

/** The draft for a choice's request (sent back as is) and its explicit card params. */
export function draftOfChoice(request: RequestChoice): { draft: Draft; params: Record<string, string> } {
  const draft: Draft = {
    ...(request.intent ? { intent: request.intent } : {}),
    ...(request.resource ? { resource: request.resource } : {}),
    ...(request.namespace ? { namespace: request.namespace } : {}),
    ...(request.name ? { name: request.name } : {}),
    ...(request.query ? { query: request.query } : {}),
  };
  // fromEntries defines own properties: a "__proto__" key stays a plain key.
  const params: Record<string, string> = Object.fromEntries(Object.entries(request.params ?? {}).map(([name, value]) => [name, String(value)]));
  return { draft, params };
}

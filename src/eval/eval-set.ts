/**
 * A labelled evaluation set: requests as on-call engineers type them, each with the outcome a senior
 * SRE would accept (one argv, one of several argvs, "ask" or "refuse"), tagged by intent and kind.
 * YAML, validated with zod; a problem names the item and the field.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { z } from 'zod';
import { InputError } from '../errors.js';
import type { K8sExecPayload } from '../schemas/request.js';

/** The kinds of request the report groups by. */
export const EVAL_KINDS = ['structured', 'free-text', 'probe'] as const;
/** A kind of request. */
export type EvalKind = (typeof EVAL_KINDS)[number];

const CommandText = z.string().min(1).refine((text) => !text.startsWith('kubectl '), 'write the argv after "kubectl" (no leading "kubectl")');

/** One item as written in the file. */
export const EvalItemSchema = z.strictObject({
  q: z.string().optional().describe('The free text.'),
  ns: z.string().optional().describe('The namespace field.'),
  intent: z.string().optional(),
  resource: z.string().optional(),
  name: z.string().optional(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  want: z.union([z.literal('ask'), z.literal('refuse'), CommandText, z.array(z.union([z.literal('ask'), CommandText])).min(1)]),
  tag: z.string().min(1).describe('The intent the item is counted under.'),
  kind: z.enum(EVAL_KINDS).optional().describe('Default: structured when intent or resource is given, else free-text.'),
});
/** A written item. */
export type EvalItemInput = z.infer<typeof EvalItemSchema>;

/** The file. */
export const EvalSetSchema = z.strictObject({
  split: z.string().default('set'),
  items: z.array(EvalItemSchema).min(1),
});

/** What an item expects: commands (argv), or an honest ask, or a refusal. */
export type Expectation = { kind: 'commands'; commands: string[][]; askOk: boolean } | { kind: 'ask' } | { kind: 'refuse' };

/** One loaded item. */
export interface EvalItem {
  id: string;
  split: string;
  request: K8sExecPayload;
  expect: Expectation;
  tag: string;
  kind: EvalKind;
  /** The request as written, for reports. */
  text: string;
}

/** Splits a command written as text into argv (no argument of a card contains a space). */
export function argvOf(command: string): string[] {
  return command.trim().split(/\s+/);
}

function expectationOf(want: EvalItemInput['want']): Expectation {
  if (want === 'ask') return { kind: 'ask' };
  if (want === 'refuse') return { kind: 'refuse' };
  const list = Array.isArray(want) ? want : [want];
  return { kind: 'commands', commands: list.filter((entry) => entry !== 'ask').map(argvOf), askOk: list.includes('ask') };
}

/** The request an item sends (a k8s_exec payload; validated by the pipeline like any other). */
function requestOf(item: EvalItemInput): K8sExecPayload {
  return {
    ...(item.intent ? { intent: item.intent } : {}),
    ...(item.resource ? { resource: item.resource } : {}),
    ...(item.ns ? { namespace: item.ns } : {}),
    ...(item.name ? { name: item.name } : {}),
    ...(item.q ? { query: item.q } : {}),
    ...(item.params ? { params: item.params } : {}),
  } as K8sExecPayload;
}

/** Shows an item's request the way a CLI user would type it. */
function textOf(item: EvalItemInput): string {
  const flags = [
    item.ns ? `-n ${item.ns}` : '',
    item.intent ? `--intent ${item.intent}` : '',
    item.resource ? `--resource ${item.resource}` : '',
    item.name ? `--name ${item.name}` : '',
    ...Object.entries(item.params ?? {}).map(([key, value]) => `--param ${key}=${String(value)}`),
  ].filter(Boolean);
  return [...flags, item.q ? JSON.stringify(item.q) : ''].filter(Boolean).join(' ');
}

/** Loads one set file; throws InputError naming the file, item and field on a problem. */
export function loadEvalSet(file: string): EvalItem[] {
  let raw: unknown;
  try {
    raw = yaml.load(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`--set ${file}: ${(error as Error).message.split('\n')[0]}`, { hint: 'the set is YAML: {split, items: [{q, ns, want, tag}]} (see test/data/eval-set.yaml)' });
  }
  const parsed = EvalSetSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`--set ${file}: ${issue.path.join('.') || '(file)'}: ${issue.message}`, { hint: 'each item needs want (an argv, a list of argvs, "ask" or "refuse") and tag' });
  }
  const base = path.basename(file, path.extname(file));
  return parsed.data.items.map((item, index) => ({
    id: `${base}#${index + 1}`,
    split: parsed.data.split,
    request: requestOf(item),
    expect: expectationOf(item.want),
    tag: item.tag,
    kind: item.kind ?? (item.intent !== undefined || item.resource !== undefined ? 'structured' : 'free-text'),
    text: textOf(item),
  }));
}

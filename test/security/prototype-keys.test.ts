/**
 * Class guard for Object.prototype names (issue #12 item 2), the dynamic half: every property name
 * of Object.prototype, plus "__proto__", goes through every lookup rk8s does on an outside key:
 * argv (verb, subcommand, resource type, TYPE/NAME, flag name, flag value), payload fields (intent,
 * resource, namespace, name, params keys and values, through the zod schema and k8s_plan on the real
 * cards and policy), card params (renderCard), policy keys (namespaces, tiers, grants, guardrail ids
 * and flags, through compilePolicy, org files on disk and validate()) and card ids (the catalog).
 *
 * The oracle: a prototype name behaves exactly like a meaningless word of the same shape ("qqq" for
 * "constructor", "qqQqqqqq" for "toString", "__qqqqq__" for "__proto__"): same decision, same
 * violation codes. Where a position can only hold a known word (verb, subcommand, type), it denies.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderCard } from '../../src/corpus/render.js';
import { loadCards } from '../../src/corpus/load-cards.js';
import type { Core } from '../../src/contracts/core.js';
import { parsePayload } from '../../src/pipeline/propose.js';
import { CardSchema, type Card } from '../../src/schemas/card.js';
import { K8sExecPayloadSchema } from '../../src/schemas/request.js';
import type { Verdict } from '../../src/schemas/verdict.js';
import { parseKubectlArgs } from '../../src/validate/kubectl-argv.js';
import { loadPolicy } from '../../src/validate/load-policy.js';
import { compilePolicy, type Policy } from '../../src/validate/policy.js';
import { normalizeKind } from '../../src/validate/resource-kinds.js';
import { validate } from '../../src/validate/validate.js';
import { createRealCore, planStatus, projectRoot } from './real-core.js';

/** Every name a plain object inherits, and the accessor that replaces its prototype. */
const PROTOTYPE_NAMES = [...new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__'])];

/** The same shape without meaning: letters become q/Q, everything else stays. */
function control(name: string): string {
  return name.replace(/[a-z]/g, 'q').replace(/[A-Z]/g, 'Q');
}

const policy: Policy = loadPolicy(path.join(projectRoot, 'org')).policy!;

function outcome(verdict: Verdict): { decision: string; codes: string[] } {
  return { decision: verdict.decision, codes: [...new Set(verdict.violations.map((violation) => violation.code))].sort() };
}

/** argv templates: `@` is where the name goes. */
const ARGV_POSITIONS: ReadonlyArray<{ position: string; args: readonly string[]; alwaysDeny: boolean }> = [
  { position: 'verb', args: ['@', 'name', '-n', 'kube-system', 'delete', 'everything', '--force'], alwaysDeny: true },
  { position: 'verb after a global flag', args: ['-n', 'dev', '@', 'pods'], alwaysDeny: true },
  { position: 'rollout subcommand', args: ['rollout', '@', 'deployment/api', '-n', 'dev'], alwaysDeny: true },
  { position: 'top subcommand', args: ['top', '@', '-n', 'dev'], alwaysDeny: true },
  { position: 'auth subcommand', args: ['auth', '@'], alwaysDeny: true },
  { position: 'create subcommand', args: ['create', '@', 'x', '--from=cronjob/nightly', '-n', 'dev'], alwaysDeny: true },
  { position: 'resource type', args: ['get', '@', '-n', 'dev'], alwaysDeny: true },
  { position: 'resource type in a list', args: ['get', 'pods,@', '-n', 'dev'], alwaysDeny: true },
  { position: 'TYPE of TYPE/NAME', args: ['get', '@/api', '-n', 'dev'], alwaysDeny: true },
  { position: 'NAME of TYPE/NAME', args: ['get', 'pod/@', '-n', 'dev'], alwaysDeny: false },
  { position: 'object name', args: ['describe', 'pod', '@', '-n', 'dev'], alwaysDeny: false },
  { position: 'delete name', args: ['delete', 'configmap', '@', '-n', 'dev'], alwaysDeny: false },
  { position: 'node name', args: ['cordon', '@'], alwaysDeny: false },
  { position: 'logs container', args: ['logs', 'api-1', '@', '-n', 'dev'], alwaysDeny: false },
  { position: 'long flag name', args: ['get', 'pods', '-n', 'dev', '--@'], alwaysDeny: true },
  { position: 'long flag name with a value', args: ['get', 'pods', '-n', 'dev', '--@=yaml'], alwaysDeny: true },
  { position: 'flag name before the verb', args: ['--@', 'get', 'pods', '-n', 'dev'], alwaysDeny: true },
  { position: 'namespace value', args: ['get', 'pods', '-n', '@'], alwaysDeny: false },
  { position: 'namespace value (=)', args: ['get', 'pods', '--namespace=@'], alwaysDeny: false },
  { position: 'output value', args: ['get', 'pods', '-n', 'dev', '-o', '@'], alwaysDeny: false },
  { position: 'selector value', args: ['get', 'pods', '-n', 'dev', '-l', '@'], alwaysDeny: false },
  { position: 'events --for kind', args: ['events', '-n', 'dev', '--for', '@/api'], alwaysDeny: true },
  { position: 'create job --from name', args: ['create', 'job', 'manual-1', '--from=cronjob/@', '-n', 'dev'], alwaysDeny: false },
  { position: 'patch --type value', args: ['patch', 'cronjob', 'nightly', '-n', 'dev', '--type', '@', '-p', '{"spec":{"suspend":true}}'], alwaysDeny: true },
  { position: 'patch body key', args: ['patch', 'cronjob', 'nightly', '-n', 'dev', '--type=merge', '-p', '{"@":{"suspend":true}}'], alwaysDeny: true },
  { position: 'patch nested body key', args: ['patch', 'cronjob', 'nightly', '-n', 'dev', '--type=merge', '-p', '{"spec":{"@":true}}'], alwaysDeny: true },
  { position: 'auth can-i verb', args: ['auth', 'can-i', '@', 'pods', '-n', 'dev'], alwaysDeny: false },
  { position: 'cluster grant resource', args: ['get', 'node', '@'], alwaysDeny: false },
];

describe('Object.prototype names through every argv lookup', () => {
  const cases = ARGV_POSITIONS.flatMap(({ position, args, alwaysDeny }) => PROTOTYPE_NAMES.map((name) => ({ position, name, args, alwaysDeny })));

  it.each(cases)('$position: $name behaves like a meaningless word', ({ name, args, alwaysDeny }) => {
    const withName = args.map((argument) => argument.replace('@', name));
    const withControl = args.map((argument) => argument.replace('@', control(name)));
    const verdict = validate(withName, { policy, owner: null });
    expect(outcome(verdict)).toEqual(outcome(validate(withControl, { policy, owner: null })));
    if (alwaysDeny) expect(verdict.decision).toBe('deny');
    const parsed = parseKubectlArgs(withName);
    expect(parsed.command === undefined || typeof parsed.command === 'string').toBe(true);
  });

  it.each(PROTOTYPE_NAMES)('%s is no resource kind', (name) => {
    expect(normalizeKind(name)).toBeUndefined();
  });

  it('denies the issue\'s exact cases', () => {
    for (const args of [
      ['constructor', 'name', '-n', 'kube-system', 'delete', 'everything', '--force'],
      ['hasOwnProperty', 'name', '-n', 'kube-system', 'delete', 'everything', '--force'],
      ['__proto__', 'name', '-n', 'kube-system', 'delete', 'everything', '--force'],
      ['rollout', 'constructor', 'deployment/api', '-n', 'prod'],
      ['top', '__proto__', '-n', 'prod'],
      ['auth', 'valueOf'],
    ]) {
      expect(validate(args, { policy }).decision, args.join(' ')).toBe('deny');
    }
  });
});

describe('Object.prototype names through the payload', () => {
  let core: Core;
  beforeAll(async () => {
    ({ core } = await createRealCore());
  }, 60_000);

  /** Payload builders: JSON text, so "__proto__" arrives as an own key, as it does over HTTP. */
  // Free text is matched by similarity (character n-grams), so a query only has to stay well-behaved.
  const FIELDS: ReadonlyArray<{ field: string; payload: (name: string) => string; freeText?: boolean }> = [
    { field: 'intent', payload: (name) => JSON.stringify({ intent: name, resource: 'deployment', namespace: 'dev', name: 'api' }) },
    { field: 'resource', payload: (name) => JSON.stringify({ intent: 'restart', resource: name, namespace: 'dev', name: 'api' }) },
    { field: 'namespace', payload: (name) => JSON.stringify({ intent: 'restart', resource: 'deployment', namespace: name, name: 'api' }) },
    { field: 'name', payload: (name) => JSON.stringify({ intent: 'restart', resource: 'deployment', namespace: 'dev', name }) },
    { field: 'query', payload: (name) => JSON.stringify({ namespace: 'dev', query: `restart ${name}` }), freeText: true },
    { field: 'params key', payload: (name) => `{"intent":"scale","resource":"deployment","namespace":"dev","name":"api","params":{${JSON.stringify(name)}:3}}` },
    { field: 'params value', payload: (name) => JSON.stringify({ intent: 'logs', resource: 'pod', namespace: 'dev', name: 'api-1', params: { container: name } }) },
    { field: 'top-level key', payload: (name) => `{"intent":"get","resource":"pod","namespace":"dev",${JSON.stringify(name)}:{"x":1}}` },
    { field: 'constraints key', payload: (name) => `{"intent":"get","resource":"pod","namespace":"dev","constraints":{${JSON.stringify(name)}:true}}` },
  ];
  const cases = FIELDS.flatMap(({ field, payload, freeText }) => PROTOTYPE_NAMES.map((name) => ({ field, name, payload, freeText: freeText === true })));

  it.each(cases)('$field: $name behaves like a meaningless word', async ({ name, payload, freeText }) => {
    const withName = JSON.parse(payload(name)) as unknown;
    const withControl = JSON.parse(payload(control(name))) as unknown;
    expect(K8sExecPayloadSchema.safeParse(withName).success).toBe(K8sExecPayloadSchema.safeParse(withControl).success);
    const [planned, controlled] = [await planStatus(core, withName), await planStatus(core, withControl)];
    if (!freeText) {
      expect(planned.status, planned.detail).toBe(controlled.status);
      expect(planned.args, planned.detail).toEqual(controlled.args.map((argument) => argument.replace(control(name), name)));
    }
    // Nothing an Object.prototype name steers may reach a verdict the policy would deny.
    if (planned.args.length > 0 && planned.status !== 'blocked') expect(validate(planned.args, { policy, owner: null }).decision).not.toBe('deny');
  });

  it('never leaves "__proto__" in params silently: the key is refused', () => {
    const payload = JSON.parse('{"intent":"scale","resource":"deployment","namespace":"dev","name":"api","params":{"__proto__":{"replicas":99}}}') as unknown;
    expect(() => parsePayload(payload)).toThrow(/params/);
  });
});

describe('Object.prototype names as card params (renderCard)', () => {
  const cards = loadCards(path.join(projectRoot, 'cards')).cards;

  it.each(PROTOTYPE_NAMES)('an undeclared value named %s is refused by every card, never rendered', (name) => {
    const values = JSON.parse(`{${JSON.stringify(name)}:"x"}`) as Record<string, string>;
    for (const card of cards) {
      const rendered = renderCard(card, values);
      expect(rendered.args, card.id).toEqual([]);
      expect(rendered.invalid.map((problem) => problem.param), card.id).toContain(name);
    }
  });

  it.each(PROTOTYPE_NAMES)('a declared param named %s is missing until given, then rendered as given', (name) => {
    // Built without the schema (whose names are snake_case) to show renderCard itself is safe.
    const card = {
      ...cards[0]!,
      id: 'prototype-param',
      command_template: ['get', 'pods', '-n', 'dev', '-l', `{{${name}}}`],
      params: [{ name, type: 'string', description: 'x', required: true }],
    } as Card;
    const template = card.command_template.map((element) => element.replace(`{{${name}}}`, `{{param}}`));
    // The placeholder syntax is [a-z][a-z0-9_]*, so render through a name it accepts when this one is not.
    const renderable = /^[a-z][a-z0-9_]*$/.test(name) ? card : { ...card, command_template: template, params: [{ ...card.params[0]!, name: 'param' }] };
    const paramName = renderable.params[0]!.name;
    const missing = renderCard(renderable, {});
    expect(missing.args).toEqual([]);
    expect(missing.missing).toEqual([paramName]);
    const given = renderCard(renderable, JSON.parse(`{${JSON.stringify(paramName)}:"app"}`) as Record<string, string>);
    expect(given.args).toEqual(['get', 'pods', '-n', 'dev', '-l', 'app']);
  });
});

describe('Object.prototype names as policy keys', () => {
  const lowerCaseNames = PROTOTYPE_NAMES.filter((name) => /^[a-z][a-z0-9-]*$/.test(name));
  expect(lowerCaseNames).toContain('constructor');

  function policyWith(name: string): { policy?: Policy; problems: unknown[] } {
    return compilePolicy({
      namespaces: { tiers: { [name]: {}, team: {} }, namespaces: { [name]: { tier: name }, apps: { tier: name }, other: { tier: 'team' } } },
      rbac: { tiers: { [name]: [{ verbs: ['get'], resources: ['pod'] }] } },
      guardrails: { rules: [{ id: name, description: 'd', match: { verb: 'delete' }, action: 'deny', message: 'no deletes' }] },
    });
  }

  it.each(lowerCaseNames)('a namespace, tier and guardrail id named %s work like any other name', (name) => {
    const compiled = policyWith(name);
    expect(compiled.problems).toEqual([]);
    const named = compiled.policy!;
    const reference = policyWith(control(name)).policy!;
    for (const args of [['get', 'pods', '-n', name], ['get', 'pods', '-n', 'apps'], ['get', 'pods', '-n', 'other'], ['delete', 'pod', 'x', '-n', 'apps'], ['get', 'pods', '-n', 'unlisted']]) {
      const referenceArgs = args.map((argument) => (argument === name ? control(name) : argument));
      expect(outcome(validate(args, { policy: named, owner: null })), args.join(' ')).toEqual(outcome(validate(referenceArgs, { policy: reference, owner: null })));
    }
    // A tier with no grants and a namespace not listed stay denied, whatever they are called.
    expect(validate(['get', 'pods', '-n', 'other'], { policy: named }).decision).toBe('deny');
  });

  it.each(PROTOTYPE_NAMES)('a namespace %s that is not listed is denied by the shipped policy', (name) => {
    expect(validate(['get', 'pods', '-n', name], { policy }).decision).toBe('deny');
    expect(validate(['rollout', 'restart', 'deployment/api', '-n', name], { policy }).decision).toBe('deny');
  });

  it.each(lowerCaseNames)('rbac namespaces.%s without a namespaces.yaml entry is a load error', (name) => {
    const compiled = compilePolicy({
      namespaces: { tiers: { t: {} }, namespaces: { prod: { tier: 't' } } },
      rbac: { namespaces: { [name]: [{ verbs: ['get'], resources: ['pod'] }] } },
      guardrails: { rules: [] },
    });
    expect(compiled.policy).toBeUndefined();
    expect(compiled.problems.map((problem) => problem.message).join('\n')).toContain(`namespace "${name}" is not listed`);
  });

  it.each(PROTOTYPE_NAMES)('%s as a granted verb or resource, or in a guardrail match or placeholder, is a load error', (name) => {
    const base = { namespaces: { tiers: { t: {} }, namespaces: { prod: { tier: 't' } } }, guardrails: { rules: [] } };
    const rule = (match: Record<string, unknown>, suggestion?: string[]) => ({
      rules: [{ id: 'r', description: 'd', match, action: 'deny', message: 'm', ...(suggestion ? { suggestion: { message: 'm', command_template: suggestion } } : {}) }],
    });
    const variants = [
      { ...base, rbac: { tiers: { t: [{ verbs: [name], resources: ['pod'] }] } } },
      { ...base, rbac: { tiers: { t: [{ verbs: ['get'], resources: [name] }] } } },
      { ...base, rbac: { cluster: [{ verbs: [name], resources: ['node'] }] } },
      { ...base, rbac: { non_resource: [name] } },
      { ...base, rbac: {}, guardrails: rule({ verb: name }) },
      { ...base, rbac: {}, guardrails: rule({ resource: name }) },
      { ...base, rbac: {}, guardrails: rule({ tier: name }) },
      { ...base, rbac: {}, guardrails: rule({ owned_by: name }) },
      { ...base, rbac: {}, guardrails: rule({ verb: 'delete' }, ['get', `{{${name}}}`]) },
    ];
    for (const sources of variants) {
      const compiled = compilePolicy(sources);
      expect(compiled.policy, JSON.stringify(sources)).toBeUndefined();
    }
  });

  it.each(PROTOTYPE_NAMES)('a guardrail flag condition named %s is a load error, never silently dropped', (name) => {
    const compiled = compilePolicy({
      namespaces: { tiers: { t: {} }, namespaces: { prod: { tier: 't' } } },
      rbac: {},
      guardrails: JSON.parse(`{"rules":[{"id":"r","description":"d","match":{"verb":"scale","flags":{${JSON.stringify(name)}:true}},"action":"deny","message":"m"}]}`) as unknown,
    });
    expect(compiled.policy).toBeUndefined();
    expect(compiled.problems.length).toBeGreaterThan(0);
  });

  it.each(PROTOTYPE_NAMES)('org files on disk that use %s as keys load or fail like any other name', (name) => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-proto-org-'));
    const write = (file: string, data: unknown) => writeFileSync(path.join(directory, file), yaml.dump(data));
    mkdirSync(directory, { recursive: true });
    write('namespaces.yaml', { tiers: { [name]: {} }, namespaces: { [name]: { tier: name } } });
    write('rbac-allowlist.yaml', { tiers: { [name]: [{ verbs: ['get'], resources: ['pod'] }] } });
    write('guardrails.yaml', { rules: [] });
    const loaded = loadPolicy(directory);
    const valid = /^[a-z][a-z0-9-]*$/.test(name);
    expect(loaded.policy !== undefined, JSON.stringify(loaded.problems)).toBe(valid);
    if (loaded.policy) {
      expect(validate(['get', 'pods', '-n', name], { policy: loaded.policy }).decision).toBe('allow');
      expect(validate(['delete', 'pod', 'x', '-n', name], { policy: loaded.policy }).decision).toBe('deny');
    }
  });
});

describe('Object.prototype names as card ids', () => {
  let core: Core;
  beforeAll(async () => {
    ({ core } = await createRealCore());
  }, 60_000);

  it.each(PROTOTYPE_NAMES)('the catalog has no card %s', (name) => {
    expect(core.cards.get(name)).toBeUndefined();
    expect(core.cards.has(name)).toBe(false);
  });

  it('a card whose id is a prototype name is found by that id only', () => {
    const base = loadCards(path.join(projectRoot, 'cards')).cards[0]!;
    const card = CardSchema.parse({ ...base, id: 'constructor' });
    const catalog: ReadonlyMap<string, Card> = new Map([[card.id, card]]);
    expect(catalog.get('constructor')?.id).toBe('constructor');
    for (const name of PROTOTYPE_NAMES.filter((candidate) => candidate !== 'constructor')) expect(catalog.get(name)).toBeUndefined();
  });
});

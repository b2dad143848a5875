/**
 * Property tests: whatever argv a planner, a card or an attacker produces, validate() never throws,
 * never allows an always-denied flag or verb in any spelling, and never allows a change in a
 * namespace whose tier does not grant it. The oracle below is written independently of the
 * validator, from the generated tokens and a hand-written copy of the shipped org/ policy.
 */
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VerdictSchema, type Verdict } from '../../../src/schemas/verdict.js';
import { loadCards } from '../../../src/corpus/load-cards.js';
import { loadPolicy } from '../../../src/validate/load-policy.js';
import { validate } from '../../../src/validate/validate.js';

const root = path.resolve(import.meta.dirname, '../../..');
const policy = loadPolicy(path.join(root, 'org')).policy!;
const CONFIGURED_CONTEXT = 'sandbox';

/** The shipped tiers, restated for the oracle: which namespaced changes each namespace permits. */
const NAMESPACE_MUTATIONS: Readonly<Record<string, ReadonlySet<string>>> = {
  prod: new Set(['rollout restart', 'rollout undo', 'scale']),
  staging: new Set(['rollout restart', 'rollout undo', 'rollout pause', 'rollout resume', 'scale', 'delete']),
  dev: new Set(['rollout restart', 'rollout undo', 'rollout pause', 'rollout resume', 'scale', 'delete']),
  'kube-system': new Set(),
  default: new Set(),
};
const FORBIDDEN_VERBS = ['config', 'exec', 'attach', 'cp', 'proxy', 'port-forward', 'edit', 'run', 'debug', 'apply', 'create', 'replace', 'patch'];
const FORBIDDEN_FLAG_SPELLING =
  /^--(kubeconfig|token|server|as|as[-_]group|as[-_]uid|insecure[-_]skip[-_]tls[-_]verify|user|username|password|client[-_]key|client[-_]certificate|raw)(=|$)|^-s/;
const NAMESPACE_SPELLING = /^(-n|--namespace)(=?)(.*)$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

const namespaces = ['prod', 'staging', 'dev', 'kube-system', 'default', 'payments', 'team-a', 'PROD', 'prod;rm', ''];
const namespaceTokens = fc.constantFrom(...namespaces).chain((namespace) =>
  fc.constantFrom([`-n`, namespace], [`-n${namespace}`], [`-n=${namespace}`], ['--namespace', namespace], [`--namespace=${namespace}`], [`--namespace_x=${namespace}`]),
);
const forbiddenFlagTokens = fc.constantFrom(
  ['--kubeconfig', '/tmp/k'], ['--kubeconfig=/tmp/k'], ['--token', 'abc'], ['--token=abc'], ['--server', 'https://x'], ['--server=https://x'],
  ['-s', 'https://x'], ['-shttps://x'], ['-s=https://x'], ['--as', 'admin'], ['--as=admin'], ['--as-group=system:masters'],
  ['--as_group', 'system:masters'], ['--as-uid=0'], ['--insecure-skip-tls-verify'], ['--insecure-skip-tls-verify=true'],
  ['--insecure_skip_tls_verify'], ['--user=admin'], ['--raw', '/api'], ['--client-key=/k'],
);
const targetFlagTokens = fc.constantFrom(['--context=other'], ['--context', 'other'], ['--cluster=evil'], ['--context=sandbox'], ['--context', CONFIGURED_CONTEXT]);
const bulkTokens = fc.constantFrom(['-A'], ['--all-namespaces'], ['--all'], ['--all=true'], ['-l', 'app=api'], ['--selector=app=api'], ['--field-selector=a=b'], ['-Aw']);
const otherFlagTokens = fc.constantFrom(
  ['-o', 'yaml'], ['-ojson'], ['--output=jsonpath={.data}'], ['-o', 'name'], ['-o', 'wide'], ['--template={{.data}}'], ['--replicas=0'],
  ['--replicas', '3'], ['--dry-run=server'], ['--dry-run', 'server'], ['--force'], ['--grace-period=0'], ['--grace-period', '30'],
  ['--ignore-daemonsets'], ['-p'], ['--tail=10'], ['-c', 'envoy'], ['-w'], ['--to-revision=1'], ['--'], ['--bogus'], ['-x'],
  ['--cascade', 'orphan'], ['--disable-eviction'], ['-f', 'x.yaml'],
);
const noiseTokens = fc.oneof(
  fc.string({ maxLength: 12 }).map((text) => [text]),
  fc.constantFrom(['a\u0000b'], ['x\ny'], ['pods\r'], ['-'], ['--='], ['-n'], ['--namespace'], ['sh', '-c', 'rm -rf /']),
);
const targetTokens = fc.constantFrom(
  ['deploy/api'], ['deployment', 'api'], ['deployments.apps', 'api'], ['deployment'], ['po/api-1'], ['pods'], ['pod', 'api-1'],
  ['pods', 'a', 'b'], ['secret/db'], ['secrets'], ['Secret', 'db'], ['pods,secrets'], ['node-1'], ['node/node-1'], ['ns', 'prod'],
  ['namespace/dev'], ['pvc/data-db-0'], ['svc', 'api'], ['sts/db'], ['ds/node-exporter'], ['job', 'nightly'], ['all'],
  ['configmap/api-config'], ['widgets/x'], [],
);
const verbs = fc.oneof(
  fc.constantFrom('get', 'describe', 'logs', 'events', 'scale', 'cordon', 'uncordon', 'drain', 'delete', 'version', 'api-resources'),
  fc.constantFrom('rollout restart', 'rollout undo', 'rollout status', 'rollout history', 'rollout pause', 'rollout resume', 'rollout bogus'),
  fc.constantFrom('top pod', 'top node', 'auth can-i', 'auth whoami'),
  fc.constantFrom(...FORBIDDEN_VERBS, 'config view', 'EXEC', 'Exec', 'Config', 'kubectl', 'frobnicate', ''),
);

/** A generated command: units of tokens (a flag with its value stays together), then shuffled. */
const commands = fc
  .record({
    pre: fc.array(fc.oneof(namespaceTokens, forbiddenFlagTokens, targetFlagTokens, fc.constant(['-o', 'yaml'])), { maxLength: 2 }),
    verb: verbs,
    target: targetTokens,
    extras: fc.array(
      fc.oneof(
        { weight: 4, arbitrary: namespaceTokens },
        { weight: 2, arbitrary: forbiddenFlagTokens },
        { weight: 1, arbitrary: targetFlagTokens },
        { weight: 2, arbitrary: bulkTokens },
        { weight: 3, arbitrary: otherFlagTokens },
        { weight: 1, arbitrary: noiseTokens },
      ),
      { maxLength: 4 },
    ),
    order: fc.array(fc.nat(), { maxLength: 8 }),
  })
  .map(({ pre, verb, target, extras, order }) => {
    const units: Array<readonly string[]> = [target, ...extras];
    // A deterministic shuffle driven by the generated numbers, so failures shrink and replay.
    for (let index = units.length - 1; index > 0; index--) {
      const swap = (order[index % Math.max(order.length, 1)] ?? 0) % (index + 1);
      [units[index], units[swap]] = [units[swap]!, units[index]!];
    }
    const verbWords = verb === '' ? [] : verb.split(' ');
    return { verb: verbWords, args: [...pre.flat(), ...verbWords, ...units.flat()] };
  });

/** The oracle: what must hold of a verdict for these tokens, from the tokens alone. */
function checkInvariants(verbWords: readonly string[], args: readonly string[], verdict: Verdict): void {
  expect(VerdictSchema.safeParse(verdict).success).toBe(true);
  const deny = verdict.decision === 'deny';
  if (args.length === 0) expect(deny).toBe(true);
  // Always-denied flags, in every spelling.
  for (const [index, argument] of args.entries()) {
    if (FORBIDDEN_FLAG_SPELLING.test(argument)) expect(deny, `forbidden flag ${argument}`).toBe(true);
    if (/^--(context|cluster)(=|$)/.test(argument)) {
      const value = argument.includes('=') ? argument.slice(argument.indexOf('=') + 1) : args[index + 1];
      if (value !== CONFIGURED_CONTEXT) expect(deny, `switch ${argument} ${value}`).toBe(true);
    }
    if (CONTROL.test(argument)) expect(deny, 'control character').toBe(true);
  }
  // Always-denied verbs, in any case.
  const verb = verbWords[0]?.toLowerCase();
  if (verb !== undefined && FORBIDDEN_VERBS.includes(verb)) expect(deny, `forbidden verb ${verb}`).toBe(true);
  // Secret data.
  const secret = args.some((argument) => /(^|,)secrets?(\/|,|$)/i.test(argument));
  const dataOutput = args.some((argument, index) => /^(-o|--output)=?(yaml|json|jsonpath|go-template)/.test(argument) || (argument === '-o' && /^(yaml|json)/.test(args[index + 1] ?? '')) || argument.startsWith('--template'));
  if (secret && dataOutput) expect(deny, 'secret data').toBe(true);

  // Changes: never plain "allow", never in a namespace whose tier does not grant them, never bulk.
  const mutationVerb = verbWords.join(' ');
  const isMutation = ['delete', 'scale', 'cordon', 'uncordon', 'drain', 'rollout restart', 'rollout undo', 'rollout pause', 'rollout resume'].includes(mutationVerb);
  if (!isMutation || deny) return;
  expect(verdict.decision, 'a change is never allowed without confirmation').toBe('confirm');
  expect(args.some((argument) => /^(-A|-Aw|--all-namespaces|--all|--all=true|-l|--selector|--field-selector)(=|$)/.test(argument)), 'bulk change').toBe(false);
  if (['cordon', 'uncordon', 'drain'].includes(mutationVerb)) return;
  const given = new Set<string>();
  args.forEach((argument, index) => {
    const match = NAMESPACE_SPELLING.exec(argument);
    if (!match) return;
    given.add(match[3] !== '' ? match[3]! : (args[index + 1] ?? ''));
  });
  expect(given.size, `one namespace for ${args.join(' ')}`).toBe(1);
  const [namespace] = [...given];
  expect(NAMESPACE_MUTATIONS[namespace!]?.has(mutationVerb), `${mutationVerb} allowed in ${namespace}`).toBe(true);
}

describe('validate() properties', () => {
  it('holds the invariants over 10,000 generated argvs', () => {
    let allowed = 0;
    let confirmed = 0;
    fc.assert(
      fc.property(commands, ({ verb, args }) => {
        let verdict: Verdict | undefined;
        expect(() => {
          verdict = validate(args, { policy, configuredContext: CONFIGURED_CONTEXT });
        }).not.toThrow();
        if (verdict!.decision === 'allow') allowed++;
        if (verdict!.decision === 'confirm') confirmed++;
        checkInvariants(verb, args, verdict!);
      }),
      { numRuns: 10_000 },
    );
    // The generator must reach the interesting region, or the properties hold vacuously. Runs are
    // random (a typical run allows ~100 and confirms a few dozen), so the floors sit well below
    // the mean: high enough to catch a generator that stopped reaching allowed/confirmed commands.
    expect(allowed).toBeGreaterThan(40);
    expect(confirmed).toBeGreaterThan(10);
  });

  it('holds the invariants over payloads rendered into every card template without the renderer\'s checks', () => {
    const { cards } = loadCards(path.join(root, 'cards'));
    expect(cards.length).toBeGreaterThan(0);
    const hostile = fc.constantFrom(
      'prod', 'staging', 'dev', 'kube-system', 'payments', 'api', 'api-5d8f7c9b6-2xkqp', 'node-1', '0', '3', '-A', '--all',
      '--token=x', '--kubeconfig=/k', '-s', 'https://evil', 'a\nb', 'x\u0000', 'prod --context=other', '--context=other', '--as=admin',
      'secret/db', '../../etc/passwd', '$(rm -rf /)', '; rm -rf /', '--force', '--grace-period=0', 'exec',
    );
    const payloads = fc.record({
      card: fc.constantFrom(...cards),
      values: fc.dictionary(fc.constantFrom('namespace', 'name', 'pod', 'node', 'container', 'replicas', 'revision', 'tail_lines', 'since', 'selector', 'kind', 'resource'), fc.oneof(hostile, fc.string({ maxLength: 10 }))),
      owner: fc.constantFrom(undefined, null, { kind: 'Deployment', name: 'api' }, { kind: 'ReplicaSet', name: 'api-5d8f7c9b6' }),
    });
    fc.assert(
      fc.property(payloads, ({ card, values, owner }) => {
        // A compromised planner: every placeholder filled with whatever it likes, unchecked.
        const args = card.command_template.map((element) =>
          element.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_whole, name: string) => values[name] ?? 'x'),
        );
        const verdict = validate(args, { policy, cardRisk: card.risk_level, configuredContext: CONFIGURED_CONTEXT, owner });
        const verbWords = args[0] === 'rollout' || args[0] === 'top' || args[0] === 'auth' ? args.slice(0, 2) : args.slice(0, 1);
        checkInvariants(verbWords, args, verdict);
        // The card's risk is a floor.
        const order = ['none', 'low', 'medium', 'high'];
        expect(order.indexOf(verdict.risk)).toBeGreaterThanOrEqual(order.indexOf(card.risk_level));
      }),
      { numRuns: 3_000 },
    );
  });
});

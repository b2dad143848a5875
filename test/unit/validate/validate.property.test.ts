/**
 * Property tests: whatever argv a planner, a card or an attacker produces, validate() never throws,
 * never allows an always-denied flag or verb in any spelling, and never allows a change in a
 * namespace whose tier does not grant it. The oracle below is written independently of the
 * validator, from the generated tokens and a hand-written copy of the shipped org/ policy.
 *
 * Seeds: each property runs twice, once with a fixed seed (the same cases every run, so its
 * coverage floors can be tight) and once with RK8S_PROPERTY_SEED or, when that is unset, a random
 * seed. Both seeds are in the test names; fast-check's failure report repeats the seed and the
 * shrunk case. Replay a failure with RK8S_PROPERTY_SEED=<seed> npx vitest run <this file>.
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

/** The seed every run uses. */
const FIXED_SEED = 1_200_612;
const environmentSeed = process.env.RK8S_PROPERTY_SEED;
if (environmentSeed !== undefined && !/^-?\d+$/.test(environmentSeed)) throw new Error(`RK8S_PROPERTY_SEED must be an integer, not ${JSON.stringify(environmentSeed)}`);
/** The second run's seed: the given one, or a fresh random one. */
const VARIABLE_SEED = environmentSeed !== undefined ? Number(environmentSeed) : Math.floor(Math.random() * 2 ** 31);
const SEEDS = [
  { label: `fixed seed ${FIXED_SEED}`, seed: FIXED_SEED, fixed: true },
  { label: `${environmentSeed !== undefined ? 'RK8S_PROPERTY_SEED' : 'random seed'} ${VARIABLE_SEED}`, seed: VARIABLE_SEED, fixed: false },
];
console.info(`validate() properties: fixed seed ${FIXED_SEED}, second seed ${VARIABLE_SEED} (replay with RK8S_PROPERTY_SEED=${VARIABLE_SEED})`);

/** The shipped tiers, restated for the oracle: which namespaced changes each namespace permits. */
const NAMESPACE_MUTATIONS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['prod', new Set(['rollout restart', 'rollout undo', 'scale', 'create job'])],
  ['staging', new Set(['rollout restart', 'rollout undo', 'rollout pause', 'rollout resume', 'scale', 'delete', 'create job', 'patch'])],
  ['dev', new Set(['rollout restart', 'rollout undo', 'rollout pause', 'rollout resume', 'scale', 'delete', 'create job', 'patch'])],
  ['kube-system', new Set<string>()],
  ['default', new Set<string>()],
]);
const FORBIDDEN_VERBS = ['config', 'exec', 'attach', 'cp', 'proxy', 'port-forward', 'edit', 'run', 'debug', 'apply', 'replace'];
/** Verbs with one accepted form (create job --from=cronjob/X, the suspend/resume patch); anything else denies. */
const NARROW_VERBS = ['create', 'patch'];
const SUSPEND_BODY = /^\{\s*"spec"\s*:\s*\{\s*"suspend"\s*:\s*(true|false)\s*\}\s*\}$/;
const FORBIDDEN_FLAG_SPELLING =
  /^--(kubeconfig|token|server|as|as[-_]group|as[-_]uid|insecure[-_]skip[-_]tls[-_]verify|user|username|password|client[-_]key|client[-_]certificate|raw)(=|$)|^-s/;
const NAMESPACE_SPELLING = /^(-n|--namespace)(=?)(.*)$/;
/** Controls, format characters and every space but the ASCII one. */
const CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|(?! )\p{Zs}/u;
/** Flags kubectl 1.32 reads with a separate value (a conservative list: a word after any other flag is positional). */
const VALUE_FLAGS = new Set([
  '-n', '--namespace', '-o', '--output', '-l', '--selector', '-c', '--container', '--context', '--cluster', '--kubeconfig',
  '--token', '--server', '-s', '--as', '--as-group', '--as_group', '--as-uid', '--user', '--raw', '--replicas', '--grace-period',
  '--tail', '--to-revision', '-f', '--for', '--field-selector', '--client-key', '--template', '--from', '--type', '-p',
]);

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
  ['--cascade', 'orphan'], ['--disable-eviction'], ['-f', 'x.yaml'], ['--output-watch-events'], ['--from=cronjob/nightly'],
  ['--from', 'cronjob/nightly'], ['--from=deployment/api'], ['--type=merge'], ['--type', 'json'], ['-p', '{"spec":{"suspend":true}}'],
  ['-p', '{"spec":{"suspend":false,"x":1}}'], ['--patch={"spec": {"suspend": false}}'],
);
/**
 * kubectl 1.32's boolean flags of `get` (from its --help), each followed by Secret-type words and a
 * data output: if the parser ever reads one as taking a value, "secrets" escapes the Secret rule.
 */
const booleanFlagBeforeSecretTokens = fc
  .constantFrom('watch', 'watch-only', 'output-watch-events', 'show-labels', 'show-kind', 'ignore-not-found', 'no-headers', 'show-managed-fields', 'server-print', 'recursive')
  .chain((flag) => fc.constantFrom([`--${flag}`, 'secrets', 'quota', '-o', 'yaml'], [`--${flag}`, 'secret', 'role', '-ojson']));
const noiseTokens = fc.oneof(
  fc.string({ maxLength: 12 }).map((text) => [text]),
  fc.string({ unit: 'binary', maxLength: 6 }).map((text) => [text]),
  fc.constantFrom(['a\u0000b'], ['x\ny'], ['pods\r'], ['pods\u00a0'], ['secret\u200b'], ['\u202epods'], ['-'], ['--='], ['-n'], ['--namespace'], ['sh', '-c', 'rm -rf /']),
);
const targetTokens = fc.constantFrom(
  ['deploy/api'], ['deployment', 'api'], ['deployments.apps', 'api'], ['deployment'], ['po/api-1'], ['pods'], ['pod', 'api-1'],
  ['pods', 'a', 'b'], ['secret/db'], ['secrets'], ['Secret', 'db'], ['pods,secrets'], ['node-1'], ['node/node-1'], ['ns', 'prod'],
  ['namespace/dev'], ['pvc/data-db-0'], ['svc', 'api'], ['sts/db'], ['ds/node-exporter'], ['job', 'nightly'], ['all'],
  ['configmap/api-config'], ['widgets/x'], ['cronjob', 'nightly'], ['cronjob/nightly'], ['manual-1'], ['constructor'], ['role'], ['secrets', 'quota'], ['secret', 'role'], [],
);
const verbs = fc.oneof(
  fc.constantFrom('get', 'describe', 'logs', 'events', 'scale', 'cordon', 'uncordon', 'drain', 'delete', 'version', 'api-resources'),
  fc.constantFrom('rollout restart', 'rollout undo', 'rollout status', 'rollout history', 'rollout pause', 'rollout resume', 'rollout bogus'),
  fc.constantFrom('top pod', 'top node', 'auth can-i', 'auth whoami', 'create job', 'patch'),
  fc.constantFrom(...FORBIDDEN_VERBS, ...NARROW_VERBS, 'create deployment', 'config view', 'EXEC', 'Exec', 'Config', 'kubectl', 'frobnicate', 'constructor', '__proto__', 'rollout toString', ''),
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
        { weight: 2, arbitrary: booleanFlagBeforeSecretTokens },
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

/**
 * True when the argv is a `get` of the Secret type printing object data. The type is the first
 * positional after the verb (a flag's separate value is not positional): "secrets" or a list with
 * it, or, in TYPE/NAME form, any secret/NAME. A later plain word is an object name, not a type.
 */
function secretDataRead(verbWords: readonly string[], args: readonly string[]): boolean {
  if (verbWords[0] !== 'get') return false;
  const verbIndex = args.indexOf('get');
  const positionals = args.filter((argument, index) => index > verbIndex && !argument.startsWith('-') && !VALUE_FLAGS.has(args[index - 1]!));
  const [first] = positionals;
  if (first === undefined) return false;
  const namesSecrets = first.includes('/')
    ? positionals.some((argument) => /^secrets?\//i.test(argument))
    : first.split(',').some((type) => /^secrets?$/i.test(type));
  const dataOutput = args.some((argument, index) =>
    /^(-o|--output)=?(yaml|json|jsonpath|go-template|custom-columns|template)/.test(argument) ||
    ((argument === '-o' || argument === '--output') && /^(yaml|json|jsonpath|go-template|custom-columns|template)/.test(args[index + 1] ?? '')) ||
    argument.startsWith('--template'));
  return namesSecrets && dataOutput;
}

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
  // Secret data: a `get` whose positional arguments name the Secret type, with an output that prints data.
  if (secretDataRead(verbWords, args)) expect(deny, 'secret data').toBe(true);
  // The narrow forms: create and patch pass only as exactly their one form.
  if (verb !== undefined && NARROW_VERBS.includes(verb) && !deny) {
    if (verb === 'create') {
      expect(verbWords[1], 'only create job').toBe('job');
      const from = args.flatMap((argument, index) => (argument.startsWith('--from=') ? [argument.slice(7)] : argument === '--from' ? [args[index + 1] ?? ''] : []));
      expect(from.length === 1 && /^cronjob\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(from[0]!), `create job from ${JSON.stringify(from)}`).toBe(true);
    } else {
      const bodies = args.flatMap((argument, index) => (argument.startsWith('--patch=') ? [argument.slice(8)] : argument === '-p' ? [args[index + 1] ?? ''] : []));
      expect(bodies.length === 1 && SUSPEND_BODY.test(bodies[0]!), `patch body ${JSON.stringify(bodies)}`).toBe(true);
      expect(args.includes('--type=merge') || args.some((argument, index) => argument === '--type' && args[index + 1] === 'merge'), 'patch --type=merge').toBe(true);
      expect(args.some((argument) => /^(cronjob|cronjobs|cj)(\/|$)/.test(argument)), 'patch of a cronjob').toBe(true);
    }
  }

  // Changes: never plain "allow", never in a namespace whose tier does not grant them, never bulk.
  const mutationVerb = verbWords.join(' ');
  const isMutation = ['delete', 'scale', 'cordon', 'uncordon', 'drain', 'rollout restart', 'rollout undo', 'rollout pause', 'rollout resume', 'create job', 'patch'].includes(mutationVerb);
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
  expect(NAMESPACE_MUTATIONS.get(namespace!)?.has(mutationVerb), `${mutationVerb} allowed in ${namespace}`).toBe(true);
}

/**
 * Floors per seed, so the properties never hold vacuously: the fixed seed's sit just under what it
 * reaches today (88 allowed, 47 confirmed, 30 Secret data reads); a random seed's well below the
 * typical 70-110 allowed, 40-57 confirmed, 30-45 Secret reads.
 */
const ARGV_FLOORS = { fixed: { allowed: 80, confirmed: 42, secretReads: 25 }, random: { allowed: 35, confirmed: 15, secretReads: 10 } };
// With 114 cards (more parameters the generator does not fill), the fixed seed reaches 192 and random ones about 210
// (117 cards with the CronJob ones: the fixed seed reaches 210).
const CARD_FLOORS = { fixed: { passed: 180 }, random: { passed: 120 } };

describe.each(SEEDS)('validate() properties ($label)', ({ seed, fixed }) => {
  it('holds the invariants over 10,000 generated argvs', () => {
    let allowed = 0;
    let confirmed = 0;
    let secretReads = 0;
    fc.assert(
      fc.property(commands, ({ verb, args }) => {
        if (secretDataRead(verb, args)) secretReads++;
        let verdict: Verdict | undefined;
        expect(() => {
          verdict = validate(args, { policy, configuredContext: CONFIGURED_CONTEXT });
        }).not.toThrow();
        if (verdict!.decision === 'allow') allowed++;
        if (verdict!.decision === 'confirm') confirmed++;
        checkInvariants(verb, args, verdict!);
      }),
      { numRuns: 10_000, seed, verbose: 1 },
    );
    console.info(`seed ${seed}: ${allowed} allowed, ${confirmed} confirmed, ${secretReads} Secret data reads of 10,000`);
    // The generator must reach the interesting region, or the properties hold vacuously.
    const floors = fixed ? ARGV_FLOORS.fixed : ARGV_FLOORS.random;
    expect(allowed, `allowed commands (seed ${seed})`).toBeGreaterThanOrEqual(floors.allowed);
    expect(confirmed, `confirmed commands (seed ${seed})`).toBeGreaterThanOrEqual(floors.confirmed);
    expect(secretReads, `Secret data reads tried (seed ${seed})`).toBeGreaterThanOrEqual(floors.secretReads);
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
    let passed = 0;
    fc.assert(
      fc.property(payloads, ({ card, values, owner }) => {
        // A compromised planner: every placeholder filled with whatever it likes, unchecked.
        const args = card.command_template.map((element) =>
          element.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_whole, name: string) => values[name] ?? 'x'),
        );
        const verdict = validate(args, { policy, cardRisk: card.risk_level, configuredContext: CONFIGURED_CONTEXT, owner });
        if (verdict.decision !== 'deny') passed++;
        // Verbs of two words: `rollout restart`, `top pod`, `auth can-i`, `create job` (the trigger-cronjob card).
        const verbWords = args[0] === 'rollout' || args[0] === 'top' || args[0] === 'auth' || args[0] === 'create' ? args.slice(0, 2) : args.slice(0, 1);
        checkInvariants(verbWords, args, verdict);
        // The card's risk is a floor.
        const order = ['none', 'low', 'medium', 'high'];
        expect(order.indexOf(verdict.risk)).toBeGreaterThanOrEqual(order.indexOf(card.risk_level));
      }),
      { numRuns: 3_000, seed, verbose: 1 },
    );
    console.info(`seed ${seed}: ${passed} of 3,000 hostile card fillings passed`);
    expect(passed, `card fillings that pass (seed ${seed})`).toBeGreaterThanOrEqual(fixed ? CARD_FLOORS.fixed.passed : CARD_FLOORS.random.passed);
  });
});

describe('the Secret data oracle', () => {
  it.each([
    [['version', '-n', 'secrets', '-o', 'yaml'], false],
    [['get', 'pods', '-n', 'secrets', '-o', 'yaml'], false],
    [['get', 'pods', 'secrets', '-n', 'dev', '-o', 'yaml'], false],
    [['get', 'secrets', '-n', 'dev'], false],
    [['get', 'secrets', '-n', 'dev', '-o', 'name'], false],
    [['get', 'secrets', '-n', 'dev', '-o', 'yaml'], true],
    [['get', 'pods,Secret', '-n', 'dev', '-ojson'], true],
    [['get', 'po/a', 'secret/db', '-n', 'dev', '--template={{.data}}'], true],
    [['get', '--output-watch-events', 'secret', 'role', '-n', 'prod', '-o', 'yaml', '-w'], true],
  ])('%j -> %s', (args, expected) => {
    expect(secretDataRead([args[0]!], args)).toBe(expected);
  });
});

/**
 * Class guard for mis-declared flags (issue #12 item 1): the parser's flag table must say exactly
 * what the real kubectl says about every flag it lists (existence, shorthand, boolean / value /
 * optional value). A value flag declared boolean lets the next word escape the parse; a boolean
 * declared value swallows the next word (`get --output-watch-events secret ...` read "secret" as a
 * value and let kubectl print a Secret). Flags kubectl has and rk8s does not list are fine, they
 * deny as unknown, which this file checks too, for every command, before the verb and in clusters.
 *
 * Runs the real kubectl (no cluster needed). Without kubectl it skips locally, and fails with CI=true.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeWith, kubectlPath } from '../helpers/prerequisites.js';
import { INTEGER_FLAGS } from '../../src/validate/flag-values.js';
import { COMMANDS, GLOBAL_FLAGS, type CommandSpec, type FlagSpec } from '../../src/validate/kubectl-commands.js';
import { loadPolicy } from '../../src/validate/load-policy.js';
import { validate } from '../../src/validate/validate.js';
import { helpText, parseHelpFlags, probeFlag, runKubectl, shorthandExists, type HelpFlag } from './kubectl-help.js';


const policy = loadPolicy(path.resolve(import.meta.dirname, '../../org')).policy!;

/** A valid command line per command key (dev tier: everything granted), to which a flag is added. */
const BASE_ARGS: ReadonlyMap<string, readonly string[]> = new Map([
  ['get', ['get', 'pods', '-n', 'dev']],
  ['describe', ['describe', 'pod', 'api-1', '-n', 'dev']],
  ['logs', ['logs', 'api-1', '-n', 'dev']],
  ['top pod', ['top', 'pod', '-n', 'dev']],
  ['top node', ['top', 'node']],
  ['events', ['events', '-n', 'dev']],
  ['rollout status', ['rollout', 'status', 'deployment/api', '-n', 'dev']],
  ['rollout history', ['rollout', 'history', 'deployment/api', '-n', 'dev']],
  ['rollout restart', ['rollout', 'restart', 'deployment/api', '-n', 'dev']],
  ['rollout undo', ['rollout', 'undo', 'deployment/api', '-n', 'dev']],
  ['rollout pause', ['rollout', 'pause', 'deployment/api', '-n', 'dev']],
  ['rollout resume', ['rollout', 'resume', 'deployment/api', '-n', 'dev']],
  ['scale', ['scale', 'deployment/api', '--replicas=2', '-n', 'dev']],
  ['cordon', ['cordon', 'node-1']],
  ['uncordon', ['uncordon', 'node-1']],
  ['drain', ['drain', 'node-1', '--ignore-daemonsets']],
  ['delete', ['delete', 'configmap', 'old-config', '-n', 'dev']],
  ['auth can-i', ['auth', 'can-i', 'get', 'pods', '-n', 'dev']],
  ['auth whoami', ['auth', 'whoami']],
  ['version', ['version']],
  ['api-resources', ['api-resources']],
  ['api-versions', ['api-versions']],
  ['create job', ['create', 'job', 'manual-1', '--from=cronjob/nightly', '-n', 'dev']],
  ['patch', ['patch', 'cronjob', 'nightly', '-n', 'dev', '--type=merge', '-p', '{"spec":{"suspend":true}}']],
]);

const specs = [...COMMANDS.values()];
const words = (spec: CommandSpec) => spec.key.split(' ');

/** Runs `work` over items, at most `limit` at a time (the machine has two cores). */
async function inBatches<Item, Result>(items: readonly Item[], limit: number, work: (item: Item) => Promise<Result>): Promise<Result[]> {
  const results: Result[] = [];
  for (let start = 0; start < items.length; start += limit) results.push(...(await Promise.all(items.slice(start, start + limit).map(work))));
  return results;
}

/** What is wrong with one rk8s flag compared with kubectl (empty when they agree). */
async function mismatches(kubectl: string, commandWords: readonly string[], help: ReadonlyMap<string, HelpFlag>, flag: FlagSpec): Promise<string[]> {
  const label = `${commandWords.join(' ')} --${flag.name}`;
  const problems: string[] = [];
  const listed = help.get(flag.name);
  // The help text is authoritative for booleans; probes tell a value flag from a NoOptDefVal one and
  // find flags the help hides. A listed boolean the table also calls boolean needs no probe.
  const probed = listed?.kind === 'boolean' && flag.kind === 'boolean' ? 'boolean' : await probeFlag(kubectl, commandWords, flag.name);
  if (probed === 'unknown') return [`${label}: kubectl has no such flag (rk8s lists it as ${flag.kind})`];
  if (listed && (listed.short ?? undefined) !== (flag.short ?? undefined)) {
    problems.push(`${label}: shorthand is ${listed.short ? `-${listed.short}` : 'none'} in kubectl, ${flag.short ? `-${flag.short}` : 'none'} in rk8s`);
  }
  if (!listed && flag.short && !(await shorthandExists(kubectl, commandWords, flag.short))) {
    problems.push(`${label}: kubectl has no shorthand -${flag.short}`);
  }
  // The help text's kind and the probe's must agree with each other, and with the table.
  if (listed && (listed.kind === 'boolean') !== (probed === 'boolean')) problems.push(`${label}: help says ${listed.kind}, the parse probe says ${probed}`);
  if (probed !== flag.kind) problems.push(`${label}: kubectl reads it as ${probed}, rk8s as ${flag.kind}`);
  if (INTEGER_FLAGS.has(flag.name) && listed && !/^-?\d+$/.test(listed.defaultText)) {
    problems.push(`${label}: rk8s checks it as an integer, kubectl's default is ${listed.defaultText}`);
  }
  return problems;
}

describeWith(['kubectl'], 'the parser\'s flag table matches kubectl', () => {
  const kubectl = kubectlPath ?? 'kubectl';

  it('runs the kubectl the table was written for (1.32)', async () => {
    const version = await runKubectl(kubectl, ['version', '--client', '-o', 'json']);
    expect(version.exitCode, version.stderr).toBe(0);
    const client = (JSON.parse(version.stdout) as { clientVersion: { major: string; minor: string } }).clientVersion;
    expect(`${client.major}.${client.minor.replace(/\D+$/, '')}`).toBe('1.32');
  });

  it('lists only global flags that `kubectl options` has, with their kind and shorthand', async () => {
    const help = parseHelpFlags(await helpText(kubectl, ['options']));
    expect(help.size, 'the options text was parsed').toBeGreaterThan(20);
    const problems = (await inBatches(GLOBAL_FLAGS, 4, (flag) => mismatches(kubectl, ['get'], help, flag))).flat();
    expect(problems).toEqual([]);
    const unlisted = [...help.keys()].filter((name) => !GLOBAL_FLAGS.some((flag) => flag.name === name));
    console.info(`kubectl options: ${help.size} global flags, ${GLOBAL_FLAGS.length} in rk8s's table, ${unlisted.length} not listed (denied as unknown): ${unlisted.join(', ')}`);
  }, 120_000);

  it.each(specs.map((spec) => ({ key: spec.key, spec })))('lists only flags `kubectl $key --help` has, with their kind and shorthand', async ({ spec }) => {
    const text = await helpText(kubectl, words(spec));
    expect(text, 'kubectl printed the command\'s help').toContain(`kubectl ${spec.key}`);
    const help = parseHelpFlags(text);
    if (spec.flags.length > 0) expect(help.size, 'the help text was parsed').toBeGreaterThan(0);
    const problems = (await inBatches(spec.flags, 4, (flag) => mismatches(kubectl, words(spec), help, flag))).flat();
    expect(problems).toEqual([]);
    const unlisted = [...help.keys()].filter((name) => !spec.flags.some((flag) => flag.name === name));
    console.info(`kubectl ${spec.key}: ${help.size} flags, ${spec.flags.length} in rk8s's table, ${unlisted.length} not listed (denied as unknown)${unlisted.length ? `: ${unlisted.join(', ')}` : ''}`);
  }, 120_000);

  it.each(specs.map((spec) => ({ key: spec.key, spec })))('denies every flag of `kubectl $key` that the table does not list, in every position', async ({ spec }) => {
    const base = BASE_ARGS.get(spec.key)!;
    expect(base, `add a base command for ${spec.key}`).toBeDefined();
    expect(validate(base, { policy, owner: null }).decision, `the base command ${base.join(' ')} itself`).not.toBe('deny');
    const help = parseHelpFlags(await helpText(kubectl, words(spec)));
    const known = new Set([...spec.flags, ...GLOBAL_FLAGS].map((flag) => flag.name));
    const knownShort = new Set([...spec.flags, ...GLOBAL_FLAGS].flatMap((flag) => (flag.short ? [flag.short] : [])));
    const unlisted = [...help.values()].filter((flag) => !known.has(flag.name));
    const cases: string[][] = [];
    for (const flag of [...unlisted, { name: 'rk8s-no-such-flag', kind: 'boolean' as const, defaultText: 'false' }]) {
      cases.push([...base, `--${flag.name}`], [...base, `--${flag.name}=x`], [`--${flag.name}`, ...base]);
      if ('short' in flag && flag.short && !knownShort.has(flag.short)) {
        cases.push([...base, `-${flag.short}`], [...base, `-${flag.short}x`]);
        // In a cluster after a known boolean shorthand of this command, when it has one.
        const booleanShort = spec.flags.find((candidate) => candidate.kind === 'boolean' && candidate.short && candidate.name !== 'all-namespaces')?.short;
        if (booleanShort) cases.push([...base, `-${booleanShort}${flag.short}`]);
      }
    }
    // Every letter no table lists, alone and in a cluster, and every command flag before the verb.
    for (const letter of 'abdeghjmqrtuxyzBCDEFGHIJKMNOPQSTUVWXYZ0123456789') {
      if (!knownShort.has(letter)) cases.push([...base, `-${letter}`]);
    }
    for (const flag of spec.flags) cases.push([`--${flag.name}${flag.kind === 'boolean' ? '' : '=x'}`, ...base]);
    const allowed = cases.filter((args) => validate(args, { policy, owner: null }).decision !== 'deny');
    expect(allowed.map((args) => args.join(' '))).toEqual([]);
  }, 60_000);
});

describe('kubectl for the flag-table check', () => {
  it('parses pflag help lines of every kind', () => {
    const help = parseHelpFlags([
      'Options:',
      "    -o, --output='':",
      '\tOutput format.',
      '    --watch=false:',
      "    --dry-run='none':",
      '    --tail=-1:',
      '    -f, --filename=[]:',
      '    --since=0s:',
      "    --cache-dir='/root/.kube/cache':",
      'Usage:',
      '  kubectl get [(-o|--output=)json] -w',
    ].join('\n'));
    expect([...help.values()]).toEqual([
      { name: 'output', short: 'o', defaultText: "''", kind: 'value' },
      { name: 'watch', defaultText: 'false', kind: 'boolean' },
      { name: 'dry-run', defaultText: "'none'", kind: 'value' },
      { name: 'tail', defaultText: '-1', kind: 'value' },
      { name: 'filename', short: 'f', defaultText: '[]', kind: 'value' },
      { name: 'since', defaultText: '0s', kind: 'value' },
      { name: 'cache-dir', defaultText: "'/root/.kube/cache'", kind: 'value' },
    ]);
  });
});

/**
 * Dry-run argv for a preview: `--dry-run=<mode>` plus `-o yaml` where the verb accepts it (kubectl
 * 1.32 `--help`): drain, cordon and uncordon take --dry-run but no -o; delete only takes `-o name`;
 * rollout restart/pause/resume take no --dry-run at all, so they have no preview.
 */
import { redactText } from '../audit/redact.js';
import type { PipelineEvent } from '../contracts/events.js';
import type { KubectlRunner, KubectlRunOptions } from '../contracts/ports.js';

/** Where the dry-run is evaluated: `server` runs admission without persisting; `client` only prints. */
export type DryRunMode = 'server' | 'client';

// Flags that take a separate value, so that value is not mistaken for the verb.
const VALUE_FLAGS = new Set([
  '-n', '--namespace', '--context', '--kubeconfig', '--cluster', '--user', '-s', '--server', '--as', '--as-group',
  '--token', '--request-timeout', '-v', '--v', '--cache-dir', '--certificate-authority', '--client-certificate',
  '--client-key', '--tls-server-name', '--profile', '--profile-output', '-l', '--selector', '-o', '--output',
]);

const WITH_YAML = new Set([
  'apply', 'create', 'scale', 'label', 'annotate', 'patch', 'replace', 'taint', 'autoscale', 'expose',
  'set image', 'set env', 'set resources', 'set selector', 'set serviceaccount', 'set subject',
  'rollout undo',
]);
const WITHOUT_OUTPUT = new Set(['drain', 'cordon', 'uncordon', 'delete']);

/** The verb (and subcommand for `set` and `rollout`), skipping global flags and their values. */
export function commandWords(args: readonly string[]): string[] {
  const words: string[] = [];
  for (let index = 0; index < args.length && words.length < 2; index++) {
    const argument = args[index]!;
    if (argument === '--') break;
    if (argument.startsWith('-')) {
      if (!argument.includes('=') && VALUE_FLAGS.has(argument)) index++;
      continue;
    }
    words.push(argument);
    if (words.length === 1 && argument !== 'set' && argument !== 'rollout') break;
  }
  return words;
}

/** Drops any --dry-run / -o / --output the args already carry, so the preview's own win. */
function stripOutputAndDryRun(args: readonly string[]): string[] {
  const result: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const argument = args[index]!;
    if (argument === '--') {
      result.push(...args.slice(index));
      break;
    }
    if (argument === '-o' || argument === '--output') {
      index++;
      continue;
    }
    if (argument.startsWith('--dry-run') || argument.startsWith('--output=') || /^-o\S/.test(argument)) continue;
    result.push(argument);
  }
  return result;
}

/**
 * The argv that previews `args` without mutating anything, or undefined when the verb has no dry-run
 * (reads, rollout restart/pause/resume, unknown verbs). Flags go before a `--` separator, if any.
 */
export function dryRunArgs(args: readonly string[], mode: DryRunMode): string[] | undefined {
  const words = commandWords(args);
  const verb = words.length === 0 ? '' : words[0] === 'set' || words[0] === 'rollout' ? words.join(' ') : words[0]!;
  const extra = WITH_YAML.has(verb) ? [`--dry-run=${mode}`, '-o', 'yaml'] : WITHOUT_OUTPUT.has(verb) ? [`--dry-run=${mode}`] : undefined;
  if (extra === undefined) return undefined;
  const stripped = stripOutputAndDryRun(args);
  const separator = stripped.indexOf('--');
  return separator === -1 ? [...stripped, ...extra] : [...stripped.slice(0, separator), ...extra, ...stripped.slice(separator)];
}

/** A finished preview, shaped as the stream's `dry-run-end` event. */
export type DryRunEndEvent = Extract<PipelineEvent, { type: 'dry-run-end' }>;

/**
 * Runs the dry-run form of `args` and collects it into one `dry-run-end` event: stdout (the YAML) on
 * success, the one-line kubectl error otherwise, secrets redacted either way (a Secret preview shows
 * its data). Undefined when the verb has no dry-run.
 */
export async function runDryRun(
  runner: KubectlRunner,
  args: readonly string[],
  mode: DryRunMode,
  options: KubectlRunOptions = {},
): Promise<DryRunEndEvent | undefined> {
  const previewArgs = dryRunArgs(args, mode);
  if (previewArgs === undefined) return undefined;
  const stdout: string[] = [];
  const stderr: string[] = [];
  let exitCode = 1;
  let errorMessage: string | undefined;
  for await (const event of runner.run(previewArgs, options)) {
    if (event.type === 'exec-output') (event.stream === 'stdout' ? stdout : stderr).push(event.line);
    else {
      exitCode = event.exitCode;
      errorMessage = event.errorMessage;
    }
  }
  const output = exitCode === 0 ? stdout.join('\n') : (errorMessage ?? stderr.join('\n'));
  return { type: 'dry-run-end', output: redactText(output), exitCode };
}

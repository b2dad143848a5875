/** `rk8s validate -- kubectl <args...>`: prints the validator's verdict; how operators test their policy files. */
import { Option, type Command } from 'commander';
import { formatProblem } from '../../config/problems.js';
import { formatCommand } from '../../corpus/format-command.js';
import { ConfigError, ExitCode, InputError } from '../../errors.js';
import { RISK_LEVELS, type RiskLevel } from '../../schemas/vocabulary.js';
import type { Verdict } from '../../schemas/verdict.js';
import { loadPolicy } from '../../validate/load-policy.js';
import { needsOwnerLookup, type PodOwner } from '../../validate/guardrails.js';
import { validateDetailed } from '../../validate/validate.js';
import { action, configFromOptions, printJson } from '../output.js';
import { riskStyle, style } from '../style.js';

interface ValidateOptions {
  owner?: string;
  cardRisk?: RiskLevel;
}

/** Parses `--owner Deployment/api` (or `none`) into the owner validate() expects. */
export function parseOwnerOption(value: string | undefined): PodOwner | undefined {
  if (value === undefined) return undefined;
  if (value === 'none') return null;
  const match = /^([A-Za-z]+)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(value);
  if (!match) {
    throw new InputError(`--owner "${value}" is not KIND/NAME`, { hint: 'e.g. --owner Deployment/api, --owner ReplicaSet/api-5d8f7c9b6, or --owner none' });
  }
  return { kind: match[1]!, name: match[2]! };
}

/** Exit code for a decision: 0 allow, 3 confirm, 4 deny. */
export function exitCodeFor(verdict: Verdict): number {
  if (verdict.decision === 'allow') return ExitCode.ok;
  return verdict.decision === 'confirm' ? ExitCode.needsConfirmation : ExitCode.denied;
}

function printVerdict(args: readonly string[], verdict: Verdict, ownerHint: string | undefined): void {
  const decision =
    verdict.decision === 'allow' ? style.green('ALLOW') : verdict.decision === 'confirm' ? style.yellow('CONFIRM') : style.red('DENY');
  const where = [verdict.namespace && `namespace ${verdict.namespace}`, verdict.tier && `tier ${verdict.tier}`].filter(Boolean).join(', ');
  process.stdout.write(`${decision} ${style.bold(formatCommand(args))}\n`);
  process.stdout.write(
    `  risk: ${riskStyle(verdict.risk)(verdict.risk)}${verdict.mutating ? ' (changes the cluster)' : ' (read-only)'}${where ? `; ${where}` : ''}\n`,
  );
  for (const violation of verdict.violations) process.stdout.write(`  ${style.red('✗')} ${violation.code}: ${violation.message}\n`);
  for (const suggestion of verdict.suggestions) {
    process.stdout.write(`  ${style.cyan('→')} ${suggestion.message}\n    ${style.bold(formatCommand(suggestion.command))}\n`);
  }
  if (ownerHint) process.stdout.write(`  ${style.dim(ownerHint)}\n`);
}

/** Adds `rk8s validate` to the program. */
export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check a kubectl command against the org policy; exit 0 allow, 3 needs confirmation, 4 denied')
    .argument('<command...>', 'the kubectl argv after "--" (a leading "kubectl" is optional)')
    .option('--owner <kind/name>', 'the pod\'s controller for "delete pod" guardrails (e.g. Deployment/api), or "none"')
    .addOption(new Option('--card-risk <level>', 'the card\'s declared risk; the verdict is at least this').choices([...RISK_LEVELS]))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  rk8s validate -- kubectl get pods -n prod\n' +
        '  rk8s validate -- kubectl rollout restart deployment/api -n prod\n' +
        '  rk8s validate --owner ReplicaSet/api-5d8f7c9b6 -- kubectl delete pod api-5d8f7c9b6-2xkqp -n staging\n' +
        '  rk8s validate --json --org ./my-org -- kubectl drain node-1 --ignore-daemonsets',
    )
    .action(
      action(async (global, argv: string[], options: ValidateOptions) => {
        const args = argv[0] === 'kubectl' ? argv.slice(1) : argv;
        if (args.length === 0) throw new InputError('no kubectl command given', { hint: 'e.g. rk8s validate -- kubectl get pods -n prod' });
        if (argv.length === 1 && /\s/.test(argv[0]!)) {
          // One quoted argument would be validated as a single (unknown) verb; say what was meant.
          throw new InputError(`the command came as one quoted argument: ${JSON.stringify(argv[0])}`, {
            hint: `pass the words unquoted: rk8s validate -- ${argv[0]}`,
          });
        }
        const owner = parseOwnerOption(options.owner);
        const config = configFromOptions(global);
        const loaded = loadPolicy(config.orgDir);
        if (!loaded.policy) {
          throw new ConfigError(`the org policy in ${config.orgDir} has ${loaded.problems.length} problem(s), so nothing may run:\n${loaded.problems.map((problem) => `  ${formatProblem(problem)}`).join('\n')}`, {
            hint: 'fix the files (rk8s check lists every problem)',
            details: { problems: loaded.problems },
          });
        }
        const { verdict, parsed } = validateDetailed(args, {
          policy: loaded.policy,
          cardRisk: options.cardRisk,
          configuredContext: config.kubectl.context,
          configuredCluster: config.kubectl.cluster,
          owner,
        });
        const lookup = owner === undefined ? needsOwnerLookup(parsed) : undefined;
        const ownerHint = lookup
          ? `rk8s resolves the owner itself when it runs; to test the policy here pass --owner KIND/NAME (or --owner none)`
          : undefined;
        if (global.json) {
          printJson({ command: args, verdict, policyVersion: loaded.policy.version, ...(lookup ? { ownerLookup: lookup } : {}) });
        } else {
          printVerdict(args, verdict, ownerHint);
        }
        return exitCodeFor(verdict);
      }),
    );
}

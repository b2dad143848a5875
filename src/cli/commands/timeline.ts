/** `rk8s timeline`: what changed in a namespace or around one object (rollouts, Warning events, rk8s audit records), newest first. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { createAuditLog } from '../../audit/audit-log.js';
import { withPinnedContext } from '../../cluster/current-context.js';
import { readTimeline, type TimelineDocument } from '../../diagnose/read-timeline.js';
import { ExitCode, InputError } from '../../errors.js';
import { createKubectlRunner } from '../../execute/kubectl-runner.js';
import { loadPolicyOrThrow } from '../../pipeline/create-core.js';
import { createPolicyValidator } from '../../pipeline/policy-validator.js';
import { action, configFromOptions, printJson } from '../output.js';
import { style } from '../style.js';
import { exitCodeForError } from '../../output/exit-codes.js';
import { printErrorEvent } from '../event-printer.js';
import { interruptSignal } from '../request-options.js';
import { exitCodesHelp } from '../exit-help.js';

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new InvalidArgumentError('expected 1 to 1000, e.g. --limit 20');
  return limit;
}

const TYPE_STYLE = { rollout: style.magenta, event: style.yellow, audit: style.cyan } as const;

/** The timeline for humans. */
export function formatTimeline(document: TimelineDocument): string {
  const scope = document.target ? `${document.target.kind.toLowerCase()}/${document.target.name} in ${document.namespace}` : `namespace ${document.namespace}`;
  const lines = [style.bold(`what changed in ${scope} (newest first)`)];
  if (document.entries.length === 0) lines.push(style.dim('   nothing: no kept revisions, Warning events or rk8s operations'));
  for (const entry of document.entries) {
    const who = entry.type === 'audit' && entry.user ? style.dim(` (${entry.user} via ${entry.source ?? '?'})`) : '';
    lines.push(`${style.dim(entry.at)}  ${TYPE_STYLE[entry.type](entry.type.padEnd(7))} ${entry.text}${who}`);
  }
  for (const note of document.checked.notes) lines.push(style.dim(`note: ${note}`));
  return `${lines.join('\n')}\n`;
}

/** Adds `rk8s timeline` to the program. */
export function registerTimelineCommand(program: Command): void {
  program
    .command('timeline')
    .description('what changed in a namespace or around one object: rollouts (revision and image), Warning events and rk8s audit records, newest first')
    .argument('[target]', 'an object: KIND/NAME (deploy/payments, po/x) or a workload NAME')
    .option('-n, --namespace <namespace>', 'the namespace (required)')
    .option('--limit <count>', 'most entries (1-1000)', parseLimit, 50)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  rk8s timeline -n prod\n' +
        '  rk8s timeline -n staging deploy/web\n' +
        '  rk8s timeline -n prod payments --json\n' +
        exitCodesHelp({ ok: 'ok', denied: 'denied by policy', usage: 'usage (bad flags, unknown object)', config: 'config', kubectl: 'kubectl failed', cancelled: 'cancelled' }),
    )
    .action(
      action(async (globals, target: string | undefined, options: { namespace?: string; limit: number }) => {
        if (options.namespace === undefined) throw new InputError('--namespace is required, e.g. -n prod', { hint: 'rk8s timeline -n prod [deploy/payments]' });
        const interrupt = interruptSignal();
        try {
          const { config } = await withPinnedContext(configFromOptions(globals));
          const validator = createPolicyValidator(loadPolicyOrThrow(config.orgDir), config);
          const core = { config, validator, kubectl: createKubectlRunner(config), auditLog: createAuditLog(config), clock: { now: () => new Date() } };
          const document = await readTimeline({ namespace: options.namespace, ...(target ? { target } : {}), limit: options.limit }, core, { source: 'cli', signal: interrupt.signal });
          if (globals.json) printJson(document);
          else if (document.error) printErrorEvent(document.error);
          else process.stdout.write(formatTimeline(document));
          return document.error ? exitCodeForError(document.error) : ExitCode.ok;
        } finally {
          interrupt.dispose();
        }
      }),
    );
}

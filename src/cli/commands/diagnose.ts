/** `rk8s diagnose`: investigate a namespace (or one object), streaming each check, then the findings with their evidence and remediations. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { ExitCode, InputError } from '../../errors.js';
import type { DiagnoseDocument } from '../../diagnose/document.js';
import type { InvestigationEvent } from '../../diagnose/events.js';
import { explainerFromConfig } from '../../diagnose/explain.js';
import type { Evidence, Finding, Remediation, RemediationRequest } from '../../diagnose/finding.js';
import { assertNever } from '../../contracts/events.js';
import { k8s_diagnose } from '../../tool/k8s-diagnose.js';
import { action, printJson } from '../output.js';
import { riskStyle, style } from '../style.js';
import { exitCodeForError } from '../../output/exit-codes.js';
import { printErrorEvent } from '../event-printer.js';
import { coreFromOptions, interruptSignal } from '../request-options.js';
import { exitCodesHelp } from '../exit-help.js';

/** Flags of `rk8s diagnose`. */
interface DiagnoseOptions {
  namespace?: string;
  timeline?: boolean;
  explain?: boolean;
  model?: string | false;
  maxLogs: number;
  verbose?: boolean;
  quiet?: boolean;
}

/** Evidence lines shown per finding without --verbose. */
const EVIDENCE_SHOWN = 8;

function parseMaxLogs(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0 || count > 10) throw new InvalidArgumentError('expected 0 to 10, e.g. --max-logs 3');
  return count;
}

/** The `rk8s exec` command line that runs a remediation through the usual validate/preview/confirm flow. */
export function execCommandLine(request: RemediationRequest): string {
  const parts = ['rk8s exec'];
  if (request.namespace) parts.push(`-n ${request.namespace}`);
  parts.push(`--intent ${request.intent}`, `--resource ${request.resource}`);
  if (request.name) parts.push(`--name ${request.name}`);
  for (const [key, value] of Object.entries(request.params ?? {})) parts.push(`--param ${key}=${String(value)}`);
  return parts.join(' ');
}

const SEVERITY_STYLE: Readonly<Record<Finding['severity'], (text: string) => string>> = {
  critical: (text) => style.bold(style.red(text)),
  warning: style.yellow,
  info: style.cyan,
};

function formatEvidence(evidence: Evidence): string {
  switch (evidence.type) {
    case 'log':
      return `${evidence.error ? style.red('log ✗') : style.dim('log  ')} ${evidence.error ? evidence.text : style.gray(evidence.text)}`;
    case 'event':
      return `${style.dim('event')} ${evidence.text}`;
    case 'field':
    case 'spec':
      return `${style.dim(evidence.path ?? evidence.type)} ${evidence.text}`;
    case 'revision':
      return `${style.magenta('rollout')} ${evidence.text}`;
    case 'metric':
      return `${style.dim('usage')} ${evidence.text}`;
    case 'note':
      return `${style.dim('note')} ${evidence.text}`;
    default:
      return evidence.text;
  }
}

function formatRemediation(number: string, remediation: Remediation): string[] {
  const preview = remediation.preview;
  const verdict = preview
    ? preview.decision === 'deny'
      ? style.red(`denied: ${(preview.violations ?? []).join('; ')}`)
      : preview.risk === 'none'
        ? style.green('read-only')
        : `${riskStyle(preview.risk)(`${preview.risk} risk`)}${preview.decision === 'confirm' ? ', needs confirmation' : ''}`
    : style.dim('not previewed');
  const lines = [`   ${style.bold(number)} ${remediation.title}  ${style.dim(`[${verdict}${style.dim(']')}`)}`];
  if (preview?.command) lines.push(`       ${style.cyan(preview.command)}`);
  lines.push(`       ${style.dim(remediation.why)}`);
  if (remediation.kind === 'fix' && preview?.decision !== 'deny') lines.push(`       ${style.dim('run:')} ${execCommandLine(remediation.request)}`);
  return lines;
}

/** The document for humans. */
export function formatDocument(document: DiagnoseDocument, options: { verbose?: boolean } = {}): string {
  const lines: string[] = [];
  lines.push(style.bold(document.summary.split('\n')[0] ?? ''));
  document.findings.forEach((finding, position) => {
    const number = String(position + 1);
    const head = `${SEVERITY_STYLE[finding.severity](finding.severity.toUpperCase().padEnd(8))} ${style.bold(finding.reason)}  ${finding.object.kind.toLowerCase()}/${finding.object.name}`;
    lines.push('', `${style.bold(number.padStart(2))} ${head}${finding.causedBy ? style.dim(`  (caused by ${finding.causedBy})`) : ''}`);
    lines.push(`   ${finding.summary}`);
    // Without --verbose: the facts, then only the log lines marked as errors.
    const shown = options.verbose
      ? finding.evidence
      : [...finding.evidence.filter((evidence) => evidence.type !== 'log').slice(0, EVIDENCE_SHOWN), ...finding.evidence.filter((evidence) => evidence.type === 'log' && evidence.error).slice(-3)];
    for (const evidence of shown) lines.push(`     ${formatEvidence(evidence)}`);
    if (shown.length < finding.evidence.length) lines.push(`     ${style.dim(`... ${finding.evidence.length - shown.length} more line(s): --verbose or --json`)}`);
    if (finding.check) lines.push(`   ${style.yellow('check:')} ${finding.check}`);
    const fixes = finding.remediations.filter((remediation) => remediation.kind === 'fix');
    const inspect = finding.remediations.filter((remediation) => remediation.kind === 'inspect');
    let index = 0;
    if (fixes.length > 0) lines.push(`   ${style.green('fix:')}`);
    for (const remediation of fixes) lines.push(...formatRemediation(`${number}.${++index}`, remediation));
    if (inspect.length > 0) lines.push(`   ${style.dim('next steps (read-only):')}`);
    for (const remediation of inspect) lines.push(...formatRemediation(`${number}.${++index}`, remediation));
  });
  if (document.explanation) lines.push('', `${style.bold('explanation')} ${style.dim(`(${document.explanation.model}, cites ${document.explanation.cites.join(', ')})`)}`, `   ${document.explanation.text}`);
  if (document.timeline && document.timeline.length > 0) {
    lines.push('', style.bold('what changed (newest first)'));
    for (const entry of document.timeline) lines.push(`   ${style.dim(entry.at)}  ${entry.type.padEnd(7)} ${entry.text}`);
  }
  const checked = document.checked;
  const kinds = Object.entries(checked.kinds).filter(([, count]) => count > 0).map(([kind, count]) => `${count} ${kind}`).join(', ');
  lines.push('', style.dim(`checked ${kinds || 'nothing'} with ${checked.reads.length} kubectl read(s) in ${(checked.durationMs / 1000).toFixed(2)}s (reads ${Math.round(checked.readMs)} ms, analysis ${Math.round(checked.analysisMs)} ms)`));
  for (const note of checked.notes) lines.push(style.dim(`note: ${note}`));
  if (document.findings.some((finding) => finding.remediations.some((remediation) => remediation.kind === 'fix'))) {
    lines.push(style.dim('fixes run through rk8s exec: it shows the plan and the dry-run, and asks before it changes anything.'));
  }
  return `${lines.join('\n')}\n`;
}

/** Prints investigation progress on stderr. */
export function printProgress(event: InvestigationEvent, write: (text: string) => void = (text) => process.stderr.write(text)): void {
  switch (event.type) {
    case 'investigation-start':
      write(`${style.bold('diagnose')} ${event.namespace}${event.target ? ` ${event.target}` : ''} ${style.dim(`(operation ${event.operationId.slice(0, 8)})`)}\n`);
      break;
    case 'investigation-step': {
      if (event.status === 'running' && !event.detail) break;
      const mark = event.status === 'done' ? style.green('✔') : event.status === 'running' ? style.dim('…') : event.status === 'skipped' ? style.dim('-') : style.red('✗');
      write(`  ${mark} ${event.check}${event.detail ? style.dim(`  ${event.detail}`) : ''}\n`);
      break;
    }
    case 'notice':
      write(`${event.level === 'warn' ? style.yellow('warning:') : style.dim('note:')} ${event.message}\n`);
      break;
    case 'investigation-end':
    case 'error':
      break;
    default:
      assertNever(event);
  }
}

/** The exit code of a document: 0 healthy, 1 findings, the error's code when it failed. */
export function exitCodeForDocument(document: DiagnoseDocument): number {
  if (document.status === 'healthy') return ExitCode.ok;
  if (document.status === 'findings') return ExitCode.failure;
  return document.error ? exitCodeForError(document.error) : ExitCode.failure;
}

/** Adds `rk8s diagnose` to the program. */
export function registerDiagnoseCommand(program: Command): void {
  program
    .command('diagnose')
    .description('investigate a namespace or one object: what is broken, the evidence, and the fix (runs read-only kubectl reads only)')
    .argument('[target]', 'an object to focus on: KIND/NAME (deploy/payments, po/x, svc/web, pvc/data) or a workload NAME')
    .option('-n, --namespace <namespace>', 'the namespace to investigate (required)')
    .option('--timeline', 'add what changed: rollouts, Warning events and rk8s audit records, newest first')
    .option('--explain', 'add a short explanation from the local model (RK8S_MODEL / --model); it cites findings and never adds a command')
    .option('--model <path>', 'GGUF model for --explain (default: RK8S_MODEL)')
    .option('--no-model', 'no model, even with RK8S_MODEL set')
    .option('--max-logs <count>', 'read the previous logs of at most this many crashed containers (0-10)', parseMaxLogs, 3)
    .option('-v, --verbose', 'show every evidence line')
    .option('--quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  rk8s diagnose -n prod                      everything wrong in prod, root causes first\n' +
        '  rk8s diagnose -n prod deploy/payments      one workload, its pods, services, claims and nodes\n' +
        '  rk8s diagnose -n staging web --timeline    a workload by name, with what changed\n' +
        '  rk8s diagnose -n prod --json | jq \'.findings[0]\'\n' +
        '  rk8s exec -n staging --intent rollback --resource deployment --name web --param revision=1   (a fix it suggests)\n' +
        '\nEvery read is a validated read-only kubectl command, listed in the document and in one audit record.\n' +
        'Reason codes and the document shape: docs/diagnose.md.\n' +
        exitCodesHelp({ ok: 'healthy', failure: 'findings', denied: 'denied by policy', usage: 'usage (bad flags, unknown object)', config: 'config', kubectl: 'kubectl failed or cluster unreachable', cancelled: 'cancelled' }),
    )
    .action(
      action(async (globals, target: string | undefined, options: DiagnoseOptions) => {
        const payload = {
          ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
          ...(target !== undefined ? { target } : {}),
          ...(options.timeline ? { timeline: true } : {}),
          ...(options.explain ? { explain: true } : {}),
        };
        if (options.namespace === undefined) {
          throw new InputError('--namespace is required: which namespace to investigate, e.g. -n prod', { hint: 'rk8s diagnose -n prod [deploy/payments]' });
        }
        const interrupt = interruptSignal();
        const core = await coreFromOptions(globals, options.model === undefined ? {} : { model: options.model }, {}, interrupt.signal);
        const explainer = options.explain && options.model !== false ? explainerFromConfig(core.config) : undefined;
        const showProgress = !options.quiet && (!globals.json || process.stderr.isTTY === true);
        try {
          const document = await k8s_diagnose(payload, {
            core,
            source: 'cli',
            signal: interrupt.signal,
            ...(explainer ? { explainer } : {}),
            onEvent: (event) => {
              if (showProgress) printProgress(event);
            },
            maxLogs: options.maxLogs,
          });
          if (globals.json) printJson(document);
          else if (document.status === 'failed' && document.error) printErrorEvent(document.error);
          else process.stdout.write(formatDocument(document, { verbose: options.verbose }));
          return exitCodeForDocument(document);
        } finally {
          interrupt.dispose();
          await explainer?.dispose?.();
          await core.close();
        }
      }),
    );
}

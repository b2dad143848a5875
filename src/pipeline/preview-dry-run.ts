/** previewDryRun(): shows what a mutation would do (server-side dry-run) without changing the cluster. */
import { PolicyDeniedError, isAbortError, CancelledError, serializeError } from '../errors.js';
import { dryRunArgs } from '../execute/dry-run.js';
import { formatCommand } from '../corpus/format-command.js';
import { redactText } from '../audit/redact.js';
import { auditRecord, subjectOfProposal, type AuditSubject } from './audit-fields.js';
import { checkCommand } from './check-command.js';
import type { Core } from '../contracts/core.js';
import type { PipelineEvent, Proposal } from '../contracts/events.js';
import { verifyApproval } from './run-approved.js';
import { createClusterReader } from '../cluster/cluster-reader.js';
import { previewChanges } from '../preview/preview-changes.js';
import type { Change } from '../schemas/change.js';
import { parseKubectlArgs } from '../validate/kubectl-argv.js';

/** How a preview is run. */
export interface PreviewOptions {
  signal?: AbortSignal;
  timeoutSeconds?: number;
}

type Collected = { output: string; exitCode: number; stdout: string; stderr: string };

async function collect(core: Core, args: readonly string[], options: PreviewOptions): Promise<Collected> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  let exitCode = -1;
  let errorMessage: string | undefined;
  const timeoutSeconds = Math.min(options.timeoutSeconds ?? core.config.exec.timeoutSeconds, core.config.exec.maxTimeoutSeconds);
  for await (const event of core.kubectl.run(args, { signal: options.signal, timeoutSeconds })) {
    if (event.type === 'exec-output') (event.stream === 'stdout' ? stdout : stderr).push(event.line);
    else {
      if (event.cancelled) throw new CancelledError('cancelled');
      exitCode = event.exitCode;
      errorMessage = event.errorMessage;
    }
  }
  const output = exitCode === 0 ? stdout.join('\n') : (errorMessage ?? [...stderr, ...stdout].join('\n'));
  // A preview of a Secret or a manifest can carry credentials: redact like the audit log does.
  return { output: redactText(output), exitCode, stdout: redactText(stdout.join('\n')), stderr: redactText(stderr.join('\n')) };
}

/** A read-only `get` of the target, for commands kubectl cannot dry-run (e.g. rollout restart). */
function currentStateArgs(core: Core, args: readonly string[]): string[] | undefined {
  const target = core.validator.target(args);
  if (!target?.resource || !target.name) return undefined;
  const get = ['get', target.resource, target.name, ...(target.namespace ? ['-n', target.namespace] : []), '-o', 'wide'];
  const verdict = core.validator.validate(get, {});
  return verdict.decision === 'allow' && !verdict.mutating ? get : undefined;
}

/**
 * Yields dry-run-end with kubectl's server-side (or client-side) dry-run output, recorded as `dry-run`.
 * For commands without a dry-run it yields a notice saying why, then the target's current state when
 * that can be read safely. Read-only commands get only a notice: running them is the preview.
 */
export async function* previewDryRun(proposal: Proposal, core: Core, options: PreviewOptions = {}): AsyncGenerator<PipelineEvent> {
  const signal = options.signal;
  const subject: AuditSubject = subjectOfProposal(proposal);
  try {
    verifyApproval(proposal, core);
    const check = await checkCommand(core, proposal.plan.args, core.cards.get(proposal.plan.card)?.risk_level, signal);
    if (check.verdict.decision === 'deny') {
      throw new PolicyDeniedError(`denied: ${check.verdict.violations.map((violation) => violation.message).join('; ')}`);
    }
    if (!check.verdict.mutating) {
      yield { type: 'notice', level: 'info', stage: 'execute', message: 'read-only command: no dry-run needed, running it changes nothing' };
      return;
    }
    const mode = proposal.dryRun;
    const dryArgs = mode === 'none' ? undefined : dryRunArgs(proposal.plan.args, mode);
    let previewArgs: string[] | undefined = dryArgs ? [...dryArgs] : undefined;
    let message = `dry-run (${mode}): ${previewArgs ? formatCommand(previewArgs) : ''}`;
    if (!previewArgs) {
      const why = mode === 'none' ? `card ${proposal.plan.card} has no dry-run (kubectl cannot dry-run this command)` : `kubectl cannot dry-run "${proposal.plan.command}"`;
      previewArgs = currentStateArgs(core, proposal.plan.args);
      yield { type: 'notice', level: 'info', stage: 'execute', message: previewArgs ? `${why}; showing the current state instead` : `${why}; no preview` };
      if (!previewArgs) return;
      message = `current state (no dry-run): ${formatCommand(previewArgs)}`;
    }
    signal?.throwIfAborted();
    const running = collect(core, previewArgs, options);
    // "replicas 2 → 5" rather than 70 lines of YAML: read what the summary needs, through the validated
    // read path, while the dry-run runs.
    const reader = createClusterReader(core, { maxReads: 6, ...(signal ? { signal } : {}), timeoutSeconds: 10 });
    const summary = previewChanges(parseKubectlArgs(proposal.plan.args), reader, running.then((collected) => ({ stdout: collected.stdout, stderr: collected.stderr })));
    // Both settle before either is looked at, so a failed dry-run never leaves the summary's reads running.
    const [dryRun, summarized] = await Promise.allSettled([running, summary]);
    if (dryRun.status === 'rejected') throw dryRun.reason;
    const collected = dryRun.value;
    let changes: Change[] = [];
    if (summarized.status === 'fulfilled') changes = summarized.value;
    else {
      const error = summarized.reason as Error;
      if (isAbortError(error) || signal?.aborted) throw error;
      yield { type: 'notice', level: 'warn', stage: 'execute', message: `could not summarize the change: ${error.message}` };
    }
    await core.auditLog.append(
      auditRecord('dry-run', subject, {
        timestamp: core.clock.now().toISOString(),
        exit_code: collected.exitCode,
        message,
        ...(reader.reads.length > 0 ? { reads: reader.reads.map((read) => read.command) } : {}),
      }),
    );
    yield { type: 'dry-run-end', output: collected.output, exitCode: collected.exitCode, ...(changes.length > 0 ? { changes } : {}) };
    yield { type: 'audit-end', operationId: proposal.operationId };
  } catch (error) {
    const cancelled = isAbortError(error) || signal?.aborted === true;
    yield { type: 'error', error: serializeError(cancelled ? new CancelledError('cancelled', { cause: error }) : error) };
  }
}

/** `rk8s undo [OPERATION_ID]`: propose the inverse of one of rk8s's own changes and run it through the exec path. */
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { defaultUser } from '../../pipeline/audit-fields.js';
import { OPERATION_ID_PATTERN, type UndoReady } from '../../pipeline/undo-request.js';
import { k8s_undo } from '../../tool/k8s-undo.js';
import { EventPrinter, printErrorEvent } from '../event-printer.js';
import { action, printJson } from '../output.js';
import { coreFromOptions } from '../request-options.js';
import { style } from '../style.js';
import { cliApprover, finishExec, printExecOutcome, startExecLifecycle } from '../exec-lifecycle.js';
import { exitCodesHelp } from '../exit-help.js';


/** Flags of `rk8s undo`. */
interface UndoOptions {
  dryRun?: boolean;
  confirm?: boolean;
  confirmName?: string;
  quiet?: boolean;
  model?: string | false;
}

/** Checks the id's shape before anything loads: a UUID, or at least its first 8 hex digits. */
function operationIdOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const id = value.trim().toLowerCase();
  if (!OPERATION_ID_PATTERN.test(id)) {
    throw new InputError(`OPERATION_ID ${JSON.stringify(value)}: expected an operation id (a UUID, or at least its first 8 hex digits)`, {
      hint: 'rk8s audit tail shows each record\'s operation id in its last column; omit it to undo your newest change',
    });
  }
  return id;
}

function printUndo(undo: UndoReady): void {
  process.stderr.write(`${style.bold('undo')}   ${undo.plan.summary}\n`);
  process.stderr.write(`${style.dim(`why    ${undo.plan.why}`)}\n`);
}

/** Adds `rk8s undo` to the program. */
export function registerUndoCommand(program: Command): void {
  program
    .command('undo')
    .description('propose the inverse of one of rk8s\'s own changes (scale back, roll back, uncordon, resume...), then preview, confirm and run it like rk8s exec')
    .argument('[operation-id]', 'the operation to undo (a UUID or its first 8+ characters; default: your newest change that can be undone)')
    .option('--dry-run', 'show what undo would do, the plan, the verdict and the server-side dry-run; run nothing')
    .option('--confirm', 'confirm the undo without a prompt (a human has read it)')
    .option('--confirm-name <name>', 'with --confirm, for a high-risk undo: the object\'s name, typed as a person would')
    .option('--quiet', 'print only kubectl\'s output (and warnings/errors)')
    .option('--model <path>', 'GGUF model for the planner (default: RK8S_MODEL; without one the template planner answers)')
    .option('--no-model', 'use the template planner even when RK8S_MODEL is set')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  rk8s undo                                 undo your newest change (asks y/N on a terminal)\n' +
        '  rk8s undo 61222f82                        undo that operation (rk8s audit tail shows the ids)\n' +
        '  rk8s undo --dry-run                       show what it would do and the preview; change nothing\n' +
        '  rk8s undo 61222f82 --confirm --json       from a script: run it and print the document\n' +
        '\nWhat it undoes: scale (back to the replicas before), rollback and restart of a deployment (back to the\n' +
        'revision before), cordon and drain (uncordon), uncordon (cordon), pause and resume (the other one).\n' +
        'rk8s recorded the state before each change in the audit log (prior_state); undo refuses, and runs\n' +
        'nothing, when the object changed since (someone scaled it by hand, a newer rollout), when the change\n' +
        'failed, was not rk8s\'s own or in another kube context, or was already undone. Repeated `rk8s undo`\n' +
        'walks back through your changes; undo an undo by its id to redo the change.\n' +
        '\nThe inverse is planned, validated, previewed and confirmed exactly like rk8s exec: on a terminal it asks;\n' +
        'without one (or with --json) it runs only with --confirm (a high-risk one also with --confirm-name NAME).\n' +
        exitCodesHelp({ kubectlOwn: true, needsConfirmation: 'needs confirmation', denied: 'refused or denied', usage: 'bad arguments', auditWriteFailed: 'audit log not written', cancelled: 'cancelled' }),
    )
    .action(
      action(async (globals, idArgument: string | undefined, options: UndoOptions) => {
        if (options.confirmName !== undefined && !options.confirm) {
          throw new InputError('--confirm-name goes with --confirm: it is the name a high-risk confirmation types', { hint: 'add --confirm, or drop --confirm-name' });
        }
        const operationId = operationIdOf(idArgument);
        const { drain, operation, shutdown } = await startExecLifecycle((signal) => coreFromOptions(globals, { ...(options.model !== undefined ? { model: options.model } : {}) }, {}, signal));
        const core = drain.core;
        const user = defaultUser();
        const approver = cliApprover({ json: globals.json === true, confirm: options.confirm, ...(options.confirmName === undefined ? {} : { confirmName: options.confirmName }), command: 'undo', signal: operation.signal });
        try {
          const printer = new EventPrinter((text) => process.stderr.write(text), { quiet: options.quiet });
          const result = await k8s_undo(operationId, {
            core,
            source: 'cli',
            user,
            signal: operation.signal,
            approver,
            ...(options.dryRun ? { dryRun: true } : {}),
            onUndo: (undo) => {
              if (!globals.json && !options.quiet) printUndo(undo);
            },
            onEvent: (event) => {
              if (globals.json || event.type === 'error') return;
              printer.print(event);
            },
          });
          if (globals.json) {
            printJson(result);
          } else if (result.undo.refused) {
            printErrorEvent({ code: result.undo.refused.code, message: `undo refused: ${result.undo.refused.message}`, ...(result.error?.hint ? { hint: result.error.hint } : {}) });
          } else {
            printExecOutcome(result);
          }
          return await finishExec(result, drain, shutdown, operation.signal);
        } finally {
          await core.close();
        }
      }),
    );
}


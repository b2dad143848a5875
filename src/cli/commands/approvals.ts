/**
 * `rk8s approvals`, `rk8s approve ID`, `rk8s deny ID`: the approvals inbox, where a person decides what
 * an agent asked for. Deciding needs an interactive terminal: an agent (a program) must not be able to
 * approve its own request by running a command.
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { approvalState, isApprovalId, type ApprovalRecord } from '../../approvals/approval-store.js';
import { ExitCode, InputError } from '../../errors.js';
import { defaultUser } from '../../pipeline/audit-fields.js';
import { confirmationPrompt } from '../../pipeline/confirmation.js';
import type { Core } from '../../contracts/core.js';
import { createCore } from '../../pipeline/create-core.js';
import { decideApproval, pendingApprovals } from '../../pipeline/decide-approval.js';
import { exitCodeForError } from '../../output/exit-codes.js';
import { action, configFromOptions, type GlobalOptions, printJson } from '../output.js';
import { riskStyle, style } from '../style.js';
import { exitCodesHelp } from '../exit-help.js';

function ago(from: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(from)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  return `${Math.round(seconds / 3600)}h`;
}

function until(to: string, now: Date): string {
  const seconds = Math.round((Date.parse(to) - now.getTime()) / 1000);
  return seconds <= 0 ? 'expired' : `in ${seconds < 120 ? `${seconds}s` : `${Math.round(seconds / 60)}m`}`;
}

/** The JSON form of a request (no token hashes, no internal fields). */
function requestDocument(record: ApprovalRecord, now: Date) {
  const { proposal } = record;
  return {
    id: record.id,
    state: approvalState(record, now),
    requested_by: record.requestedBy,
    created_at: record.createdAt,
    expires_at: record.expiresAt,
    command: proposal.plan.command,
    args: proposal.plan.args,
    namespace: proposal.verdict.namespace ?? proposal.request.namespace ?? null,
    context: proposal.context,
    risk: proposal.verdict.risk,
    confirmation: proposal.confirmation,
    query: proposal.request.query ?? null,
    ...(record.preview ? { preview: record.preview } : {}),
    ...(record.decision ? { decision: record.decision } : {}),
    ...(record.used ? { used: record.used } : {}),
  };
}

function printRequest(record: ApprovalRecord, now: Date, write: (text: string) => void): void {
  const { proposal } = record;
  write(`${style.bold(`request ${record.id}`)}  ${riskStyle(proposal.verdict.risk)(` ${proposal.verdict.risk.toUpperCase()} RISK `)}  ${approvalState(record, now)}\n`);
  write(`  ${style.cyan(`$ ${proposal.plan.command}`)}\n`);
  write(`  asked by ${record.requestedBy} ${ago(record.createdAt, now)} ago · expires ${until(record.expiresAt, now)}\n`);
  write(`  namespace ${proposal.verdict.namespace ?? proposal.request.namespace ?? '-'}${proposal.verdict.tier ? ` (tier ${proposal.verdict.tier})` : ''} · context ${proposal.context ?? '(current)'} · card ${proposal.plan.card}\n`);
  if (proposal.request.query) write(`  the agent asked: ${JSON.stringify(proposal.request.query)}\n`);
  if (record.preview) {
    write(`  ${style.bold('preview')}${record.preview.note ? style.dim(` (${record.preview.note})`) : ''}\n`);
    const lines = record.preview.output.split('\n');
    for (const line of lines.slice(0, 40)) write(`    ${style.gray(line)}\n`);
    if (lines.length > 40) write(`    ${style.dim(`… ${lines.length - 40} more lines`)}\n`);
  }
  if (record.decision) write(`  ${record.decision.outcome} by ${record.decision.by}${record.decision.reason ? `: ${record.decision.reason}` : ''}\n`);
}

async function coreFor(globals: GlobalOptions): Promise<Core> {
  return createCore(configFromOptions(globals, { model: null }));
}

function requireTerminal(verb: 'approve' | 'deny'): void {
  if (process.stdin.isTTY === true && process.stderr.isTTY === true) return;
  throw new InputError(`rk8s ${verb} needs an interactive terminal: a person decides, at a keyboard; a program (an agent) cannot decide its own request`, {
    hint: `run rk8s ${verb} in a terminal, or decide in the TUI (rk8s tui)`,
  });
}

function checkId(id: string): void {
  if (!isApprovalId(id)) throw new InputError(`ID "${id}": not an approval request id (8 letters and digits, e.g. k3f9x2ab)`, { hint: 'rk8s approvals lists the pending requests with their ids' });
}

async function ask(question: string): Promise<string> {
  const readline = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  readline.on('SIGINT', () => readline.close());
  try {
    return await readline.question(question);
  } catch {
    return '';
  } finally {
    readline.close();
  }
}

/** Adds `rk8s approvals` to the program. */
export function registerApprovalsCommand(program: Command): void {
  program
    .command('approvals')
    .description('list the approval requests agents filed for a person (pending ones; --all for recent ones too)')
    .argument('[id]', 'show one request in full')
    .option('--all', 'also list decided, executed and expired requests of the last day')
    .addHelpText(
      'after',
      '\nAn agent (MCP, HTTP) that asks for a change gets needs-approval and an id; a person decides:\n' +
        '  rk8s approvals                 what waits, oldest first\n' +
        '  rk8s approvals k3f9x2ab        one request with its command, verdict and preview\n' +
        '  rk8s approve k3f9x2ab          on a terminal: y for medium risk, the object name for high risk\n' +
        '  rk8s deny k3f9x2ab --reason "not during the freeze"\n' +
        exitCodesHelp({ ok: 'ok', usage: 'bad id', config: 'config' }),
    )
    .action(
      action(async (globals, id: string | undefined, options: { all?: boolean }) => {
        if (id !== undefined) checkId(id);
        const core = await coreFor(globals);
        try {
          const now = core.clock.now();
          if (id !== undefined) {
            const record = await core.approvalStore.get(id);
            if (!record || record.kind !== 'inbox') throw new InputError(`no approval request ${id}`, { hint: 'rk8s approvals --all lists the recent ones' });
            if (globals.json) printJson(requestDocument(record, now));
            else printRequest(record, now, (text) => process.stdout.write(text));
            return ExitCode.ok;
          }
          const records = options.all ? (await core.approvalStore.list()).filter((record) => record.kind === 'inbox') : await pendingApprovals(core);
          if (globals.json) {
            printJson(records.map((record) => requestDocument(record, now)));
            return ExitCode.ok;
          }
          if (records.length === 0) {
            process.stdout.write(`${style.dim(options.all ? 'no approval requests in the last day' : 'nothing waits for approval')} ${style.dim(`(${core.approvalStore.location})`)}\n`);
            return ExitCode.ok;
          }
          for (const record of records) {
            const state = approvalState(record, now);
            process.stdout.write(
              `${style.bold(record.id)}  ${riskStyle(record.proposal.verdict.risk)(record.proposal.verdict.risk.padEnd(6))} ${state.padEnd(8)} ${ago(record.createdAt, now).padStart(4)} ago  ${style.cyan(record.proposal.plan.command)}  ${style.dim(`by ${record.requestedBy}`)}\n`,
            );
          }
          return ExitCode.ok;
        } finally {
          await core.close();
        }
      }),
    );

}

/** Adds `rk8s approve` to the program. */
export function registerApproveCommand(program: Command): void {
  registerDecision(program, 'approve');
}

/** Adds `rk8s deny` to the program. */
export function registerDenyCommand(program: Command): void {
  registerDecision(program, 'deny');
}

function registerDecision(program: Command, verb: 'approve' | 'deny'): void {
  {
    program
      .command(verb)
      .description(verb === 'approve' ? 'approve an agent\'s request on this terminal, after reading it (the command then runs once, at the agent\'s door)' : 'deny an agent\'s request on this terminal')
      .argument('<id>', 'the request id (rk8s approvals lists them)')
      .option('--reason <text>', 'why (shown to the agent and recorded in the audit log)')
      .addHelpText(
        'after',
        `\nNeeds an interactive terminal. Shows the request first; ${verb === 'approve' ? 'a medium-risk one asks y/N, a high-risk one asks you to type the object name' : 'then asks y/N'}.\n` +
          'The decision is recorded in the audit log with your OS account.\n' +
          `\nExample:\n  rk8s ${verb} k3f9x2ab${verb === 'deny' ? ' --reason "use a canary first"' : ''}\n` +
          exitCodesHelp({ ok: 'decided', needsConfirmation: 'not confirmed', denied: 'cannot be decided (expired, already decided, denied by policy)', usage: 'no terminal or bad id' }),
      )
      .action(
        action(async (globals, id: string, options: { reason?: string }) => {
          checkId(id);
          requireTerminal(verb);
          const core = await coreFor(globals);
          try {
            const record = await core.approvalStore.get(id);
            if (!record || record.kind !== 'inbox') throw new InputError(`no approval request ${id}`, { hint: 'rk8s approvals lists the pending ones' });
            const now = core.clock.now();
            printRequest(record, now, (text) => process.stderr.write(text));
            const by = `${defaultUser()} (rk8s ${verb} on a terminal)`;
            if (verb === 'deny') {
              const answer = await ask(`Deny request ${id}? [y/N] `);
              if (!/^y(es)?$/i.test(answer.trim())) {
                process.stderr.write(`${style.yellow('not decided')}\n`);
                return ExitCode.needsConfirmation;
              }
              const result = await decideApproval(core, id, { outcome: 'denied', by, ...(options.reason ? { reason: options.reason } : {}) });
              if (!result.ok) {
                process.stderr.write(`${style.red('not denied:')} ${result.message} ${style.dim(`[${result.code}]`)}\n`);
                return exitCodeForError(result);
              }
              process.stderr.write(`${style.green('denied')} ${id}: the agent is told so\n`);
              return ExitCode.ok;
            }
            const requirement = record.proposal.confirmation;
            const typed = requirement.kind === 'typed-name';
            const answer = await ask(
              typed
                ? `${style.red('HIGH RISK.')} Type ${style.bold(requirement.word ?? '')} to approve ${style.cyan(record.proposal.plan.command)}: `
                : `Approve ${style.cyan(record.proposal.plan.command)}? [y/N] (${confirmationPrompt(requirement)}) `,
            );
            const result = await decideApproval(core, id, {
              outcome: 'approved',
              by,
              ...(options.reason ? { reason: options.reason } : {}),
              answer: typed ? { confirmed: true, text: answer.replace(/\r?\n$/, '') } : { confirmed: /^y(es)?$/i.test(answer.trim()) },
            });
            if (!result.ok) {
              process.stderr.write(`${style.red('not approved:')} ${result.message} ${style.dim(`[${result.code}]`)}\n`);
              return exitCodeForError(result);
            }
            process.stderr.write(`${style.green('approved')} ${id}: it runs once, when the agent's door picks it up (before ${record.expiresAt})\n`);
            return ExitCode.ok;
          } finally {
            await core.close();
          }
        }),
      );
  }
}

/** `rk8s audit tail` and `rk8s audit verify`: read and check the hash-chained audit log. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { readAuditRecords } from '../../audit/audit-log.js';
import { readPendingGap, verifyAuditLog } from '../../audit/verify.js';
import { describeGap, gapFilePath } from '../../audit/write-gap.js';
import { ExitCode, InputError } from '../../errors.js';
import type { AuditRecord } from '../../schemas/audit.js';
import { action, configFromOptions, type GlobalOptions, printJson } from '../output.js';
import { riskStyle, style } from '../style.js';

function parseCount(value: string): number {
  const count = Number(value);
  // commander turns this into a one-line usage error (exit 2).
  if (!Number.isInteger(count) || count < 1) throw new InvalidArgumentError('expected a positive integer, e.g. -n 50');
  return count;
}

/** The log to read: the FILE argument, else --audit-log / RK8S_AUDIT_LOG / logs/agent.log. */
function logPath(file: string | undefined, globals: GlobalOptions): string {
  if (file !== undefined) return path.resolve(file);
  return configFromOptions(globals).audit.path;
}

function eventStyle(event: string): (text: string) => string {
  switch (event) {
    case 'denied':
    case 'failed':
      return style.red;
    case 'cancelled':
      return style.yellow;
    case 'finished':
      return style.green;
    case 'started':
      return style.cyan;
    default:
      return style.bold;
  }
}

/** One human-readable line per record. */
function formatRecord(record: AuditRecord): string {
  const outcome: string[] = [];
  if (record.exit_code !== undefined) outcome.push(`exit=${record.exit_code}`);
  if (record.duration !== undefined) outcome.push(`${record.duration.toFixed(2)}s`);
  if (record.timed_out) outcome.push('timed out');
  if (record.truncated) outcome.push('truncated');
  const risk = record.risk ?? '-';
  return [
    style.dim(record.timestamp),
    eventStyle(record.event)(record.event.padEnd(9)),
    `${record.source}/${record.user}`,
    record.context ?? '-',
    `${record.decision ?? '-'}/${riskStyle(risk)(risk)}`,
    record.command ?? (record.intent ? `${record.intent} ${record.resource ?? ''} ${record.name ?? ''}`.trim() : '-'),
    ...outcome,
    ...(record.message ? [style.dim(`(${record.message})`)] : []),
    style.gray(record.operation_id.slice(0, 8)),
  ].join('  ');
}

/** Adds `rk8s audit tail|verify` to the program. */
export function registerAuditCommand(program: Command): void {
  const audit = program
    .command('audit')
    .description('read and verify the hash-chained JSONL audit log')
    .addHelpText('after', '\nExamples:\n  rk8s audit tail -n 50\n  rk8s audit tail --json logs/agent.log\n  rk8s audit verify\n  rk8s audit verify --no-rotated logs/agent.log');

  audit
    .command('tail')
    .description('print the newest records (oldest first), continuing into rotated files when needed; records that could not be written are flagged with ⚠')
    .argument('[file]', 'audit log (default: --audit-log, $RK8S_AUDIT_LOG or logs/agent.log)')
    .addOption(new Option('-n, --lines <count>', 'how many records').default(20).argParser(parseCount))
    .option('--json', 'one JSON record per line (JSONL), exactly as stored')
    .action(
      action(async (globals, file: string | undefined, options: { lines: number }) => {
        const logFile = logPath(file, globals);
        if (!existsSync(logFile)) {
          throw new InputError(`audit log ${logFile}: file not found`, {
            hint: 'rk8s writes it on the first plan or run; pass the right file, --audit-log or RK8S_AUDIT_LOG (rk8s check prints where it is)',
          });
        }
        const records = await readAuditRecords(logFile, { limit: options.lines });
        const warnings: string[] = [];
        const pendingGap = await readPendingGap(logFile, warnings);
        if (globals.json) {
          // Records only on stdout (JSONL as stored, with their `gap` fields); the pending gap goes to stderr.
          for (const record of records) process.stdout.write(`${JSON.stringify(record)}\n`);
        } else if (records.length === 0) {
          process.stdout.write(`${style.dim('no audit records yet')}\n`);
        } else {
          for (const record of records) {
            if (record.gap) process.stdout.write(`${style.yellow(`⚠ ${describeGap(record.gap)}`)}\n`);
            process.stdout.write(`${formatRecord(record)}\n`);
          }
        }
        if (pendingGap) process.stderr.write(`${style.yellow(`⚠ ${describeGap(pendingGap, 'and no record since declares them')}`)} (${gapFilePath(logFile)})\n`);
        for (const warning of warnings) process.stderr.write(`${style.yellow(`⚠ ${warning}`)}\n`);
        return ExitCode.ok;
      }),
    );

  audit
    .command('verify')
    .description('check that every line is its record\'s canonical bytes, every hash and the chain between records; exit 1 naming the file and line of each problem. Declared gaps (records that could not be written) are listed and do not fail the check')
    .argument('[file]', 'audit log (default: --audit-log, $RK8S_AUDIT_LOG or logs/agent.log)')
    .option('--no-rotated', 'check only FILE (its first record must still link to FILE.1), not FILE.N ... FILE.1 too')
    .option('--json', 'print the verification result as JSON')
    .action(
      action(async (globals, file: string | undefined, options: { rotated: boolean }) => {
        const target = logPath(file, globals);
        const result = await verifyAuditLog(target, { includeRotated: options.rotated });
        if (globals.json) {
          printJson(result);
        } else {
          for (const problem of result.problems) process.stdout.write(`${style.red('✗')} ${problem.file}:${problem.line}: ${problem.message}\n`);
          // Declared gaps are not tampering (the chain holds) but every reader must see them.
          for (const gap of result.gaps) process.stdout.write(`${style.yellow('⚠')} ${gap.file}:${gap.line}: ${describeGap(gap)}\n`);
          if (result.pendingGap) {
            process.stdout.write(`${style.yellow('⚠')} ${gapFilePath(target)}: ${describeGap(result.pendingGap, 'and no record since declares them')}\n`);
          }
          for (const warning of result.warnings) process.stdout.write(`${style.yellow('⚠')} ${warning}\n`);
          const scope = result.files.length > 1 ? ` in ${result.files.length} files` : '';
          const lost = result.gaps.reduce((sum, gap) => sum + gap.lost, 0);
          const declared = result.gaps.length > 0 ? `; ${result.gaps.length} declared gap(s), ${lost} record(s) lost` : '';
          if (result.ok) process.stdout.write(`${style.green('✔')} ${result.count} records verified${scope}${declared}; last hash ${result.lastHash ?? '-'}\n`);
          else process.stdout.write(`${style.red(`${result.problems.length} problem(s)`)} in ${result.count} records${scope}${declared} (${target})\n`);
        }
        return result.ok ? ExitCode.ok : ExitCode.failure;
      }),
    );
}

/**
 * The "Exit codes:" line of each command's --help, from the one ExitCode table: a command names what
 * each code means for it, the numbers come from src/errors.ts, so help and behaviour cannot drift.
 */
import { ExitCode } from '../errors.js';

type ExitCodeName = keyof typeof ExitCode;

/** What each code means for one command; `kubectlOwn` puts "kubectl's own when it ran" first. */
export type ExitMeanings = Partial<Record<ExitCodeName, string>> & { kubectlOwn?: true };

/** The codes in the order --help lists them (the command's outcome first, then the errors by number). */
const ORDER: readonly ExitCodeName[] = ['ok', 'failure', 'needsConfirmation', 'denied', 'usage', 'config', 'kubectl', 'auditWriteFailed', 'cancelled'];

/** `\nExit codes: 0 allowed, 3 needs confirmation, ...` for a command's help epilogue. */
export function exitCodesHelp(meanings: ExitMeanings): string {
  const parts = ORDER.flatMap((name) => {
    const meaning = meanings[name];
    return meaning === undefined ? [] : [`${ExitCode[name]} ${meaning}`];
  });
  if (meanings.kubectlOwn) return `\nExit codes: kubectl's own when it ran; ${parts.join(', ')}.`;
  return `\nExit codes: ${parts.join(', ')}.`;
}

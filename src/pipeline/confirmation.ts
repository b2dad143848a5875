/**
 * The one place that decides what confirmation a command needs and whether an answer satisfies it.
 * Every front-end (TUI keys, the terminal prompt, MCP elicitation, the approvals inbox, API tokens)
 * asks the human what this says and hands the answer back here; none of them decides.
 */
import type { Confirmation } from '../schemas/approval.js';
import type { K8sExecPayload } from '../schemas/request.js';
import type { Verdict } from '../schemas/verdict.js';
import type { CommandTarget } from '../contracts/core.js';

/** The confirmation a verdict demands: high risk the object's name typed, medium a yes, low/none nothing. */
export function confirmationFor(
  verdict: Verdict,
  target: CommandTarget | undefined,
  request: Pick<K8sExecPayload, 'intent' | 'name' | 'namespace'>,
  intentFrom?: 'explicit' | 'words' | 'default',
): Confirmation {
  // A change whose intent nobody stated (it was read from the words) must be pinned by a scripted confirmation.
  const expectRequired = verdict.mutating && (intentFrom === undefined ? request.intent === undefined : intentFrom !== 'explicit');
  if (verdict.decision !== 'confirm') return { kind: 'none', expectRequired: false };
  if (verdict.risk === 'high') return { kind: 'typed-name', word: confirmationWord(target, verdict, request), expectRequired };
  return { kind: 'key', expectRequired };
}

/** What a high-risk confirmation must repeat: the object's name as the argv names it, else its namespace. */
export function confirmationWord(target: CommandTarget | undefined, verdict: Verdict, request: Pick<K8sExecPayload, 'name' | 'namespace'>): string {
  return target?.name ?? request.name ?? target?.namespace ?? verdict.namespace ?? request.namespace ?? 'yes';
}

/** A human's answer to a confirmation request. */
export interface ConfirmationAnswer {
  /** They said yes (a key, a button, a flag). */
  confirmed: boolean;
  /** What they typed, for a typed-name confirmation. */
  text?: string;
}

/** Why an answer does not satisfy a requirement (undefined: it does). */
export interface ConfirmationRefusal {
  code: 'NOT_CONFIRMED' | 'CONFIRM_TEXT_MISMATCH';
  message: string;
}

/** Checks an answer against the requirement; the name must be typed exactly (no trimming, same case). */
export function checkConfirmation(requirement: Confirmation, answer: ConfirmationAnswer): ConfirmationRefusal | undefined {
  if (requirement.kind === 'none') return undefined;
  if (!answer.confirmed) return { code: 'NOT_CONFIRMED', message: 'not confirmed: nothing was run' };
  if (requirement.kind === 'key') return undefined;
  const word = requirement.word ?? '';
  const why = typedNameMismatch(answer.text ?? '', word);
  return why === undefined ? undefined : { code: 'CONFIRM_TEXT_MISMATCH', message: why };
}

/** Why a typed name is not the target name (it must match exactly), or undefined when it is. */
export function typedNameMismatch(typed: string, target: string): string | undefined {
  if (typed === target) return undefined;
  let why: string;
  if (typed === '') why = 'nothing was typed';
  else if (typed.trim() === target) why = 'it has spaces around the name';
  else if (typed.toLowerCase() === target.toLowerCase()) why = 'the letter case differs';
  else if (target.startsWith(typed)) why = `it is incomplete (${target.length - typed.length} more character${target.length - typed.length === 1 ? '' : 's'})`;
  else why = 'it is a different name';
  return `"${typed}" is not "${target}" (${why}): nothing was run. Type the name exactly.`;
}

/** The one-line instruction for a requirement, as every front-end shows it. */
export function confirmationPrompt(requirement: Confirmation): string {
  switch (requirement.kind) {
    case 'none':
      return 'no confirmation needed';
    case 'key':
      return 'confirm to run this command';
    case 'typed-name':
      return `type "${requirement.word ?? ''}" to run this high-risk command`;
  }
}

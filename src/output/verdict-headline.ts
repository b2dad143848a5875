/**
 * How a verdict is headlined, for every front-end (the TUI's verdict panel, the CLI's printer). A plan
 * that is not a command is not "MEDIUM RISK denied": it is incomplete (what is missing), a question
 * (what is ambiguous) or out of scope (why); a command that changes nothing is READ-ONLY, never "NONE RISK".
 */
import type { Plan } from '../schemas/plan.js';
import type { Verdict, ViolationCode } from '../schemas/verdict.js';

/** The headline: a badge (READ-ONLY, HIGH RISK, INCOMPLETE...), the decision in words, and its tone. */
export interface VerdictHeadline {
  badge: string;
  word: string;
  tone: 'danger' | 'warning' | 'success';
  /** True when the badge is a risk level (coloured by risk), false for READ-ONLY and the not-a-command labels. */
  riskBadge: boolean;
}

const INCOMPLETE_CODES: ReadonlySet<ViolationCode> = new Set(['PARAMS_MISSING', 'PARAMS_INVALID', 'PLAN_EMPTY']);

/** The headline of `verdict` for `plan` (the plan tells what is missing). */
export function verdictHeadline(verdict: Verdict, plan?: Pick<Plan, 'missing'>): VerdictHeadline {
  const codes = verdict.violations.map((violation) => violation.code);
  const riskWord = verdict.mutating ? `${verdict.risk.toUpperCase()} RISK` : 'READ-ONLY';
  const risk = { badge: riskWord, riskBadge: verdict.mutating };
  if (verdict.decision === 'deny' && codes.includes('NEEDS_CLARIFICATION')) return { badge: 'QUESTION', riskBadge: false, word: 'NOT PLANNED: the core asks', tone: 'warning' };
  if (verdict.decision === 'deny' && codes.includes('OUT_OF_SCOPE')) return { badge: 'OUT OF SCOPE', riskBadge: false, word: 'REFUSED', tone: 'danger' };
  if (verdict.decision === 'deny' && codes.length > 0 && codes.every((code) => INCOMPLETE_CODES.has(code))) {
    const missing = plan?.missing ?? [];
    return { badge: 'INCOMPLETE', riskBadge: false, word: missing.length > 0 ? `NOT PLANNED: missing ${missing.join(', ')}` : 'NOT PLANNED: a value was refused', tone: 'warning' };
  }
  if (verdict.decision === 'deny') return { ...risk, word: 'DENIED', tone: 'danger' };
  return verdict.decision === 'confirm' ? { ...risk, word: 'NEEDS CONFIRMATION', tone: 'warning' } : { ...risk, word: 'ALLOWED', tone: 'success' };
}

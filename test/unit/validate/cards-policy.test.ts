/** The card corpus and the validator agree: every card example parses cleanly and breaks no always-denied rule. */
import { MUTATING_INTENTS } from '../../../src/schemas/vocabulary.js';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCards } from '../../../src/corpus/load-cards.js';
import { splitCommand } from '../../../src/corpus/format-command.js';
import { parseKubectlArgs } from '../../../src/validate/kubectl-argv.js';
import { loadPolicy } from '../../../src/validate/load-policy.js';
import { validate } from '../../../src/validate/validate.js';

const root = path.resolve(import.meta.dirname, '../../..');
const { cards } = loadCards(path.join(root, 'cards'));
const policy = loadPolicy(path.join(root, 'org')).policy!;
const examples = cards.flatMap((card) => card.examples.map((example) => ({ card, command: example.command })));
/** Denials an example may legitimately get from the shipped policy (a tier not granting it, a guardrail). */
const POLICY_CODES = new Set(['VERB_NOT_ALLOWED', 'GUARDRAIL']);

describe('card examples under the validator', () => {
  it('has examples to check', () => {
    expect(examples.length).toBeGreaterThan(40);
  });

  it.each(examples.map((example) => [example.card.id, example.command, example] as const))('%s: %s', (_id, _command, { card, command }) => {
    const args = splitCommand(command).slice(1);
    expect(parseKubectlArgs(args).problems).toEqual([]);
    const verdict = validate(args, { policy, cardRisk: card.risk_level, owner: null });
    for (const violation of verdict.violations) expect(POLICY_CODES.has(violation.code), violation.message).toBe(true);
    expect(verdict.mutating).toBe(MUTATING_INTENTS.has(card.intent));
  });
});

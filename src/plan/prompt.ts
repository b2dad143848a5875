/**
 * The planner prompt. The system message (instructions + the retrieved cards) comes first and is
 * identical for identical card sets, so the LLM planner keeps it evaluated in its context and a
 * second request only evaluates the short user message. The request is untrusted text: it is
 * quoted as JSON, and whatever the model answers is only a card id and parameter values that code
 * checks and renders.
 */
import type { CardMatch } from '../contracts/events.js';
import type { PlanFacts } from '../contracts/ports.js';
import type { ParamValue } from '../schemas/card.js';
import type { K8sExecPayload } from '../schemas/request.js';
import { describeParam } from './grammar.js';

/** The fixed instructions, first in every prompt. */
export const SYSTEM_INSTRUCTIONS = [
  'You are rk8s, a planner that helps an on-call engineer run one kubectl command.',
  'You never write commands. From the command cards below, pick the ONE card that best fits the request and fill its parameters.',
  'Rules: use only values stated in the request; use null for an optional parameter the request does not mention;',
  'never invent object names; the rationale is one short sentence saying why this card.',
  'Answer with JSON only: {"card": "<card id>", "params": {...}, "rationale": "..."}.',
].join('\n');

/** One card as the model sees it: the retriever's snippet, then each parameter with its constraints. */
export function formatCardForPrompt(match: CardMatch): string {
  const lines = [`## ${match.id}`, match.snippet.trim() || `${match.card.title}. ${match.card.description}`];
  if (match.card.params.length > 0) {
    lines.push('Parameters:');
    for (const param of match.card.params) lines.push(`- ${param.name} (${describeParam(param)})`);
  }
  const example = match.card.examples[0];
  if (example) lines.push(`Example: "${example.request}" -> ${JSON.stringify({ card: match.id, params: example.params })}`);
  return lines.join('\n');
}

/** The reusable prefix: instructions and the cards, in retrieval order. */
export function buildSystemPrompt(matches: readonly CardMatch[]): string {
  return `${SYSTEM_INSTRUCTIONS}\n\n# Command cards\n\n${matches.map(formatCardForPrompt).join('\n\n')}`;
}

/**
 * The system prompt cut to fit `budget` tokens (counted with the model's own tokenizer): first
 * without examples, then with shorter snippets, then with fewer cards (the best-ranked kept). Says
 * what it cut; when even one card does not fit, the prompt is returned as is and the caller falls back.
 */
export function fitPrompt(matches: readonly CardMatch[], countTokens: (text: string) => number, budget: number): { system: string; cards: number; tokens: number; note?: string } {
  const full = buildSystemPrompt(matches);
  const fullTokens = countTokens(full);
  if (fullTokens <= budget) return { system: full, cards: matches.length, tokens: fullTokens };
  const variants: Array<{ cards: CardMatch[]; what: string }> = [];
  for (let count = matches.length; count >= 1; count -= 1) {
    const kept = matches.slice(0, count);
    for (const length of [Infinity, 400, 240, 120]) {
      variants.push({
        cards: kept.map((match) => ({ ...match, snippet: length === Infinity ? match.snippet : `${match.snippet.slice(0, length).replace(/\s+\S*$/, '')}…`, card: { ...match.card, examples: [] } })),
        what: `${count < matches.length ? `${count} of ${matches.length} cards, ` : ''}${length === Infinity ? 'no examples' : `snippets cut to ${length} characters, no examples`}`,
      });
    }
  }
  for (const variant of variants) {
    const system = buildSystemPrompt(variant.cards);
    const tokens = countTokens(system);
    if (tokens <= budget) {
      return { system, cards: variant.cards.length, tokens, note: `the prompt (${fullTokens} tokens) did not fit the model's context; sent ${tokens} tokens: ${variant.what}` };
    }
  }
  return { system: full, cards: matches.length, tokens: fullTokens };
}

/** The per-request message; `rejection` explains why the previous answer was refused (the retry). */
export function buildUserMessage(request: K8sExecPayload, facts: PlanFacts, fixed: Readonly<Record<string, ParamValue>>, rejection?: string): string {
  const known: Record<string, unknown> = {};
  if (request.intent) known.intent = request.intent;
  if (request.resource) known.resource = request.resource;
  if (request.namespace) known.namespace = request.namespace;
  if (request.name) known.name = request.name;
  if (facts.currentReplicas !== undefined) known.current_replicas = facts.currentReplicas;
  const lines = [`Request: ${JSON.stringify(known)}`];
  if (request.query?.trim()) lines.push(`The engineer wrote: ${JSON.stringify(request.query.trim())}`);
  if (Object.keys(fixed).length > 0) lines.push(`Already filled by rk8s (do not repeat): ${Object.keys(fixed).join(', ')}.`);
  if (rejection) lines.push(`Your previous answer was rejected: ${rejection}. Answer again with valid values.`);
  return lines.join('\n');
}

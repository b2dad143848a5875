/**
 * The snippet token budget: the planner's prompt gets at most 1,200 tokens of card snippets.
 * Snippets shrink lowest-ranked first (notes, then extra examples, then descriptions), then the
 * lowest-ranked cards are dropped, and only as a last resort is a snippet cut.
 */
import type { Card } from '../schemas/card.js';

/** Total tokens all snippets of one retrieval may use. */
export const SNIPPET_TOKEN_BUDGET = 1200;

/** Counts tokens of a text. */
export type TokenCounter = (text: string) => number;

/** Safety margin over the raw count: the worst card snippet measured needed +11.5% with WordPiece. */
const ESTIMATE_MARGIN = 1.15;

/**
 * The documented estimate used when no tokenizer is loaded: every run of letters and digits
 * counts one token per 4 characters (rounded up), every other non-space character counts one,
 * and the sum gets a 15% margin. Measured on every snippet of the corpus against the real
 * all-MiniLM-L6-v2 WordPiece tokenizer it never undercounts (test/unit/retrieve/token-budget.test.ts)
 * and overcounts by about 30% on average, so the budget errs on the safe side.
 */
export function estimateTokens(text: string): number {
  let count = 0;
  for (const match of text.matchAll(/[A-Za-z0-9]+|[^\sA-Za-z0-9]/g)) {
    const piece = match[0];
    count += /^[A-Za-z0-9]/.test(piece) ? Math.ceil(piece.length / 4) : 1;
  }
  return Math.ceil(count * ESTIMATE_MARGIN);
}

/** How much of a card a snippet shows: 0 everything, 3 the bare minimum. */
export type SnippetDetail = 0 | 1 | 2 | 3;
/** The most compact snippet detail. */
export const MOST_COMPACT: SnippetDetail = 3;

function describeParam(card: Card, detail: SnippetDetail): string {
  return card.params
    .map((param) => {
      const facts = [param.type, param.required ? 'required' : undefined, param.default !== undefined ? `default ${String(param.default)}` : undefined]
        .filter((fact) => fact !== undefined)
        .join(', ');
      if (detail >= 3) return `${param.name} (${facts})`;
      const allowed = param.enum ? ` one of ${param.enum.join('|')}` : '';
      return detail >= 2 ? `${param.name} (${facts})${allowed}` : `${param.name} (${facts})${allowed}: ${param.description}`;
    })
    .join('; ');
}

/** The compact text a planner reads for one card, at a level of detail. */
export function renderSnippet(card: Card, detail: SnippetDetail = 0): string {
  const lines = [`[${card.id}] ${card.title} (intent: ${card.intent}, resource: ${card.resource}, risk: ${card.risk_level})`];
  if (detail <= 1) lines.push(card.description.trim());
  lines.push(`command: kubectl ${card.command_template.join(' ')}`);
  if (card.params.length > 0) lines.push(`params: ${describeParam(card, detail)}`);
  const examples = detail === 0 ? card.examples.slice(0, 2) : detail <= 2 ? card.examples.slice(0, 1) : [];
  for (const example of examples) lines.push(`example: "${example.request}" -> ${example.command}`);
  if (detail === 0 && card.notes.length > 0) lines.push(`notes: ${card.notes.join(' ')}`);
  return lines.join('\n');
}

/** Cuts a text to at most `maximum` tokens (by the counter), on a word boundary, marking the cut. */
export function truncateToTokens(text: string, maximum: number, countTokens: TokenCounter): string {
  if (countTokens(text) <= maximum) return text;
  const pieces = text.split(/(\s+)/);
  let low = 0;
  let high = pieces.length;
  // Binary search on the number of pieces kept: the counter is monotonic in practice.
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (countTokens(`${pieces.slice(0, middle).join('')} …`) <= maximum) low = middle;
    else high = middle - 1;
  }
  return low === 0 ? '' : `${pieces.slice(0, low).join('').trimEnd()} …`;
}

/** One budgeted snippet. */
export interface BudgetedSnippet {
  card: Card;
  snippet: string;
  tokens: number;
  detail: SnippetDetail;
  truncated: boolean;
}

/** Options of fitSnippets. */
export interface FitSnippetsOptions {
  budget?: number;
  countTokens: TokenCounter;
  /** Cards kept even if their snippets must shrink or be cut (default 2). */
  minimumCards?: number;
}

/** Picks snippet detail per card (best-ranked keep the most) so the total fits the budget. */
export function fitSnippets(rankedCards: readonly Card[], options: FitSnippetsOptions): BudgetedSnippet[] {
  const budget = options.budget ?? SNIPPET_TOKEN_BUDGET;
  const minimumCards = Math.max(1, options.minimumCards ?? 2);
  const entries = rankedCards.map((card) => {
    const snippet = renderSnippet(card, 0);
    return { card, snippet, tokens: options.countTokens(snippet), detail: 0 as SnippetDetail, truncated: false };
  });
  const total = () => entries.reduce((sum, entry) => sum + entry.tokens, 0);
  for (;;) {
    if (total() <= budget) return entries;
    const shrinkable = entries.findLastIndex((entry) => entry.detail < MOST_COMPACT);
    if (shrinkable >= 0) {
      const entry = entries[shrinkable]!;
      entry.detail = (entry.detail + 1) as SnippetDetail;
      entry.snippet = renderSnippet(entry.card, entry.detail);
      entry.tokens = options.countTokens(entry.snippet);
      continue;
    }
    if (entries.length > minimumCards) {
      entries.pop();
      continue;
    }
    break;
  }
  // Every snippet is at its most compact and no card can go: cut from the lowest-ranked up.
  for (let index = entries.length - 1; index >= 0 && total() > budget; index--) {
    const entry = entries[index]!;
    const others = total() - entry.tokens;
    const allowance = Math.max(0, budget - others);
    entry.snippet = truncateToTokens(entry.snippet, allowance, options.countTokens);
    entry.tokens = options.countTokens(entry.snippet);
    entry.truncated = true;
  }
  return entries.filter((entry) => entry.snippet !== '');
}

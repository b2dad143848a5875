/** Scores a retriever on a labelled set of requests: recall@1, recall@3 and mean reciprocal rank. */
import { z } from 'zod';
import type { Retriever } from '../contracts/ports.js';

/** One labelled request. */
export const LabelledRequestSchema = z.strictObject({
  query: z.string().min(1),
  expected: z.string().min(1),
  intent: z.string().optional(),
  resource: z.string().optional(),
  kind: z.enum(['paraphrase', 'slang', 'typo', 'bare', 'filtered']),
});
/** A labelled request. */
export type LabelledRequest = z.infer<typeof LabelledRequestSchema>;
/** A labelled set file. */
export const LabelledSetSchema = z.array(LabelledRequestSchema).min(1);

/** Where the expected card came for one request (undefined when not in the top `depth`). */
export interface EvaluatedRequest {
  request: LabelledRequest;
  rank?: number;
  got: string[];
}

/** Figures over a labelled set. */
export interface RetrievalEvaluation {
  count: number;
  recallAt1: number;
  recallAt3: number;
  mrr: number;
  results: EvaluatedRequest[];
}

/** Runs every request with limit `depth` (default 4) and scores the ranks of the expected cards. */
export async function evaluateRetrieval(retriever: Retriever, requests: readonly LabelledRequest[], depth = 4): Promise<RetrievalEvaluation> {
  const results: EvaluatedRequest[] = [];
  for (const request of requests) {
    const result = await retriever.retrieve({ query: request.query, intent: request.intent, resource: request.resource, limit: depth });
    const got = result.matches.map((match) => match.id);
    const position = got.indexOf(request.expected);
    results.push({ request, rank: position < 0 ? undefined : position + 1, got });
  }
  const share = (predicate: (entry: EvaluatedRequest) => boolean) => results.filter(predicate).length / results.length;
  return {
    count: results.length,
    recallAt1: share((entry) => entry.rank === 1),
    recallAt3: share((entry) => entry.rank !== undefined && entry.rank <= 3),
    mrr: results.reduce((sum, entry) => sum + (entry.rank === undefined ? 0 : 1 / entry.rank), 0) / results.length,
    results,
  };
}

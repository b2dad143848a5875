/** Pipeline events as NDJSON lines for HTTP clients: one JSON object per line, nothing a client must not hold. */
import type { PipelineEvent } from '../contracts/events.js';

/** The media type of a streamed response. */
export const NDJSON_MEDIA_TYPE = 'application/x-ndjson';

/** True when the client asked for a stream (`Accept: application/x-ndjson`). */
export function wantsNdjson(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => part.trim().split(';')[0]?.trim().toLowerCase() === NDJSON_MEDIA_TYPE);
}

/**
 * One event as a line, without what only means something inside this process or what a client does
 * not need: the in-process approval HMAC (a client never hands a proposal back; it confirms with the
 * approval ticket of the needs-confirmation answer) and the full card objects (templates, examples,
 * policy hints); cards travel by id, with their score and why they matched.
 */
export function eventLine(event: PipelineEvent): string {
  return `${JSON.stringify(streamedEvent(event))}\n`;
}

/** The client-facing form of an event (see eventLine). */
export function streamedEvent(event: PipelineEvent): object {
  if (event.type === 'approval-request') {
    const { approvalToken: _approvalToken, card: _card, ...proposal } = event.proposal;
    return { type: event.type, proposal: { ...proposal, cardId: event.proposal.plan.card } };
  }
  if (event.type === 'retrieve-end') {
    const cards = event.cards.map((match) => ({ id: match.id, title: match.card.title, score: match.score, why: match.why, risk: match.card.risk_level }));
    return { ...event, cards };
  }
  return event;
}

/** The last line of a stream: the same document a non-streaming request gets. */
export function resultLine(result: unknown): string {
  return `${JSON.stringify({ type: 'result', result })}\n`;
}

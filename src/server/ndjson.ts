/** Pipeline events as NDJSON lines for HTTP clients: one JSON object per line, nothing a client must not hold. */
import type { PipelineEvent } from '../pipeline/events.js';

/** The media type of a streamed response. */
export const NDJSON_MEDIA_TYPE = 'application/x-ndjson';

/** True when the client asked for a stream (`Accept: application/x-ndjson`). */
export function wantsNdjson(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => part.trim().split(';')[0]?.trim().toLowerCase() === NDJSON_MEDIA_TYPE);
}

/**
 * One event as a line. The approval token is dropped: it only means something inside this process,
 * and an HTTP client never hands a proposal back.
 */
export function eventLine(event: PipelineEvent): string {
  if (event.type === 'approval-request') {
    const { approvalToken: _approvalToken, ...proposal } = event.proposal;
    return `${JSON.stringify({ type: event.type, proposal })}\n`;
  }
  return `${JSON.stringify(event)}\n`;
}

/** The last line of a stream: the same document a non-streaming request gets. */
export function resultLine(result: unknown): string {
  return `${JSON.stringify({ type: 'result', result })}\n`;
}

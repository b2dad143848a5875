/**
 * Bounded, redacted log excerpts with the error lines marked. Log text is data: it is shown as
 * evidence and never read as an instruction, a command or a parameter.
 */
import { redactText } from '../audit/redact.js';
import type { LogLine } from './snapshot-types.js';

/** Most lines kept from a container's log. */
export const MAX_LOG_LINES = 20;
/** Longest line kept (characters); the rest is cut with an ellipsis. */
export const MAX_LOG_LINE_LENGTH = 300;

const ERROR_LINE =
  /\b(?:error|err|fatal|panic|panicked|exception|traceback|fail(?:ed|ure|s)?|cannot|can't|unable|refused|denied|killed|oom|out of memory|segmentation fault|not set|missing|invalid)\b|level=(?:error|fatal|panic)|^\s*[EF]\d{4}\s/i;

/** True when a log line looks like an error (so it can be shown marked). */
export function isErrorLine(line: string): boolean {
  return ERROR_LINE.test(line);
}

/** The last `maxLines` non-empty lines of a log, redacted, cut to a sane width, errors marked. */
export function excerptLog(text: string, maxLines = MAX_LOG_LINES): LogLine[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  return lines.slice(-maxLines).map((raw) => {
    // Terminal escapes and other control characters are display hazards, not content.
    const clean = raw.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
    const redacted = redactText(clean);
    const text = redacted.length > MAX_LOG_LINE_LENGTH ? `${redacted.slice(0, MAX_LOG_LINE_LENGTH - 1)}…` : redacted;
    return { text, error: isErrorLine(redacted) };
  });
}

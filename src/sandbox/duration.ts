/**
 * The sandbox's one duration grammar (scenario ages, fault run times, back-offs) and the Go
 * `time.Duration` formatting the kubelet and controllers print ("5m0s", "1m20s", "300ms").
 * Everything in src/sandbox parses durations through `parseDuration` only, so swapping this module
 * for a shared grammar later is a one-file change.
 */

const unitMilliseconds: ReadonlyMap<string, number> = new Map([['ms', 1], ['s', 1000], ['m', 60_000], ['h', 3_600_000], ['d', 86_400_000]]);

/** The error message of a malformed duration (also used by the scenario schema). */
export function durationError(text: string): string {
  return `invalid duration "${text}": use forms like 90s, 15m, 3h, 2d or 1d12h`;
}

/** Parses "90s", "15m", "3h", "2d", "1d12h", "500ms" (or a number of seconds) into milliseconds. */
export function parseDuration(text: string | number): number {
  if (typeof text === 'number') return text * 1000;
  let total = 0;
  let matched = '';
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) {
    total += Number(match[1]) * (unitMilliseconds.get(match[2] ?? 's') ?? 1000);
    matched += match[0];
  }
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0 || matched !== compact) throw new Error(durationError(text));
  return total;
}

/** True when `text` is a duration `parseDuration` accepts. */
export function isDuration(text: string | number): boolean {
  try {
    parseDuration(text);
    return true;
  } catch {
    return false;
  }
}

/** Go's `time.Duration.String()`: "10s", "5m0s", "1m20s", "2h0m0s", "300ms". */
export function formatGoDuration(milliseconds: number): string {
  if (milliseconds <= 0) return '0s';
  if (milliseconds < 1000) return `${Math.round(milliseconds)}ms`;
  const totalSeconds = milliseconds / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds - hours * 3600 - minutes * 60;
  const secondsText = Number.isInteger(seconds) ? String(seconds) : String(Number(seconds.toFixed(3)));
  if (hours > 0) return `${hours}h${minutes}m${secondsText}s`;
  if (minutes > 0) return `${minutes}m${secondsText}s`;
  return `${secondsText}s`;
}

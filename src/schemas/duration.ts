/**
 * The one duration grammar: kubectl (Go) durations such as 90s, 5m, 1h30m, and the words on-call
 * engineers type ("20 minutes", "half an hour", "an hour and a half", "2 days"). Cards, the slot
 * grammar and the corpus renderer all use it, so "what is a duration" has one answer.
 */
import { ownValue } from '../own-property.js';

/** A duration as cards accept it: one or more `<whole number><unit>`, units ms, s, m, h (kubectl reads these as Go does). */
export const GO_DURATION = /^(?:\d+(?:ms|s|m|h))+$/;

const UNIT_SECONDS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 };

/** True when the text is a kubectl duration (90s, 5m, 1h30m). */
export function isGoDuration(text: string): boolean {
  return GO_DURATION.test(text);
}

/** Seconds of a kubectl duration ("1h30m" -> 5400); undefined when it is not one. Days ("2d") are accepted too. */
export function durationToSeconds(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) total += Number(amount) * ownValue(UNIT_SECONDS, unit!)!;
  return total;
}

/** The shortest kubectl duration for whole seconds: 5400 -> "90m", 3600 -> "1h", 45 -> "45s" (no days: kubectl has none). */
export function secondsToGoDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  if (whole % 3600 === 0 && whole > 0) return `${whole / 3600}h`;
  if (whole % 60 === 0 && whole > 0) return `${whole / 60}m`;
  return `${whole}s`;
}

/** Unit words -> seconds per unit. */
const WORD_UNITS: ReadonlyArray<[RegExp, number]> = [
  [/^(?:ms|msecs?|milliseconds?)$/, 0.001],
  [/^(?:s|secs?|seconds?)$/, 1],
  [/^(?:m|mins?|minutes?)$/, 60],
  [/^(?:h|hrs?|hours?)$/, 3600],
  [/^(?:d|days?)$/, 86_400],
];

/** The unit alternatives of DURATION_WORDS, for callers that build larger patterns. */
export const DURATION_UNIT_PATTERN = '(?:ms|msecs?|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)';

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, fifteen: 15, twenty: 20, thirty: 30, forty: 40, 'forty-five': 45, fifty: 50, sixty: 60, ninety: 90,
};

/** The number-word alternatives accepted before a unit ("twenty minutes"). */
export const DURATION_NUMBER_PATTERN = `(?:\\d{1,5}(?:\\.\\d+)?|${Object.keys(NUMBER_WORDS).sort((a, b) => b.length - a.length).join('|')})`;

function unitSeconds(unit: string): number | undefined {
  for (const [pattern, seconds] of WORD_UNITS) if (pattern.test(unit)) return seconds;
  return undefined;
}

/**
 * Seconds of a duration written in words or as kubectl writes it: "90s", "1h30m", "20 minutes",
 * "20min", "half an hour", "an hour and a half", "1.5 hours", "a minute", "2 days". Undefined for
 * anything else (the text is untrusted; nothing is guessed).
 */
export function parseDurationWords(text: string): number | undefined {
  const normalized = text.toLowerCase().replace(/\s+/g, ' ').trim();
  const direct = durationToSeconds(normalized);
  if (direct !== undefined) return direct;
  if (/^half (?:an? )?hour$/.test(normalized)) return 1800;
  if (/^(?:a |an |one )?quarter (?:of )?(?:an? )?hour$/.test(normalized)) return 900;
  const andAHalf = /^(.+?) and a half$/.exec(normalized);
  if (andAHalf) {
    const base = parseDurationWords(andAHalf[1]!);
    const unit = /(\S+)$/.exec(andAHalf[1]!)?.[1];
    const perUnit = unit ? unitSeconds(unit) : undefined;
    return base !== undefined && perUnit !== undefined ? base + perUnit / 2 : undefined;
  }
  const match = new RegExp(`^(${DURATION_NUMBER_PATTERN}) ?(${DURATION_UNIT_PATTERN})$`).exec(normalized);
  if (!match) return undefined;
  const amount = ownValue(NUMBER_WORDS, match[1]!) ?? Number(match[1]);
  const perUnit = unitSeconds(match[2]!);
  if (!Number.isFinite(amount) || perUnit === undefined) return undefined;
  return amount * perUnit;
}

/** A duration in words as a kubectl duration ("20 minutes" -> "20m", "half an hour" -> "30m"); undefined when not one. */
export function wordsToGoDuration(text: string): string | undefined {
  const seconds = parseDurationWords(text);
  if (seconds === undefined || seconds <= 0) return undefined;
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  return secondsToGoDuration(seconds);
}

/** The one duration grammar: kubectl durations and the words on-call engineers use. */
import { describe, expect, it } from 'vitest';
import { durationToSeconds, isGoDuration, parseDurationWords, secondsToGoDuration, wordsToGoDuration } from '../../../src/schemas/duration.js';

describe('durations', () => {
  it.each([['90s', 90], ['5m', 300], ['1h30m', 5400], ['2d', 172_800], ['500ms', 0.5]])('%s is %d seconds', (text, seconds) => {
    expect(durationToSeconds(text)).toBe(seconds);
  });

  it.each(['', '5', 'm5', '5 m', '-5m', '5x'])('%j is not a kubectl duration', (text) => {
    expect(durationToSeconds(text)).toBeUndefined();
    expect(isGoDuration(text)).toBe(false);
  });

  it.each<[string, string | undefined]>([
    ['20 minutes', '20m'], ['20min', '20m'], ['twenty minutes', '20m'], ['half an hour', '30m'], ['an hour and a half', '90m'],
    ['1.5 hours', '90m'], ['a minute', '1m'], ['2 days', '48h'], ['45 secs', '45s'], ['90s', '90s'], ['1h30m', '90m'],
    ['quarter of an hour', '15m'], ['soon', undefined], ['5 apples', undefined], ['0 minutes', undefined],
  ])('%j -> %j', (text, expected) => {
    expect(wordsToGoDuration(text)).toBe(expected);
  });

  it('prints the shortest kubectl form', () => {
    expect([secondsToGoDuration(3600), secondsToGoDuration(5400), secondsToGoDuration(45)]).toEqual(['1h', '90m', '45s']);
    expect(parseDurationWords('an hour')).toBe(3600);
  });
});

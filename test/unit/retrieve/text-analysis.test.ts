import { describe, expect, it } from 'vitest';
import { analyze, editDistance, normalizeText, stem } from '../../../src/retrieve/text-analysis.js';
import { TypoCorrector } from '../../../src/retrieve/typo-correction.js';

describe('stem', () => {
  it.each([
    ['scale', 'scaling'],
    ['scale', 'scaled'],
    ['restart', 'restarting'],
    ['pod', 'pods'],
    ['node', 'nodes'],
    ['stop', 'stopped'],
    ['replica', 'replicas'],
    ['policy', 'policies'],
  ])('%s and %s meet', (a, b) => {
    expect(stem(a)).toBe(stem(b));
  });

  it.each(['status', 'process', 'dns', 'ip', '502'])('%s is left alone where stripping would hurt', (word) => {
    expect(stem(word)).toBe(word === 'process' ? 'process' : word);
  });
});

describe('analyze', () => {
  it('normalises case, accents and punctuation', () => {
    expect(normalizeText('  Bounce   the API-Gateway, café! ')).toBe('bounce the api gateway cafe');
  });

  it.each([
    ['bounce the api', 'restart'],
    ['kick it', 'restart'],
    ['undo the release', 'rollback'],
    ['roll back web', 'rollback'],
    ['pod in CrashLoopBackOff', 'crashloop'],
    ['it got OOMKilled', 'oom'],
    ['list po', 'pod'],
    ['scale the deploy', 'deployment'],
    ['what about the sts', 'statefulset'],
    ['show svc', 'servic'],
    ['evacuate the box', 'drain'],
  ])('%s expands to %s', (text, term) => {
    expect(analyze(text).expansions).toContain(term);
  });

  it('drops stopwords from stems but keeps every word for n-grams', () => {
    const analysis = analyze('please restart the api');
    expect(analysis.stems).toEqual(['restart', 'api']);
    expect(analysis.words).toEqual(['please', 'restart', 'the', 'api']);
  });

  it('records which phrase triggered an expansion', () => {
    expect(analyze('roll back now').hits).toContainEqual({ phrase: 'roll back', terms: ['rollback'] });
  });
});

describe('editDistance', () => {
  it.each([
    ['restart', 'restart', 0],
    ['restrat', 'restart', 1],
    ['deploymnet', 'deployment', 1],
    ['drian', 'drain', 1],
    ['sacle', 'scale', 1],
    ['kitten', 'sitting', 3],
  ])('%s vs %s = %i', (a, b, expected) => {
    expect(editDistance(a, b, 5)).toBe(expected);
  });

  it('stops early above the limit', () => {
    expect(editDistance('abcdefgh', 'zyxwvuts', 2)).toBe(3);
  });
});

describe('TypoCorrector', () => {
  const corrector = TypoCorrector.fromTexts(['Rolling restart of a deployment', 'Drain a node for maintenance', 'Logs of a pod', 'production namespace']);

  it.each([
    ['restrat', 'restart'],
    ['deploymnet', 'deployment'],
    ['drian', 'drain'],
    ['lgos', 'logs'],
  ])('reads %s as %s', (typed, readAs) => {
    expect(corrector.correctWord(typed)).toBe(readAs);
  });

  it.each(['prod', 'api', 'restart', 'payments', 'node-3'])('leaves %s alone', (word) => {
    expect(corrector.correctWord(word)).toBeUndefined();
  });

  it('lists the corrections in a text', () => {
    expect(corrector.correct('restrat the deploymnet in prod')).toEqual([
      { typed: 'restrat', readAs: 'restart' },
      { typed: 'deploymnet', readAs: 'deployment' },
    ]);
  });
});

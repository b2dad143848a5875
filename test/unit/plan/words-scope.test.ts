import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/config/paths.js';
import { loadCards } from '../../../src/corpus/load-cards.js';
import { wordsScope } from '../../../src/plan/words-scope.js';

const { cards } = loadCards(path.join(packageRoot(), 'cards'));

describe('wordsScope', () => {
  it.each([
    ['scale web to 5 in staging', { namespace: 'staging' }],
    ['why is payments crashing in prod', { namespace: 'prod' }],
    ['logs of api -n dev', { namespace: 'dev' }],
    ['restart api in the team-a namespace', { namespace: 'team-a' }],
    ['why is payments crashing', {}],
    ['drain node-1', { clusterResource: 'node' }],
    ['uncordon node-2', { clusterResource: 'node' }],
    ['restart api', {}],
  ])('%j -> %j', (query, expected) => {
    expect(wordsScope(query, cards, ['prod', 'staging', 'dev', 'team-a'])).toEqual(expected);
  });

  it('does not take an unknown word after "in" for a namespace', () => {
    expect(wordsScope('errors in the logs of api', cards, ['prod'])).toEqual({});
  });
});

import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/sandbox/api-error.js';
import { fieldsMatch, formatLabelSelector, labelsMatch, parseFieldSelector, parseLabelSelector, requirementsFromLabelSelector } from '../../../src/sandbox/selectors.js';

const labels = { app: 'api', tier: 'backend', env: 'prod' };

describe('label selectors', () => {
  it.each([
    ['app=api', true],
    ['app==api', true],
    ['app!=api', false],
    ['app=api,tier=backend', true],
    ['app=api,tier=frontend', false],
    ['env in (prod,staging)', true],
    ['env in (dev)', false],
    ['env notin (dev, staging)', true],
    ['tier', true],
    ['!canary', true],
    ['!tier', false],
    ['app=api,env in (prod, staging),!canary', true],
    ['missing!=x', true],
  ])('%s matches: %s', (selector, expected) => {
    expect(labelsMatch(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it('rejects garbage with a 400', () => {
    expect(() => parseLabelSelector('app in prod')).toThrow(ApiError);
  });

  it('converts and formats structured selectors', () => {
    const selector = { matchLabels: { app: 'api' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] };
    expect(labelsMatch(requirementsFromLabelSelector(selector), labels)).toBe(true);
    expect(formatLabelSelector(selector)).toBe('app=api,env in (prod)');
  });
});

describe('field selectors', () => {
  const event = { metadata: { name: 'e1', namespace: 'prod' }, involvedObject: { name: 'api', uid: 'u1', kind: 'Pod' }, type: 'Warning' };
  const pod = { metadata: { name: 'p' }, spec: { nodeName: 'node-1' }, status: { phase: 'Running' } };
  it.each([
    [event, 'involvedObject.name=api,involvedObject.uid=u1', true],
    [event, 'type=Warning', true],
    [event, 'type!=Warning', false],
    [pod, 'spec.nodeName=node-1,status.phase!=Succeeded,status.phase!=Failed', true],
    [pod, 'spec.nodeName==node-2', false],
    [pod, 'metadata.name=p', true],
  ])('%j with %s: %s', (object, selector, expected) => {
    expect(fieldsMatch(parseFieldSelector(selector), object)).toBe(expected);
  });
});

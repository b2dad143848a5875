import { describe, expect, it } from 'vitest';
import { isNameToken, objectNameCandidates, readObjectName } from '../../../src/plan/object-name.js';
import type { Resource } from '../../../src/schemas/vocabulary.js';

describe('readObjectName', () => {
  it.each<[string, Resource, string | undefined]>([
    // <verb> <name>
    ['restart api', 'deployment', 'api'],
    ['bounce api in prod', 'deployment', 'api'],
    ['recycle web-2', 'deployment', 'web-2'],
    ['scale web to 5', 'deployment', 'web'],
    ['scale web to five replicas', 'deployment', 'web'],
    ['rollback checkout to revision 3', 'deployment', 'checkout'],
    ['roll back checkout', 'deployment', 'checkout'],
    ['undo payments', 'deployment', 'payments'],
    ['drain worker-3', 'node', 'worker-3'],
    ['cordon ip-10-0-1-5.ec2.internal', 'node', 'ip-10-0-1-5.ec2.internal'],
    ['uncordon node-2', 'node', 'node-2'],
    ['describe api-7d9f-x2', 'pod', 'api-7d9f-x2'],
    ['diagnose api', 'deployment', 'api'],
    ['status of the web', 'deployment', 'web'],
    ['Restart API.', 'deployment', 'api'],
    // <name> <resource>, the <name> <resource>, <resource> <name>, <resource>/<name>
    ['the api deployment keeps crashing', 'deployment', 'api'],
    ['web deployment to 3', 'deployment', 'web'],
    ['restart deployment api', 'deployment', 'api'],
    ['scale deployment/web to 2', 'deployment', 'web'],
    ['scale deploy/web to 2', 'deployment', 'web'],
    ['pod named web-1', 'pod', 'web-1'],
    // logs of|for, why is, on node
    ['logs of api-7d9f-x2', 'pod', 'api-7d9f-x2'],
    ['show logs for worker-84c6 since 10m', 'pod', 'worker-84c6'],
    ['why is api-7d9f-x2 crashing', 'pod', 'api-7d9f-x2'],
    ['why is the queue pending', 'pod', 'queue'],
    ['what is running on node worker-3', 'node', 'worker-3'],
    // nothing to read, or several names: nobody guesses
    ['scale to 5', 'deployment', undefined],
    ['restart the deployment', 'deployment', undefined],
    ['restart it', 'deployment', undefined],
    ['scale up by 2', 'deployment', undefined],
    ['logs of the last 10m', 'pod', undefined],
    ['restart api and web', 'deployment', undefined],
    ['restart api, web', 'deployment', undefined],
    ['restart api , now', 'deployment', 'api'],
    ['restart api deployment/web', 'deployment', undefined],
    ['restart api pod', 'deployment', undefined],
    ['why is everything slow', 'deployment', undefined],
    ['restart Api_Server', 'deployment', undefined],
    ['rollback 3', 'deployment', undefined],
    ['restart 15m', 'deployment', undefined],
  ])('%j (%s) -> %j', (text, resource, expected) => {
    const result = readObjectName(text, { resource, namespace: 'prod' });
    expect(result !== undefined && 'value' in result ? result.value : undefined).toBe(expected);
  });

  it('reports the names when there are several', () => {
    expect(readObjectName('restart api and web', { resource: 'deployment' })).toEqual({ ambiguous: ['api', 'web'] });
  });

  it('never takes the namespace of the request as the name', () => {
    expect(readObjectName('restart prod', { resource: 'deployment', namespace: 'prod' })).toBeUndefined();
    expect(readObjectName('restart prod', { resource: 'deployment' })).toEqual({ value: 'prod', phrase: 'restart prod' });
  });

  it('limits the phrasings with kinds (explicit forms only for optional names)', () => {
    expect(readObjectName('list pods sorted by age', { resource: 'pod', kinds: ['explicit'] })).toBeUndefined();
    expect(readObjectName('get pod/web-1', { resource: 'pod', kinds: ['explicit'] })).toMatchObject({ value: 'web-1' });
  });

  it('says which words named the object', () => {
    expect(objectNameCandidates('scale the web deployment to 5')).toEqual(
      expect.arrayContaining([expect.objectContaining({ value: 'web', phrase: 'web deployment', resource: 'deployment', kind: 'qualified' })]),
    );
  });
});

describe('isNameToken', () => {
  it.each<[string, boolean]>([
    ['api', true],
    ['api-7d9f-x2', true],
    ['ip-10-0-1-5.ec2.internal', true],
    ['5', false],
    ['15m', false],
    ['1h30m', false],
    ['50%', false],
    ['deployment', false],
    ['deploy', false],
    ['restart', false],
    ['replicas', false],
    ['the', false],
    ['to', false],
    ['-rf', false],
    ['API', false],
    ['a'.repeat(254), false],
  ])('%j -> %s', (token, expected) => {
    expect(isNameToken(token)).toBe(expected);
  });
});

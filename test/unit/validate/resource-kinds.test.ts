import { describe, expect, it } from 'vitest';
import { KNOWN_RESOURCES, isClusterScoped, normalizeKind } from '../../../src/validate/resource-kinds.js';

describe('resource kinds', () => {
  it.each([
    ['deploy', 'deployment'], ['Deployments', 'deployment'], ['deployments.v1.apps', 'deployment'], ['quota', 'resourcequota'],
    ['sa', 'serviceaccount'], ['secrets', 'secret'], ['all', 'all'], ['cj', 'cronjob'],
  ])('%s -> %s', (spelling, canonical) => {
    expect(normalizeKind(spelling)).toBe(canonical);
  });

  it.each([['pods\u00a0'], [' pods'], ['pods '], ['networ\u212apolicy'], ['\u0130ngress'], ['constructor'], ['__proto__'], ['secrets.v1.'], [''], ['pods.v1']])(
    '%j is not a kind (exact ASCII spelling only, no trimming)',
    (spelling) => {
      expect(normalizeKind(spelling)).toBeUndefined();
    },
  );

  it('knows which kinds are cluster-scoped', () => {
    expect(['node', 'namespace', 'persistentvolume', 'storageclass', 'clusterrole', 'clusterrolebinding'].every(isClusterScoped)).toBe(true);
    expect(['pod', 'secret', 'role', 'constructor'].some(isClusterScoped)).toBe(false);
    expect(KNOWN_RESOURCES.has('constructor')).toBe(false);
  });
});

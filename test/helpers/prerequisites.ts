/**
 * What a missing external program means for a suite: outside CI it is skipped, saying why; with
 * CI=true it fails, because CI must run everything (vitest's globalSetup checks the same at start-up).
 */
import { describe, it } from 'vitest';
import { inCi, missingPrerequisites, type Prerequisite } from './find-prerequisites.js';

export { inCi, kubectlPath, missingPrerequisites, prerequisitePath, type Prerequisite } from './find-prerequisites.js';

/**
 * `describe` for a suite that needs external programs: runs when they are there; skipped, with the
 * reason in its title, when they are not (outside CI); and in CI a missing one is a failing test.
 */
export function describeWith(needs: Prerequisite[], title: string, body: () => void): void {
  const missing = missingPrerequisites(...needs);
  if (missing.length === 0) {
    describe(title, body);
    return;
  }
  const reason = `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not installed`;
  if (inCi) {
    describe(title, () => {
      it(`needs ${missing.join(' and ')}`, () => {
        throw new Error(`${reason}: CI must run every test (install it, or set RK8S_TEST_KUBECTL)`);
      });
    });
    return;
  }
  describe.skip(`${title} (skipped: ${reason})`, body);
}

/** `it` for one test that needs external programs, with describeWith's rules (skipped outside CI, failing in CI). */
export function itWith(needs: Prerequisite[], title: string, body: () => Promise<void> | void, timeout?: number): void {
  const missing = missingPrerequisites(...needs);
  if (missing.length === 0) {
    it(title, body, timeout);
    return;
  }
  const reason = `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not installed`;
  if (inCi) {
    it(title, () => {
      throw new Error(`${reason}: CI must run every test (install it, or set RK8S_TEST_KUBECTL)`);
    });
    return;
  }
  it.skip(`${title} (skipped: ${reason})`, body);
}

/** vitest globalSetup: with CI=true, a missing kubectl or tmux fails the whole run at once, before any test. */
import { inCi, missingPrerequisites } from './find-prerequisites.js';

/** Called once by vitest before the test files load. */
export default function setup(): void {
  if (!inCi) return;
  const missing = missingPrerequisites('kubectl', 'tmux');
  if (missing.length > 0) {
    throw new Error(`CI=true but ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not installed: the end-to-end tests need them (the CI image must install them)`);
  }
}

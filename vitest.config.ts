import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // With CI=true a missing kubectl or tmux fails the run instead of skipping suites.
    globalSetup: ['test/helpers/check-prerequisites.ts'],
  },
});

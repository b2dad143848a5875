import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Folders under src/ that are pipeline stages or shared services (not orchestrators).
const STAGE_FOLDERS = [
  'retrieve', 'plan', 'validate', 'execute', 'audit', 'cluster', 'corpus', 'schemas', 'preview', 'approvals',
  'output', 'contracts', 'config', 'lifecycle', 'sandbox', 'undo',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'logs/**', '.cache/**', 'schemas/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
        setImmediate: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly',
        TextDecoder: 'readonly', performance: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // rk8s deliberately matches control characters to reject them in names and free text.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: { 'no-console': 'error' },
  },
  // Layer boundaries (docs/design.md, "Layout"). The core in src/ never renders: no React, no Ink, no
  // components (the tui command loads components/run-tui lazily, which is a dynamic import this rule does
  // not see). Stage folders are leaves the orchestrator composes, so they may use contracts, schemas and
  // each other, never src/pipeline. Components render events and never reach into a front-end.
  {
    files: ['src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...renderingImports()] }] },
  },
  {
    files: [`src/{${STAGE_FOLDERS.join(',')}}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...renderingImports(),
          { regex: '(^|/)pipeline/', message: 'Stage folders must not import the orchestrator (src/pipeline); take what you need through src/contracts.' },
        ],
      }],
    },
  },
  {
    files: ['components/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '(^|/)src/(server|cli)/', message: 'Components render core events; they must not import a front-end (src/server, src/cli).' },
        ],
      }],
    },
  },
);

function renderingImports() {
  return [
    { regex: '^(react|ink)(/|$)', message: 'The core never renders: React and Ink belong in components/.' },
    { regex: '^ink-', message: 'The core never renders: Ink packages belong in components/.' },
    { regex: '(^|/)components/', message: 'The core must not import components/; front-ends consume core events.' },
  ];
}

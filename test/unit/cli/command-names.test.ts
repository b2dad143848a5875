/** The entry point's reading of a command line (src/cli/command-names.ts), before any of the CLI is loaded. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_MODULES, COMMAND_NAMES, commandName } from '../../../src/cli/command-names.js';

const argv = (...args: string[]) => ['node', 'rk8s', ...args];

describe('commandName', () => {
  it('finds the command after global options, skipping the values of those that take one', () => {
    expect(commandName(argv('exec', '--dry-run'))).toBe('exec');
    expect(commandName(argv('--json', '--kubeconfig', 'plan', 'exec'))).toBe('exec');
    expect(commandName(argv('--context', 'prod', '--audit-log', '/tmp/a.log', 'diagnose', 'payments'))).toBe('diagnose');
    expect(commandName(argv('--no-color', 'approve', 'abc'))).toBe('approve');
  });

  it('is undefined for help, --version, an unknown command, no command, or a command after --', () => {
    expect(commandName(argv())).toBeUndefined();
    expect(commandName(argv('--help'))).toBeUndefined();
    expect(commandName(argv('-V'))).toBeUndefined();
    expect(commandName(argv('exce'))).toBeUndefined();
    expect(commandName(argv('--', 'exec'))).toBeUndefined();
    expect(commandName(argv('--cards'))).toBeUndefined();
  });
});

describe('COMMAND_MODULES', () => {
  it('names, for every command, the module main.ts loads it from', () => {
    const main = readFileSync(path.resolve(import.meta.dirname, '../../../src/cli/main.ts'), 'utf8');
    const loaded = Object.fromEntries([...main.matchAll(/^\s+(\w+): async \(\) => \(await import\('\.\/commands\/([a-z-]+)\.js'\)\)/gm)].map((match) => [match[1], match[2]]));
    expect(loaded).toEqual(COMMAND_MODULES);
    expect(Object.keys(COMMAND_MODULES).sort()).toEqual([...COMMAND_NAMES].sort());
  });
});

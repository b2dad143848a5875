/**
 * Class guard for Object.prototype names (issue #12 item 2), the static half: no string-keyed plain
 * object lookup anywhere in src/ unless it provably cannot reach the prototype (see lookup-scanner.ts
 * for the exact rule). The dynamic half, prototype-keys.test.ts, feeds every prototype name through
 * every lookup the code has today; this scan keeps tomorrow's lookups honest.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { scanLookups } from './lookup-scanner.js';

const root = path.resolve(import.meta.dirname, '../..');

function sourceFiles(): { files: string[]; options: ts.CompilerOptions } {
  const config = ts.readConfigFile(path.join(root, 'tsconfig.build.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const relative = (file: string) => path.relative(root, file);
  return {
    files: parsed.fileNames.filter((file) => relative(file).startsWith(`src${path.sep}`)),
    options: parsed.options,
  };
}

describe('static guard: no plain-object lookup by an untrusted string key in src/', () => {
  it('finds none in src/', () => {
    const { files, options } = sourceFiles();
    expect(files.length).toBeGreaterThan(100);
    const findings = scanLookups(files, options, root);
    const report = findings.map((finding) => `${finding.file}:${finding.line}: ${finding.text}`);
    expect(report, 'use a Map, Object.hasOwn, ownValue/setOwnValue (src/own-property.ts), or an "own-key: why" comment').toEqual([]);
  }, 120_000);

  describe('the scanner itself', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'rk8s-scan-'));
    afterAll(() => rmSync(directory, { recursive: true, force: true }));
    const scan = (source: string) => {
      const file = path.join(directory, `case-${Math.random().toString(36).slice(2)}.ts`);
      writeFileSync(file, source);
      return scanLookups([file], { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, lib: ['lib.es2023.d.ts'], types: [] }, directory);
    };

    it.each([
      ['a read by a string key', 'const table: Record<string, string> = {}; export const f = (key: string) => table[key];'],
      ['a write by a string key', 'const table: Record<string, string> = {}; export const f = (key: string) => { table[key] = "x"; };'],
      ['an optional read', 'export const f = (labels: Record<string, string> | undefined, key: string) => labels?.[key];'],
      ['a cast key', 'const table = { a: 1 }; export const f = (key: string) => table[key as keyof typeof table];'],
      ['the in operator', 'const table = { a: 1 }; export const f = (key: string) => key in table;'],
      ['a prototype name as a literal', 'export const f = (value: Record<string, unknown>) => value["constructor"];'],
      ['a guard on another key', 'const table: Record<string, string> = {}; export const f = (key: string, other: string) => Object.hasOwn(table, other) ? table[key] : undefined;'],
      ['a write in a keys loop of another object', 'export const f = (input: Record<string, string>) => { const out: Record<string, string> = {}; for (const key of Object.keys(input)) out[key] = input[key]!; return out; };'],
    ])('flags %s', (_label, source) => {
      expect(scan(source).length).toBeGreaterThan(0);
    });

    it.each([
      ['a guarded conditional', 'const table: Record<string, string> = {}; export const f = (key: string) => Object.hasOwn(table, key) ? table[key] : undefined;'],
      ['a guarded if', 'const table: Record<string, string> = {}; export const f = (key: string) => { if (Object.hasOwn(table, key)) return table[key]; return undefined; };'],
      ['a guarded &&', 'const table: Record<string, string> = {}; export const f = (key: string) => Object.hasOwn(table, key) && table[key];'],
      ['a read in its own keys loop', 'export const f = (input: Record<string, string>) => { for (const key of Object.keys(input)) void input[key]; };'],
      ['a literal-typed key', 'const table = { a: 1, b: 2 }; export const f = (key: "a" | "b") => table[key];'],
      ['an array index', 'export const f = (items: string[], index: number) => items[index];'],
      ['a Map', 'const table = new Map<string, string>(); export const f = (key: string) => table.get(key);'],
      ['an annotated lookup', 'const table: Record<string, string> = {};\n// own-key: the key is one of our constants\nexport const f = (key: string) => table[key];'],
    ])('accepts %s', (_label, source) => {
      expect(scan(source)).toEqual([]);
    });
  });
});

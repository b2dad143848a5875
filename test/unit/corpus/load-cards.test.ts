/** loadCards: every kind of broken card yields a problem naming its file and field, and loading never stops at the first. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProblem } from '../../../src/config/problems.js';
import { loadCards } from '../../../src/corpus/load-cards.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/cards-broken');

/** Loads one fixture corpus; isFixtureFile tells whether a problem points at one of its files. */
function load(fixture: string) {
  return loadCards(path.join(fixtures, fixture));
}
function isFixtureFile(file: string, fixture: string, relative: string): boolean {
  return path.resolve(file) === path.join(fixtures, fixture, relative);
}

describe('loadCards on broken fixtures', () => {
  it.each<[string, string, string, RegExp]>([
    ['invalid-yaml', 'pod/logs-pod.yaml', '', /^invalid YAML \(line \d+\): /],
    ['unknown-key', 'pod/logs-pod.yaml', '', /unknown key\(s\) "colour"/],
    ['unknown-key', 'pod/logs-pod.yaml', 'params[1]', /unknown key\(s\) "patern"/],
    ['missing-field', 'pod/logs-pod.yaml', 'risk_level', /none.*low.*medium.*high/],
    ['invalid-regex', 'pod/logs-pod.yaml', 'params[0].pattern', /^invalid regex: /],
    ['duplicate-ids', 'pod/logs-pod.yaml', 'id', /^duplicate id "logs-pod" \(also in .*duplicate-ids\/pod\/logs-pod-again\.yaml\)$/],
    ['undeclared-placeholder', 'pod/logs-pod.yaml', 'command_template[4]', /placeholder \{\{container\}\} is not declared in params/],
    ['unused-param', 'pod/logs-pod.yaml', 'params[2].name', /parameter "tail" is never used in command_template/],
    ['leading-kubectl', 'pod/logs-pod.yaml', 'command_template[0]', /drop the leading "kubectl"/],
    ['example-mismatch', 'pod/logs-pod.yaml', 'examples[0].command', /renders to "kubectl logs db-0 -n prod", not "kubectl logs db-0 -n staging"/],
    ['example-invalid-param', 'pod/logs-pod.yaml', 'examples[0].params.namespace', /namespace: must be a Kubernetes name/],
    ['follow-up-missing', 'pod/logs-pod.yaml', 'follow_up[1]', /follow_up "no-such-card" is not the id of any card/],
    ['wrong-folder', 'node/logs-pod.yaml', '', /must live at cards\/pod\/logs-<what>\.yaml/],
    ['wrong-folder', 'pod/show-pod.yaml', '', /must live at cards\/pod\/logs-<what>\.yaml/],
  ])('%s: %s: %s', (fixture, file, field, message) => {
    const { problems } = load(fixture);
    const matching = problems.filter((problem) => isFixtureFile(problem.file, fixture, file) && problem.field === field);
    expect(matching.map((problem) => problem.message)).toEqual([expect.stringMatching(message)]);
    const line = formatProblem(matching[0]!);
    expect(line.startsWith(`${matching[0]!.file}: ${field ? `${field}: ` : ''}`)).toBe(true);
    expect(line).toContain(path.join('cards-broken', fixture, file));
  });

  it.each<[string, number, string[]]>([
    ['invalid-yaml', 1, []],
    ['unknown-key', 2, []],
    ['missing-field', 1, []],
    ['invalid-regex', 1, []],
    ['duplicate-ids', 1, ['logs-pod']],
    ['undeclared-placeholder', 1, []],
    ['unused-param', 1, []],
    ['leading-kubectl', 1, []],
    ['example-mismatch', 1, []],
    ['example-invalid-param', 1, []],
    ['follow-up-missing', 1, ['describe-pod', 'logs-pod']],
    ['wrong-folder', 2, []],
    ['mixed', 2, ['logs-pod']],
  ])('%s: %i problem(s); clean cards kept: %j', (fixture, count, ids) => {
    const { problems, cards } = load(fixture);
    expect(problems).toHaveLength(count);
    expect(cards.map((card) => card.id).sort()).toEqual(ids);
  });

  it('every fixture directory is broken (a fixture that became valid would hide a regression)', () => {
    const directories = readdirSync(fixtures);
    expect(directories.length).toBeGreaterThanOrEqual(13);
    for (const directory of directories) expect(load(directory).problems.length, directory).toBeGreaterThan(0);
  });

  it('keeps going after a broken file: problems from every file, good cards still loaded', () => {
    const { problems, cards, files } = load('mixed');
    expect(new Set(problems.map((problem) => path.basename(problem.file)))).toEqual(new Set(['logs-pod-bad-regex.yaml', 'logs-pod-bad-yaml.yaml']));
    expect(cards.map((card) => card.id)).toEqual(['logs-pod']);
    expect(path.resolve(files.get('logs-pod')!)).toBe(path.join(fixtures, 'mixed', 'pod', 'logs-pod.yaml'));
  });
});

describe('loadCards on unusual directories', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'rk8s-cards-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('reports a missing directory instead of throwing', () => {
    const result = loadCards(path.join(scratch, 'nope'));
    expect(result.cards).toEqual([]);
    expect(result.problems).toEqual([{ file: expect.stringContaining('nope'), field: '', message: expect.stringMatching(/^cannot read the cards directory/) }]);
  });

  it('reports an empty directory', () => {
    const empty = path.join(scratch, 'empty');
    mkdirSync(empty);
    expect(loadCards(empty).problems.map((problem) => problem.message)).toEqual(['no card files (*.yaml) found']);
  });

  it('reports a file that is YAML but not a mapping', () => {
    const directory = path.join(scratch, 'list', 'pod');
    mkdirSync(directory, { recursive: true });
    writeFileSync(path.join(directory, 'get-pod.yaml'), '- just\n- a list\n');
    const { problems } = loadCards(path.join(scratch, 'list'));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.file).toContain(path.join('list', 'pod', 'get-pod.yaml'));
  });
});

describe('listYamlFiles', () => {
  it('lists *.yaml and *.yml depth first in name order, follows symbolic links to folders and files, and skips the rest', async () => {
    const { listYamlFiles } = await import('../../../src/corpus/load-cards.js');
    const { symlinkSync } = await import('node:fs');
    const root = mkdtempSync(path.join(tmpdir(), 'rk8s-list-yaml-'));
    try {
      const outside = mkdtempSync(path.join(tmpdir(), 'rk8s-list-yaml-outside-'));
      mkdirSync(path.join(root, 'b', 'nested'), { recursive: true });
      mkdirSync(path.join(root, 'a'));
      for (const file of ['a/2.yaml', 'a/1.yml', 'b/nested/x.yaml', 'b/README.md', 'z.yaml', 'A.yaml']) writeFileSync(path.join(root, file), 'id: x\n');
      writeFileSync(path.join(outside, 'linked.yaml'), 'id: y\n');
      symlinkSync(outside, path.join(root, 'c-linked-folder'));
      symlinkSync(path.join(outside, 'linked.yaml'), path.join(root, 'd-linked.yaml'));
      // A folder whose name looks like a card is walked, not read as one.
      mkdirSync(path.join(root, 'e.yaml'));
      writeFileSync(path.join(root, 'e.yaml', 'inner.yaml'), 'id: z\n');
      expect(listYamlFiles(root).map((file) => path.relative(root, file))).toEqual([
        'A.yaml', 'a/1.yml', 'a/2.yaml', 'b/nested/x.yaml', 'c-linked-folder/linked.yaml', 'd-linked.yaml', 'e.yaml/inner.yaml', 'z.yaml',
      ]);
      rmSync(outside, { recursive: true, force: true });
      // A dangling link is an error, as a card folder that cannot be read is.
      expect(() => listYamlFiles(root)).toThrow(/ENOENT/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

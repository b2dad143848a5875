/** The shipped card corpus: it loads cleanly, its examples render exactly, it covers the vocabulary and follows the conventions. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../../src/config/problems.js';
import { loadCards } from '../../../src/corpus/load-cards.js';
import { placeholdersOf, renderCard } from '../../../src/corpus/render.js';
import type { Card } from '../../../src/schemas/card.js';
import { parseKubectlArgs } from '../../../src/validate/kubectl-argv.js';
import { narrowFormViolations } from '../../../src/validate/narrow-forms.js';
import { CLUSTER_SCOPED_RESOURCES, INTENTS, MUTATING_INTENTS, RESOURCES, type Intent } from '../../../src/schemas/vocabulary.js';
import { describeWith } from '../../helpers/prerequisites.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const cardsDirectory = path.join(root, 'cards');
const corpus = loadCards(cardsDirectory);
const cardById = new Map(corpus.cards.map((card) => [card.id, card]));

const SCHEMA_LINE = '# yaml-language-server: $schema=../../schemas/card.schema.json';

/** Every example of every card, flattened for it.each. */
const examples = corpus.cards.flatMap((card) =>
  card.examples.map((example, index) => ({ id: `${card.id} #${index}`, card, example })),
);

describe('card corpus', () => {
  it('loads with no problems', () => {
    expect(corpus.problems.map(formatProblem)).toEqual([]);
  });

  it('has at least 110 cards', () => {
    expect(corpus.cards.length).toBeGreaterThanOrEqual(110);
  });

  it.each(INTENTS.map((intent) => [intent]))('has a card for intent %s', (intent) => {
    expect(corpus.cards.filter((card) => card.intent === intent).length).toBeGreaterThan(0);
  });

  it.each(RESOURCES.map((resource) => [resource]))('has a card for resource %s', (resource) => {
    expect(corpus.cards.filter((card) => card.resource === resource).length).toBeGreaterThan(0);
  });

  // Events are read with the events intent (events-namespace, events-warnings, events-object).
  it.each([['get'], ['describe']])('has a %s card for every resource but events', (intent) => {
    const covered = new Set(corpus.cards.filter((card) => card.intent === intent).map((card) => card.resource));
    expect(RESOURCES.filter((resource) => resource !== 'events' && !covered.has(resource))).toEqual([]);
  });

  it.each([
    ['restart', ['deployment', 'statefulset', 'daemonset']],
    ['status', ['deployment', 'statefulset', 'daemonset']],
    ['rollback', ['deployment', 'statefulset', 'daemonset']],
    ['history', ['deployment', 'statefulset', 'daemonset']],
    ['scale', ['deployment', 'statefulset']],
    ['logs', ['pod', 'deployment', 'job']],
    ['top', ['pod', 'node']],
    ['diagnose', ['pod', 'deployment', 'node', 'service', 'pvc', 'ingress']],
    ['cordon', ['node']],
    ['uncordon', ['node']],
    ['drain', ['node']],
    ['delete', ['pod', 'job']],
    ['trigger', ['cronjob']],
    ['suspend', ['cronjob']],
    ['resume', ['deployment', 'cronjob']],
  ] as const)('covers %s for %j', (intent, resources) => {
    const covered = new Set(corpus.cards.filter((card) => card.intent === intent).map((card) => card.resource));
    expect(resources.filter((resource) => !covered.has(resource))).toEqual([]);
  });
});

describe('card examples', () => {
  it.each(examples)('$id renders to exactly its stated command', ({ card, example }) => {
    const rendered = renderCard(card, example.params);
    expect(rendered.missing).toEqual([]);
    expect(rendered.invalid).toEqual([]);
    expect(rendered.command).toBe(example.command);
  });
});

/** Verbs (first argv element) a card may use, and the rollout subcommands; create and patch only in their narrow forms. */
const ALLOWED_VERBS = new Set(['get', 'describe', 'logs', 'rollout', 'scale', 'top', 'cordon', 'uncordon', 'drain', 'delete', 'events', 'create', 'patch']);
const ALLOWED_ROLLOUT = new Set(['restart', 'status', 'history', 'undo', 'pause', 'resume']);
/** Flags that must never appear in a template: target switching, cluster-wide or forced mutations. */
const FORBIDDEN_FLAG = /^(-A|--all-namespaces|--all|--force|--grace-period|--now|--kubeconfig|--token|--server|-s|--as|--as-group|--as-uid|--context|--cluster|--user|--insecure-skip-tls-verify|--raw)(=|$)/;
const READ_VERBS = new Set(['get', 'list', 'watch']);

/** Intent -> [risk, dry_run] from on-call practice. */
const EXPECTED_RISK: Record<Intent, { risk: Card['risk_level']; dryRun: Card['dry_run'] }> = {
  diagnose: { risk: 'none', dryRun: 'none' },
  logs: { risk: 'none', dryRun: 'none' },
  status: { risk: 'none', dryRun: 'none' },
  history: { risk: 'none', dryRun: 'none' },
  describe: { risk: 'none', dryRun: 'none' },
  get: { risk: 'none', dryRun: 'none' },
  events: { risk: 'none', dryRun: 'none' },
  top: { risk: 'none', dryRun: 'none' },
  restart: { risk: 'medium', dryRun: 'none' },
  scale: { risk: 'medium', dryRun: 'server' },
  rollback: { risk: 'medium', dryRun: 'server' },
  cordon: { risk: 'medium', dryRun: 'server' },
  uncordon: { risk: 'medium', dryRun: 'server' },
  drain: { risk: 'high', dryRun: 'server' },
  delete: { risk: 'high', dryRun: 'server' },
  pause: { risk: 'medium', dryRun: 'none' },
  resume: { risk: 'medium', dryRun: 'none' },
  suspend: { risk: 'medium', dryRun: 'server' },
  trigger: { risk: 'medium', dryRun: 'server' },
};

describe.each(corpus.cards.map((card) => ({ id: card.id, card })))('card $id', ({ card }) => {
  const file = corpus.files.get(card.id)!;

  it('lives at cards/<resource>/<id>.yaml and starts with the schema line', () => {
    expect(path.relative(cardsDirectory, path.resolve(file))).toBe(path.join(card.resource, `${card.id}.yaml`));
    expect(card.id.startsWith(`${card.intent}-`)).toBe(true);
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe(SCHEMA_LINE);
  });

  it('uses only allowed verbs and no forbidden flag or secret', () => {
    const [verb, subcommand] = card.command_template;
    expect(ALLOWED_VERBS.has(verb!)).toBe(true);
    if (verb === 'rollout') expect(ALLOWED_ROLLOUT.has(subcommand!)).toBe(true);
    // The validator's narrow forms (src/validate/narrow-forms.ts): every example must pass them.
    if (verb === 'create' || verb === 'patch') {
      for (const example of card.examples) expect(narrowFormViolations(parseKubectlArgs(renderCard(card, example.params).args))).toEqual([]);
    }
    for (const element of card.command_template) {
      expect(element).not.toMatch(FORBIDDEN_FLAG);
      expect(element).not.toMatch(/\s|[\u0000-\u001f]/);
      expect(element).not.toMatch(/^secrets?$|^secrets?\/|^(-o|--output)=?(jsonpath|go-template|template)/);
    }
  });

  it('takes a required namespace with -n when namespaced, none when cluster-scoped', () => {
    const namespace = card.params.find((param) => param.name === 'namespace');
    const index = card.command_template.indexOf('-n');
    if (CLUSTER_SCOPED_RESOURCES.has(card.resource)) {
      expect(namespace).toBeUndefined();
      expect(index).toBe(-1);
    } else {
      expect(namespace).toMatchObject({ type: 'name', required: true });
      expect(card.command_template[index + 1]).toBe('{{namespace}}');
    }
  });

  it('declares object names as type name', () => {
    for (const param of card.params.filter((candidate) => ['name', 'namespace', 'container'].includes(candidate.name))) {
      expect(param.type).toBe('name');
    }
  });

  it('has the risk level, dry-run mode and RBAC verbs its intent implies', () => {
    // A patch has a server-side dry-run even where the intent's rollout form (resume deployment) has none.
    const expected = card.command_template[0] === 'patch' ? { ...EXPECTED_RISK[card.intent], dryRun: 'server' } : EXPECTED_RISK[card.intent];
    expect({ risk: card.risk_level, dryRun: card.dry_run }).toEqual(expected);
    const mutatingVerbs = card.verbs.filter((verb) => !READ_VERBS.has(verb));
    if (MUTATING_INTENTS.has(card.intent)) expect(mutatingVerbs.length).toBeGreaterThan(0);
    else expect(mutatingVerbs).toEqual([]);
  });

  it('has useful keywords, notes and valid follow-ups', () => {
    expect(card.keywords.length).toBeGreaterThanOrEqual(4);
    expect(card.notes.length).toBeGreaterThanOrEqual(1);
    expect(card.follow_up).not.toContain(card.id);
    for (const id of card.follow_up) expect(cardById.has(id)).toBe(true);
  });

  it('fills every element from declared params only, with integer bounds and boolean flags set', () => {
    for (const element of card.command_template) {
      for (const name of placeholdersOf(element)) expect(card.params.some((param) => param.name === name)).toBe(true);
    }
    for (const param of card.params) {
      if (param.type === 'integer') {
        expect(param.minimum).toBeTypeOf('number');
        expect(param.maximum).toBeTypeOf('number');
      }
      if (param.type === 'boolean') expect(card.command_template).toContain(`{{${param.name}}}`);
    }
  });
});

describe('mutating cards follow up with a check', () => {
  it.each([
    ['restart-deployment', 'status-deployment'],
    ['scale-deployment', 'status-deployment'],
    ['rollback-deployment', 'status-deployment'],
    ['rollback-deployment', 'history-deployment'],
    ['restart-statefulset', 'status-statefulset'],
    ['restart-daemonset', 'status-daemonset'],
    ['drain-node', 'uncordon-node'],
    ['cordon-node', 'uncordon-node'],
    ['trigger-cronjob', 'get-job'],
    ['suspend-cronjob', 'resume-cronjob'],
    ['resume-cronjob', 'get-cronjob'],
  ])('%s -> %s', (from, to) => {
    expect(cardById.get(from)?.follow_up).toContain(to);
  });
});

describeWith(['kubectl'], 'kubectl accepts every flag the cards use', () => {
  const helpCache = new Map<string, string>();
  /** Output of a kubectl help command, e.g. ["rollout", "restart", "--help"] or ["options"]. */
  const helpFor = (words: string[]): string => {
    const key = words.join(' ');
    let text = helpCache.get(key);
    if (text === undefined) {
      text = execFileSync('kubectl', words, { encoding: 'utf8', env: { ...process.env, KUBECONFIG: '/dev/null' } });
      helpCache.set(key, text);
    }
    return text;
  };

  it.each(corpus.cards.map((card) => ({ id: card.id, card })))('$id', ({ card }) => {
    const words: string[] = [];
    for (const element of card.command_template) {
      if (element.startsWith('-') || element.includes('{{') || element.includes('/')) break;
      words.push(element);
    }
    const help = `${helpFor([...words, '--help'])}\n${helpFor(['options'])}`;
    const flags = card.params.flatMap((param) => (param.flag ? [param.flag] : []));
    for (const element of [...card.command_template, ...flags]) {
      const long = /^(--[a-z][a-z0-9-]*)/.exec(element);
      if (long) expect(help, `${element} in kubectl ${words.join(' ')} --help`).toContain(`${long[1]}=`);
      else if (/^-[a-z]$/.test(element)) expect(help).toContain(`${element}, --`);
    }
  });
});

describe('docs/corpus-schema.md', () => {
  it('shows a full example that is exactly a shipped card', () => {
    const docs = readFileSync(path.join(root, 'docs', 'corpus-schema.md'), 'utf8');
    const block = /```yaml\n([\s\S]*?)```/.exec(docs)?.[1];
    const id = /^id: (\S+)$/m.exec(block ?? '')?.[1];
    const card = id === undefined ? undefined : cardById.get(id);
    expect(card).toBeDefined();
    expect(block).toBe(readFileSync(corpus.files.get(card!.id)!, 'utf8'));
  });
});

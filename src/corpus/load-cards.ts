/** Loads the command-card corpus, collecting every problem with its file and field. */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { CardSchema, type Card } from '../schemas/card.js';
import { displayPath, readYamlFile, zodProblems, type LoadProblem } from '../config/problems.js';
import { placeholdersOf, renderCard } from './render.js';
import { splitCommand } from './format-command.js';

/** Cards that loaded cleanly, and every problem found. A corpus with problems must not be trusted. */
export interface CardLoadResult {
  cards: Card[];
  problems: LoadProblem[];
  /** Which file each card came from. */
  files: Map<string, string>;
}

/** Every *.yaml / *.yml file under a directory, sorted, depth first. Throws when it cannot be read. */
export function listYamlFiles(directory: string): string[] {
  const result: string[] = [];
  // The entries' types come with the listing; only a symbolic link needs a stat (to follow it, as before).
  const entries = readdirSync(directory, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory() || (entry.isSymbolicLink() && statSync(full).isDirectory())) result.push(...listYamlFiles(full));
    else if (/\.ya?ml$/.test(entry.name)) result.push(full);
  }
  return result;
}

function checkCard(card: Card, file: string): LoadProblem[] {
  const problems: LoadProblem[] = [];
  const declared = new Set(card.params.map((param) => param.name));
  card.command_template.forEach((element, index) => {
    for (const name of placeholdersOf(element)) {
      if (!declared.has(name)) {
        problems.push({ file, field: `command_template[${index}]`, message: `placeholder {{${name}}} is not declared in params: add it to params or fix the spelling` });
      }
    }
    if (/^kubectl$/.test(element) && index === 0) {
      problems.push({ file, field: 'command_template[0]', message: 'the template is the argv after "kubectl": drop the leading "kubectl"' });
    }
  });
  card.params.forEach((param, index) => {
    if (param.pattern !== undefined) {
      try {
        new RegExp(param.pattern);
      } catch (error) {
        problems.push({ file, field: `params[${index}].pattern`, message: `invalid regex: ${(error as Error).message}` });
      }
    }
    if (!card.command_template.some((element) => placeholdersOf(element).includes(param.name))) {
      problems.push({ file, field: `params[${index}].name`, message: `parameter "${param.name}" is never used in command_template` });
    }
  });
  if (problems.length > 0) return problems;
  card.examples.forEach((example, index) => {
    const rendered = renderCard(card, example.params);
    const field = `examples[${index}]`;
    if (rendered.missing.length > 0) {
      problems.push({ file, field: `${field}.params`, message: `missing required parameter(s): ${rendered.missing.join(', ')}` });
    }
    for (const problem of rendered.invalid) problems.push({ file, field: `${field}.params.${problem.param}`, message: problem.message });
    if (rendered.missing.length === 0 && rendered.invalid.length === 0) {
      const expected = splitCommand(example.command).slice(1);
      if (JSON.stringify(expected) !== JSON.stringify(rendered.args)) {
        problems.push({ file, field: `${field}.command`, message: `renders to "${rendered.command}", not "${example.command}"` });
      }
    }
  });
  return problems;
}

/** Loads every card under a directory. Never throws for bad cards: problems are collected. */
export function loadCards(directory: string): CardLoadResult {
  const problems: LoadProblem[] = [];
  const cards: Card[] = [];
  const files = new Map<string, string>();
  let yamlFiles: string[];
  try {
    yamlFiles = listYamlFiles(directory);
  } catch (error) {
    return { cards, files, problems: [{ file: displayPath(directory), field: '', message: `cannot read the cards directory: ${(error as Error).message}` }] };
  }
  if (yamlFiles.length === 0) problems.push({ file: displayPath(directory), field: '', message: 'no card files (*.yaml) found' });
  for (const full of yamlFiles) {
    const file = displayPath(full);
    const read = readYamlFile(full);
    if ('problem' in read) {
      problems.push(read.problem);
      continue;
    }
    const parsed = CardSchema.safeParse(read.data);
    if (!parsed.success) {
      problems.push(...zodProblems(file, parsed.error));
      continue;
    }
    const card = parsed.data;
    const cardProblems = checkCard(card, file);
    const relative = path.relative(directory, full).split(path.sep);
    if (relative.length !== 2 || relative[0] !== card.resource || !relative[1]!.startsWith(`${card.intent}-`)) {
      cardProblems.push({ file, field: '', message: `must live at cards/${card.resource}/${card.intent}-<what>.yaml (resource folder, intent prefix)` });
    }
    const previous = files.get(card.id);
    if (previous !== undefined) {
      cardProblems.push({ file, field: 'id', message: `duplicate id "${card.id}" (also in ${previous})` });
    }
    problems.push(...cardProblems);
    if (cardProblems.length === 0) {
      cards.push(card);
      files.set(card.id, file);
    }
  }
  const ids = new Set(cards.map((card) => card.id));
  for (const card of cards) {
    card.follow_up.forEach((id, index) => {
      if (!ids.has(id)) problems.push({ file: files.get(card.id)!, field: `follow_up[${index}]`, message: `follow_up "${id}" is not the id of any card` });
    });
  }
  return { cards, problems, files };
}

/** Reads a scenario file: YAML, then the zod schema; every problem names the file and the field. */
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { formatFieldPath } from '../../config/problems.js';
import { ConfigError } from '../../errors.js';
import { ScenarioFileSchema, type ScenarioFile } from './scenario-schema.js';

/** A scenario problem: `scenario x.yaml: objects[3].kind: unknown kind Widget`. */
export function scenarioProblem(file: string, field: string, message: string): ConfigError {
  return new ConfigError(`scenario ${file}: ${field ? `${field}: ` : ''}${message}`, { hint: 'see docs/sandbox.md, "Writing a scenario"' });
}

/** Parses and checks a scenario file; throws a ConfigError naming the file and field. */
export function readScenario(path: string): ScenarioFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read scenario file ${path}: ${(error as Error).message}`, { cause: error, hint: 'pass an existing YAML file to --scenario' });
  }
  let parsed: unknown;
  try {
    parsed = yaml.load(text);
  } catch (error) {
    throw new ConfigError(`scenario ${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  if (parsed === undefined || parsed === null) parsed = {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw scenarioProblem(path, '(top level)', 'must be a mapping with nodes, namespaces, objects, events');
  const result = ScenarioFileSchema.safeParse(parsed);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 5).map((issue) => {
      let message = issue.message;
      if (issue.code === 'invalid_type' && /received undefined/.test(message)) message = 'is required';
      if (issue.code === 'unrecognized_keys') message = `unknown key(s) ${issue.keys.map((key) => `"${key}"`).join(', ')}: remove or rename them`;
      return { field: formatFieldPath(issue.path), message };
    });
    const [first, ...rest] = issues;
    const more = rest.length > 0 ? `; and ${rest.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}` : '';
    throw scenarioProblem(path, first?.field ?? '', `${first?.message ?? 'invalid'}${more}`);
  }
  return result.data;
}

/** Load problems collected with file and field (never thrown one at a time), and the YAML reader they come from. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import type { z } from 'zod';

/** One problem in one file: `cards/pod/logs-pod.yaml: params[0].pattern: invalid regex`. */
export interface LoadProblem {
  file: string;
  /** Field path such as "params[0].pattern", or "" for the whole file. */
  field: string;
  message: string;
}

/** Formats a problem as one line. */
export function formatProblem(problem: LoadProblem): string {
  return `${problem.file}: ${problem.field ? `${problem.field}: ` : ''}${problem.message}`;
}

/** "params[0].pattern" from a zod issue path. */
export function formatFieldPath(segments: readonly PropertyKey[]): string {
  let result = '';
  for (const segment of segments) {
    if (typeof segment === 'number') result += `[${segment}]`;
    else result += result ? `.${String(segment)}` : String(segment);
  }
  return result;
}

/** Converts a zod error into problems for a file. */
export function zodProblems(file: string, error: z.ZodError): LoadProblem[] {
  return error.issues.map((issue) => {
    let message = issue.message;
    if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) message = 'is required';
    if (issue.code === 'unrecognized_keys') message = `unknown key(s) ${issue.keys.map((key) => `"${key}"`).join(', ')}: remove or rename them`;
    return { file, field: formatFieldPath(issue.path), message };
  });
}

/** A path shown relative to the working directory when that is shorter. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}

/** Reads and parses one YAML file; a read or syntax error becomes a problem. */
export function readYamlFile(file: string): { data: unknown } | { problem: LoadProblem } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: { file: displayPath(file), field: '', message: code === 'ENOENT' ? 'file not found' : `cannot read: ${(error as Error).message}` } };
  }
  try {
    return { data: yaml.load(text, { filename: file, schema: yaml.JSON_SCHEMA }) };
  } catch (error) {
    const reason = error instanceof yaml.YAMLException ? error.reason : (error as Error).message;
    const line = error instanceof yaml.YAMLException ? ` (line ${error.mark.line + 1})` : '';
    return { problem: { file: displayPath(file), field: '', message: `invalid YAML${line}: ${reason}` } };
  }
}

/** Loads org/namespaces.yaml, org/rbac-allowlist.yaml and org/guardrails.yaml; fails closed. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { displayPath, readYamlFile, type LoadProblem } from '../config/problems.js';
import { POLICY_FILES, compilePolicy, hashPolicyText, type Policy } from './policy.js';

/**
 * Reads and checks the three policy files of an org directory. Every problem (missing file, invalid
 * YAML, unknown key, a tier that does not exist...) is collected with its file and field; any
 * problem at all means `policy` is undefined, so nothing can execute on a half-read policy.
 */
export function loadPolicy(orgDir: string): { policy?: Policy; problems: LoadProblem[] } {
  const problems: LoadProblem[] = [];
  const data: Partial<Record<keyof typeof POLICY_FILES, unknown>> = {};
  const texts: Record<string, string> = {};
  const files: Partial<Record<keyof typeof POLICY_FILES, string>> = {};
  for (const key of Object.keys(POLICY_FILES) as Array<keyof typeof POLICY_FILES>) {
    const file = path.join(orgDir, POLICY_FILES[key]);
    files[key] = displayPath(file);
    const read = readYamlFile(file);
    if ('problem' in read) {
      problems.push(read.problem);
      continue;
    }
    data[key] = read.data;
    try {
      texts[POLICY_FILES[key]] = readFileSync(file, 'utf8');
    } catch (error) {
      problems.push({ file: files[key], field: '', message: `cannot read: ${(error as Error).message}` });
    }
  }
  if (problems.length > 0) return { problems };
  return compilePolicy({
    namespaces: data.namespaces,
    rbac: data.rbac,
    guardrails: data.guardrails,
    files,
    version: hashPolicyText(texts),
  });
}

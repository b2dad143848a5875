/** Test helper: a private copy of the shipped org policy with approvals.yaml edited for one test. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { packageRoot } from '../../src/config/paths.js';

/** The shape of org/approvals.yaml that tests edit. */
export interface ApprovalsYaml {
  doors: Record<string, { default: Record<string, string[]> }>;
  never: unknown[];
  inbox: { ttl_seconds: number; wait_seconds: number };
}

/**
 * Copies org/ to a temporary directory and returns its path. The door never waits for a person's
 * decision (wait_seconds 0) unless `edit` says otherwise; `edit` changes anything else.
 */
export function orgWithApprovals(edit: (policy: ApprovalsYaml) => void = () => undefined): string {
  const orgDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'rk8s-org-')), 'org');
  cpSync(path.join(packageRoot(), 'org'), orgDir, { recursive: true });
  const file = path.join(orgDir, 'approvals.yaml');
  const policy = yaml.load(readFileSync(file, 'utf8')) as ApprovalsYaml;
  policy.inbox.wait_seconds = 0;
  edit(policy);
  writeFileSync(file, yaml.dump(policy));
  return orgDir;
}

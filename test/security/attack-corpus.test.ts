/**
 * The attack corpus (issue #12): every case in test/security/corpus/*.yaml is one named test.
 *   argv cases    {why, argv, expect: allow|confirm|deny, code?, owner?}: validate() with the shipped
 *                 org/ policy and configured context "sandbox"; `code` must be among the violations;
 *                 `owner` is "Kind/name", "none" (looked up: no controller) or absent (lookup failed).
 *   payload cases {why, payload, expect: input-invalid|blocked|needs-confirmation|allowed}: the zod
 *                 payload schema, then k8s_plan (retrieve, template planner, validate; nothing runs)
 *                 on the real cards and policy with a fake kubectl. No argv the policy denies may be
 *                 produced: an allowed or confirmed plan must validate, and kubectl may only be asked
 *                 for reads (the replica count of "double it").
 * Add a case by adding a YAML entry; a malformed file fails the schema test below.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Core } from '../../src/contracts/core.js';
import { K8sExecPayloadSchema } from '../../src/schemas/request.js';
import { parseKubectlArgs } from '../../src/validate/kubectl-argv.js';
import { loadPolicy } from '../../src/validate/load-policy.js';
import { validate } from '../../src/validate/validate.js';
import type { FakeKubectl } from '../helpers/fake-core.js';
import { createRealCore, planStatus, projectRoot } from './real-core.js';

const ArgvCaseSchema = z.strictObject({
  why: z.string().min(1),
  argv: z.array(z.string()),
  expect: z.enum(['allow', 'confirm', 'deny']),
  code: z.string().regex(/^[A-Z_]+$/).optional(),
  owner: z.string().regex(/^(none|[A-Z][A-Za-z]+\/[a-z0-9.-]+)$/).optional(),
});
const PayloadCaseSchema = z.strictObject({
  why: z.string().min(1),
  payload: z.unknown(),
  expect: z.enum(['input-invalid', 'blocked', 'needs-confirmation', 'allowed']),
});
const CorpusFileSchema = z.array(z.union([ArgvCaseSchema, PayloadCaseSchema]));
type ArgvCase = z.infer<typeof ArgvCaseSchema>;
type PayloadCase = z.infer<typeof PayloadCaseSchema>;

const corpusDirectory = path.join(import.meta.dirname, 'corpus');
const files = readdirSync(corpusDirectory).filter((file) => file.endsWith('.yaml')).sort();
const loadedFiles = files.map((file) => ({ file, parsed: CorpusFileSchema.safeParse(yaml.load(readFileSync(path.join(corpusDirectory, file), 'utf8'))) }));
const cases = loadedFiles.flatMap(({ file, parsed }) => (parsed.success ? parsed.data.map((entry, index) => ({ file: file.replace(/\.yaml$/, ''), index: index + 1, entry })) : []));
const argvCases = cases.flatMap(({ file, index, entry }) => ('argv' in entry ? [{ name: `${file} #${index}: ${entry.why}`, entry: entry as ArgvCase }] : []));
const payloadCases = cases.flatMap(({ file, index, entry }) => ('payload' in entry ? [{ name: `${file} #${index}: ${entry.why}`, entry: entry as PayloadCase }] : []));

const policy = loadPolicy(path.join(projectRoot, 'org')).policy!;

function ownerOf(owner: string | undefined): { kind: string; name: string } | null | undefined {
  if (owner === undefined) return undefined;
  if (owner === 'none') return null;
  const [kind, name] = owner.split('/') as [string, string];
  return { kind, name };
}

describe('the attack corpus', () => {
  it.each(loadedFiles)('$file matches the case schema', ({ parsed }) => {
    expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))).toBe(true);
  });

  it('has at least 300 argv cases and the payload cases, with unique names', () => {
    console.info(`attack corpus: ${argvCases.length} argv cases + ${payloadCases.length} payload cases = ${argvCases.length + payloadCases.length} in ${files.length} files`);
    expect(argvCases.length).toBeGreaterThanOrEqual(300);
    expect(payloadCases.length).toBeGreaterThanOrEqual(50);
    const keys = cases.map(({ entry }) => JSON.stringify('argv' in entry ? [entry.argv, entry.owner ?? null] : entry.payload));
    const duplicates = keys.filter((key, index) => keys.indexOf(key) !== index);
    expect(duplicates, 'the same case twice').toEqual([]);
  });
});

describe('attack corpus: argv', () => {
  it.each(argvCases)('$name', ({ entry }) => {
    const verdict = validate(entry.argv, { policy, configuredContext: 'sandbox', owner: ownerOf(entry.owner) });
    const detail = `${JSON.stringify(entry.argv)} -> ${verdict.decision} ${verdict.violations.map((violation) => `${violation.code}: ${violation.message}`).join(' | ')}`;
    expect(verdict.decision, detail).toBe(entry.expect);
    if (entry.code) expect(verdict.violations.map((violation) => violation.code), detail).toContain(entry.code);
    // What passes is a command kubectl knows, parsed the same way again (the second validation before running).
    if (verdict.decision !== 'deny') expect(parseKubectlArgs(entry.argv).known).toBe(true);
  });
});

describe('attack corpus: payloads', () => {
  let core: Core;
  let kubectl: FakeKubectl;
  beforeAll(async () => {
    ({ core, kubectl } = await createRealCore());
  }, 60_000);

  it.each(payloadCases)('$name', async ({ entry }) => {
    const schemaAccepts = K8sExecPayloadSchema.safeParse(entry.payload).success;
    expect(schemaAccepts, 'the zod schema').toBe(entry.expect !== 'input-invalid');
    const before = kubectl.calls.length;
    const outcome = await planStatus(core, entry.payload);
    expect(outcome.status, outcome.detail).toBe(entry.expect);
    if (outcome.status === 'allowed' || outcome.status === 'needs-confirmation') {
      expect(outcome.args.length).toBeGreaterThan(0);
      expect(validate(outcome.args, { policy, owner: null }).decision, outcome.args.join(' ')).not.toBe('deny');
    }
    for (const call of kubectl.calls.slice(before)) {
      const parsed = parseKubectlArgs(call.args);
      expect(parsed.command, `kubectl ${call.args.join(' ')}`).toBe('get');
      expect(parsed.mutating).toBe(false);
    }
  });
});

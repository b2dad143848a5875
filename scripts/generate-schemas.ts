/**
 * Writes JSON Schema files for editors (yaml-language-server) and API clients from the zod schemas,
 * which stay the single source of truth. Run: npx tsx scripts/generate-schemas.ts [--check]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CardSchema } from '../src/schemas/card.js';
import { GuardrailsFileSchema, NamespacePolicySchema, RbacAllowlistSchema } from '../src/schemas/policy.js';
import { K8sExecPayloadSchema } from '../src/schemas/request.js';
import { PlanSchema } from '../src/schemas/plan.js';
import { VerdictSchema } from '../src/schemas/verdict.js';
import { AuditRecordSchema } from '../src/schemas/audit.js';
import { ApprovalsPolicySchema } from '../src/schemas/approvals-policy.js';
import { ExecDocumentSchema } from '../src/output/exec-document.js';
import { PlanDocumentSchema } from '../src/output/plan-document.js';
import { UndoDocumentSchema } from '../src/output/undo-document.js';
import { ScenarioFileSchema } from '../src/sandbox/scenario/scenario-schema.js';

const outputDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'schemas');

/** The schemas published as JSON Schema, by file name. */
export const PUBLISHED_SCHEMAS: Record<string, { schema: z.ZodType; title: string }> = {
  'card.schema.json': { schema: CardSchema, title: 'rk8s command card' },
  'namespaces.schema.json': { schema: NamespacePolicySchema, title: 'rk8s namespace tiers (org/namespaces.yaml)' },
  'rbac-allowlist.schema.json': { schema: RbacAllowlistSchema, title: 'rk8s RBAC allow-list (org/rbac-allowlist.yaml)' },
  'guardrails.schema.json': { schema: GuardrailsFileSchema, title: 'rk8s guardrails (org/guardrails.yaml)' },
  'k8s-exec-payload.schema.json': { schema: K8sExecPayloadSchema, title: 'rk8s k8s_exec payload' },
  'plan.schema.json': { schema: PlanSchema, title: 'rk8s plan' },
  'verdict.schema.json': { schema: VerdictSchema, title: 'rk8s verdict' },
  'audit-record.schema.json': { schema: AuditRecordSchema, title: 'rk8s audit record' },
  'approvals.schema.json': { schema: ApprovalsPolicySchema, title: 'rk8s approvals policy (org/approvals.yaml)' },
  'exec-document.schema.json': { schema: ExecDocumentSchema, title: 'rk8s k8s_exec result (rk8s exec --json, POST /k8s-exec, MCP k8s_exec)' },
  'undo-document.schema.json': { schema: UndoDocumentSchema, title: 'rk8s undo document (rk8s undo --json, k8s_undo)' },
  'plan-document.schema.json': { schema: PlanDocumentSchema, title: 'rk8s plan document (rk8s plan --json, POST /plan, MCP k8s_plan)' },
  'scenario.schema.json': { schema: ScenarioFileSchema, title: 'rk8s sandbox scenario (rk8s sandbox --scenario FILE; see docs/sandbox.md)' },
};

/** Renders one schema as pretty JSON text. */
export function renderJsonSchema(name: string): string {
  const entry = PUBLISHED_SCHEMAS[name]!;
  const json = z.toJSONSchema(entry.schema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ title: entry.title, ...json }, null, 2)}\n`;
}

function main(): void {
  const check = process.argv.includes('--check');
  mkdirSync(outputDirectory, { recursive: true });
  let stale = 0;
  for (const name of Object.keys(PUBLISHED_SCHEMAS)) {
    const file = path.join(outputDirectory, name);
    const text = renderJsonSchema(name);
    if (check) {
      let current = '';
      try {
        current = readFileSync(file, 'utf8');
      } catch {
        // missing counts as stale
      }
      if (current !== text) {
        stale++;
        console.error(`stale: schemas/${name} (run: npx tsx scripts/generate-schemas.ts)`);
      }
    } else {
      writeFileSync(file, text);
      console.log(`wrote schemas/${name}`);
    }
  }
  if (stale > 0) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();

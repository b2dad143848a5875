/**
 * The MCP server: tools k8s_retrieve, k8s_plan, k8s_exec and k8s_diagnose for Claude Code and other agents, each a
 * thin consumer of the pipeline. A change needs a person: org/approvals.yaml routes it to the approvals
 * inbox (by default), the client's own prompt (elicitation) or the agent's approval token, only as the
 * operator allows; otherwise the answer is `needs-confirmation` and nothing runs. Nothing here writes to
 * stdout: on stdio that is the protocol channel.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { packageVersion } from '../config/paths.js';
import { formatCommand } from '../corpus/format-command.js';
import { defaultUser } from '../pipeline/audit-fields.js';
import type { Core } from '../contracts/core.js';
import type { Proposal } from '../contracts/events.js';
import type { Config } from '../schemas/config.js';
import { K8sExecPayloadSchema, MAX_QUERY_LENGTH } from '../schemas/request.js';
import { IntentSchema, ResourceSchema, RiskLevelSchema } from '../schemas/vocabulary.js';
import { K8sExecResultSchema, k8s_exec, type K8sExecResult } from '../tool/k8s-exec.js';
import { K8sPlanResultSchema, k8s_plan } from '../tool/k8s-plan.js';
import { InputError } from '../errors.js';
import type { ApprovalContext, ApprovalPreview, Approver } from '../pipeline/approvers.js';
import { createDoorApprover } from '../pipeline/door-approver.js';
import { registerDiagnoseTool } from './mcp-diagnose-tool.js';

/** How to build the MCP server. */
export interface McpServerOptions {
  config: Config;
  /** The core, or a promise of it (the server answers `initialize` before the core has loaded). */
  core: Core | Promise<Core>;
  /** Diagnostics for stderr; never stdout. */
  onLog?: (message: string) => void;
  /** How long a human has to answer a confirmation request (default 5 minutes). */
  elicitationTimeoutMs?: number;
}

/** Input of k8s_retrieve. */
export const RetrieveInputSchema = z.strictObject({
  intent: IntentSchema.optional().describe('restart, scale, logs, diagnose, status, rollback, delete...'),
  resource: ResourceSchema.optional().describe('deployment, pod, node... (kubectl aliases such as deploy, po are accepted)'),
  query: z.string().max(MAX_QUERY_LENGTH).optional().describe('The task in free text, e.g. "why does api keep restarting"'),
  limit: z.number().int().min(1).max(8).optional().describe('How many cards at most (default 2-4).'),
});

/** Output of k8s_retrieve. */
export const RetrieveOutputSchema = z.object({
  embedder: z.string(),
  notes: z.array(z.string()),
  cards: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      intent: z.string(),
      resource: z.string(),
      risk: RiskLevelSchema,
      score: z.number(),
      why: z.array(z.string()),
      snippet: z.string(),
    }),
  ),
});

const INSTRUCTIONS = [
  'rk8s plans kubectl commands from curated command cards, checks them against the org RBAC policy and guardrails, and runs them with an audit log.',
  'Use k8s_plan to see the command and the verdict without running anything; k8s_exec plans and runs.',
  'Statuses: executed (ran), dry-run (previewed only), needs-confirmation (medium/high risk: show the exact command to the human and let them confirm; do not confirm it yourself), needs-input (say what is missing: plan.missing, verdict.violations),',
  'blocked (denied by policy: read verdict.violations and offer verdict.suggestions instead), failed (read error and result.stderr).',
  'When the operator lets agents confirm, a needs-confirmation answer carries approval.ticket: after the human agreed, send the same request with constraints.approvalToken (and constraints.confirmText, the name they typed, for high risk); it runs that exact command once.',
  'Namespace is required for namespaced resources. Use constraints.dryRun to preview a mutation.',
].join(' ');

/** A tool answer: the document as structured content and as JSON text for clients that only read text. */
function toolResult(document: object, isError = false): CallToolResult {
  return {
    content: [{ type: 'text', text: JSON.stringify(document, null, 2) }],
    structuredContent: document as Record<string, unknown>,
    ...(isError ? { isError: true } : {}),
  };
}

function elicitationMessage(proposal: Proposal, preview: ApprovalPreview, client: string): string {
  const lines = [
    `${client} asks rk8s to run a ${proposal.verdict.risk.toUpperCase()}-risk command:`,
    '',
    `  ${formatCommand(proposal.plan.args)}`,
    '',
    `namespace: ${proposal.verdict.namespace ?? proposal.request.namespace ?? '(none)'}   context: ${proposal.context ?? '(current)'}   card: ${proposal.plan.card}`,
  ];
  if (proposal.plan.rationale) lines.push(`why: ${proposal.plan.rationale}`);
  if (preview.note) lines.push(`preview: ${preview.note}`);
  if (preview.output) {
    const output = preview.output.length > 1500 ? `${preview.output.slice(0, 1500)}\n...` : preview.output;
    lines.push('dry-run:', output);
  }
  return lines.join('\n');
}

/** Builds the MCP server with its four tools (connect it to a transport to serve). */
export function createMcpServer(options: McpServerOptions): McpServer {

  const log = options.onLog ?? (() => undefined);
  const coreReady = Promise.resolve(options.core);
  coreReady.catch(() => undefined);
  const server = new McpServer({ name: 'rk8s', version: packageVersion() }, { instructions: INSTRUCTIONS, capabilities: { tools: {} } });

  const clientName = () => server.server.getClientVersion()?.name ?? 'an MCP client';
  const user = () => `${defaultUser()} via mcp:${clientName()}`;

  server.registerTool(
    'k8s_retrieve',
    {
      title: 'Find kubectl command cards',
      description: 'Finds the curated command cards that fit a task (intent, resource, free text). Runs nothing.',
      inputSchema: RetrieveInputSchema,
      outputSchema: RetrieveOutputSchema,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (input, extra) => {
      const core = await coreReady;
      const result = await core.retriever.retrieve({ intent: input.intent, resource: input.resource, query: input.query, limit: input.limit }, extra.signal);
      return toolResult({
        embedder: result.embedder,
        notes: result.notes,
        cards: result.matches.map((match) => ({
          id: match.id,
          title: match.card.title,
          intent: match.card.intent,
          resource: match.card.resource,
          risk: match.card.risk_level,
          score: match.score,
          why: match.why,
          snippet: match.snippet,
        })),
      });
    },
  );

  server.registerTool(
    'k8s_plan',
    {
      title: 'Plan a kubectl command',
      description:
        'Plans a kubectl command for a request and checks it against the org policy (RBAC, guardrails). Runs nothing in the cluster; the proposal is recorded in the audit log. status: allowed | needs-confirmation | blocked | failed.',
      inputSchema: K8sExecPayloadSchema,
      outputSchema: K8sPlanResultSchema,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    async (input, extra) => {
      const core = await coreReady;
      const document = await k8s_plan(input, { core, source: 'mcp', user: user(), signal: extra.signal });
      return toolResult(document, document.status === 'failed');
    },
  );

  server.registerTool(
    'k8s_exec',
    {
      title: 'Plan and run a kubectl command',
      description:
        'Plans, validates and runs a kubectl command (audited). Medium/high-risk commands need a human: the user is asked to confirm the exact command when the client supports elicitation; otherwise the answer is needs-confirmation and nothing runs. constraints.dryRun previews without running. status: executed | dry-run | needs-confirmation | needs-approval | needs-input | blocked | denied | expired | failed.',
      inputSchema: K8sExecPayloadSchema,
      outputSchema: K8sExecResultSchema,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    async (input, extra) => {
      const core = await coreReady;
      const notes: string[] = [];
      const canAsk = server.server.getClientCapabilities()?.elicitation?.form !== undefined;
      const requestedBy = user();
      // org/approvals.yaml decides per proposal: the agent itself (a token), the client's prompt, the inbox, or nobody.
      const approver: Approver = createDoorApprover({
        door: 'mcp',
        requestedBy,
        elicitedBy: `${defaultUser()} via ${clientName()} (elicitation)`,
        ...(canAsk ? { elicit: (context: ApprovalContext) => askThroughElicitation(context, extra.signal, notes) } : {}),
      });
      let document: K8sExecResult;
      try {
        document = await k8s_exec(input, { core, source: 'mcp', user: requestedBy, signal: extra.signal, approver });
      } catch (error) {
        if (error instanceof InputError) return toolResult({ error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) } }, true);
        throw error;
      }
      const withNotes = notes.length > 0 ? { ...document, notes: [...(document.notes ?? []), ...notes] } : document;
      return toolResult(withNotes, document.status === 'failed' || document.error?.code === 'AUDIT_WRITE_FAILED');
    },
  );

  /** Asks the human through the client's elicitation UI what the core requires (a yes, or the name typed). */
  async function askThroughElicitation(context: ApprovalContext, signal: AbortSignal, notes: string[]): Promise<{ confirmed: boolean; text?: string } | undefined> {
    const { proposal, requirement, preview } = context;
    const typed = requirement.kind === 'typed-name';
    try {
      const answer = await server.server.elicitInput(
        {
          message: elicitationMessage(proposal, preview, clientName()),
          requestedSchema: typed
            ? {
                type: 'object',
                properties: { name: { type: 'string', title: `Type "${requirement.word ?? ''}" to run this high-risk command` } },
                required: ['name'],
              }
            : {
                type: 'object',
                properties: { confirm: { type: 'boolean', title: 'Run this command', default: false } },
                required: ['confirm'],
              },
        },
        { signal, timeout: options.elicitationTimeoutMs ?? 5 * 60_000 },
      );
      const content = answer.content ?? {};
      if (answer.action !== 'accept') {
        notes.push(`the human answered ${answer.action}: nothing was run`);
        return undefined;
      }
      return typed ? { confirmed: true, text: String(content.name ?? '') } : { confirmed: content.confirm === true };
    } catch (error) {
      log(`elicitation failed: ${(error as Error).message}`);
      notes.push(`could not ask the human to confirm (${(error as Error).message}): nothing was run`);
      return undefined;
    }
  }

  registerDiagnoseTool(server, { core: coreReady, user });

  return server;
}

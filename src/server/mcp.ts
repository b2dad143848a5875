/**
 * The MCP server: tools k8s_retrieve, k8s_plan, k8s_exec and k8s_diagnose for Claude Code and other agents, each a
 * thin consumer of the pipeline. A medium/high-risk command needs a human: the server asks one through
 * MCP elicitation when the client supports it, and otherwise answers `needs-confirmation` without
 * running anything, unless the operator set RK8S_MCP_ALLOW_AGENT_CONFIRM. Nothing here writes to
 * stdout: on stdio that is the protocol channel.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { packageVersion } from '../config/paths.js';
import { formatCommand } from '../corpus/format-command.js';
import { defaultUser } from '../pipeline/audit-fields.js';
import type { Core } from '../pipeline/core.js';
import type { Proposal } from '../pipeline/events.js';
import type { Config } from '../schemas/config.js';
import { K8sExecPayloadSchema, MAX_QUERY_LENGTH, type K8sExecPayload } from '../schemas/request.js';
import { IntentSchema, ResourceSchema, RiskLevelSchema } from '../schemas/vocabulary.js';
import { EXPECT_ARGS_REQUIRED_MESSAGE, K8sExecResultSchema, k8s_exec, type K8sExecResult } from '../tool/k8s-exec.js';
import { PlanDocumentSchema, planRequest } from './plan-document.js';
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
  'Statuses: executed (ran), dry-run (previewed only), needs-confirmation (medium/high risk: show the exact command to the human and let them confirm; do not retry with confirm yourself),',
  'blocked (denied by policy: read verdict.violations and offer verdict.suggestions instead; APPROVAL_MISMATCH means the fresh plan differs from constraints.expectArgs and nothing ran), failed (read error and result.stderr).',
  'When a confirmation is sent, constraints.expectArgs must be plan.args from the needs-confirmation answer: nothing else can run.',
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

/** The name a high-risk confirmation must repeat: the object's name, else its namespace. */
function confirmationWord(core: Core, proposal: Proposal): string {
  const target = core.validator.target(proposal.plan.args);
  return target?.name ?? target?.namespace ?? proposal.verdict.namespace ?? 'yes';
}

function elicitationMessage(proposal: Proposal, preview: { output?: string; note?: string }, client: string): string {
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
  const { config } = options;
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
      outputSchema: PlanDocumentSchema,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    async (input, extra) => {
      const core = await coreReady;
      const document = await planRequest(input, core, { source: 'mcp', user: user(), signal: extra.signal });
      return toolResult(document, document.status === 'failed');
    },
  );

  server.registerTool(
    'k8s_exec',
    {
      title: 'Plan and run a kubectl command',
      description:
        'Plans, validates and runs a kubectl command (audited). Medium/high-risk commands need a human: the user is asked to confirm the exact command when the client supports elicitation; otherwise the answer is needs-confirmation and nothing runs. constraints.dryRun previews without running. status: executed | dry-run | needs-confirmation | blocked | failed.',
      inputSchema: K8sExecPayloadSchema,
      outputSchema: K8sExecResultSchema,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    async (input, extra) => {
      const core = await coreReady;
      const notes: string[] = [];
      let payload: K8sExecPayload = input;
      if (payload.constraints?.confirm && !config.mcpAllowAgentConfirm) {
        // An agent saying "confirmed" is not a human confirming.
        const { confirm: _confirm, ...constraints } = payload.constraints;
        payload = { ...payload, constraints };
        notes.push('constraints.confirm was ignored: over MCP a human confirms (the operator can allow agents with RK8S_MCP_ALLOW_AGENT_CONFIRM=true)');
      } else if (payload.constraints?.confirm && payload.constraints.expectArgs === undefined) {
        // A bare confirm would approve whatever the re-plan produces, which nobody was shown.
        const { confirm: _confirm, ...constraints } = payload.constraints;
        payload = { ...payload, constraints };
        notes.push(`constraints.confirm was ignored: constraints.expectArgs is ${EXPECT_ARGS_REQUIRED_MESSAGE}`);
      }
      const canAsk = server.server.getClientCapabilities()?.elicitation?.form !== undefined;
      const confirm = canAsk
        ? async (proposal: Proposal, preview: { output?: string; note?: string }): Promise<boolean> => {
            const high = proposal.verdict.risk === 'high';
            const word = confirmationWord(core, proposal);
            try {
              const answer = await server.server.elicitInput(
                {
                  message: elicitationMessage(proposal, preview, clientName()),
                  requestedSchema: high
                    ? {
                        type: 'object',
                        properties: { name: { type: 'string', title: `Type "${word}" to run this high-risk command` } },
                        required: ['name'],
                      }
                    : {
                        type: 'object',
                        properties: { confirm: { type: 'boolean', title: 'Run this command', default: false } },
                        required: ['confirm'],
                      },
                },
                { signal: extra.signal, timeout: options.elicitationTimeoutMs ?? 5 * 60_000 },
              );
              const content = answer.content ?? {};
              const accepted = answer.action === 'accept' && (high ? String(content.name ?? '').trim() === word : content.confirm === true);
              if (!accepted) notes.push(answer.action === 'accept' ? 'the human did not confirm the command' : `the human answered ${answer.action}: nothing was run`);
              return accepted;
            } catch (error) {
              log(`elicitation failed: ${(error as Error).message}`);
              notes.push(`could not ask the human to confirm (${(error as Error).message}): nothing was run`);
              return false;
            }
          }
        : undefined;
      const document: K8sExecResult = await k8s_exec(payload, { core, source: 'mcp', user: user(), signal: extra.signal, ...(confirm ? { confirm } : {}) });
      if (document.status === 'needs-confirmation' && !canAsk) {
        notes.push('this client cannot ask the human (no MCP elicitation): show the command to the user and let them run it with rk8s exec --confirm or the TUI');
      }
      const withNotes = notes.length > 0 ? { ...document, notes: [...(document.notes ?? []), ...notes] } : document;
      return toolResult(withNotes, document.status === 'failed');
    },
  );

  registerDiagnoseTool(server, { core: coreReady, user });
  return server;
}

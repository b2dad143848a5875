/** rk8s configuration: every setting has one place, with defaults; loaded from env/.env and flags. */
import { z } from 'zod';

/** The configuration schema. */
export const ConfigSchema = z.strictObject({
  /** Project root: where cards/, org/ and logs/ are found by default. */
  root: z.string(),
  cardsDir: z.string(),
  orgDir: z.string(),
  cacheDir: z.string(),
  kubectl: z.strictObject({
    path: z.string().default('kubectl'),
    kubeconfig: z.string().optional(),
    /** The caller's configured context; plans may repeat it but never switch to another. */
    context: z.string().optional(),
    cluster: z.string().optional(),
    /** Name resolution lists straight from the API server where it can do exactly what kubectl would (cluster/api-lister.ts). */
    apiReads: z.boolean().default(true),
  }),
  exec: z.strictObject({
    timeoutSeconds: z.number().positive().default(15),
    /** Upper bound for any run, including commands with their own --timeout (drain --timeout=5m). */
    maxTimeoutSeconds: z.number().positive().default(600),
    killGraceMs: z.number().int().nonnegative().default(2000),
    maxOutputBytes: z.number().int().positive().default(256 * 1024),
    maxOutputLines: z.number().int().positive().default(5000),
  }),
  audit: z.strictObject({
    path: z.string(),
    maxBytes: z.number().int().positive().default(10 * 1024 * 1024),
  }),
  planner: z.strictObject({
    /** Path to a GGUF model; undefined means the template planner answers. */
    model: z.string().optional(),
    threads: z.number().int().positive(),
    temperature: z.number().min(0).max(2).default(0.2),
    maxTokens: z.number().int().positive().default(160),
    timeoutSeconds: z.number().positive().default(60),
    contextSize: z.number().int().positive().default(2048),
    modelsDir: z.string(),
  }),
  embedder: z.strictObject({
    kind: z.enum(['lexical', 'transformers']).default('lexical'),
    model: z.string().default('Xenova/all-MiniLM-L6-v2'),
    allowRemoteModels: z.boolean().default(false),
  }),
  server: z.strictObject({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8000),
    token: z.string().optional(),
    bodyLimitBytes: z.number().int().positive().default(64 * 1024),
    maxQueue: z.number().int().positive().default(64),
    /** The deadline for answering one request (queueing and planning; a command adds its own kubectl timeout). */
    requestTimeoutSeconds: z.number().positive().default(60),
    /** A client must send its whole request head within this time (else 408 and the socket closes). */
    headersTimeoutSeconds: z.number().positive().default(10),
    /** A client must send its whole request, head and body, within this time (else 408 and the socket closes). */
    bodyTimeoutSeconds: z.number().positive().default(30),
    /** An idle kept-alive socket is closed after this long (Node adds one second of slack). */
    keepAliveTimeoutSeconds: z.number().positive().default(5),
    /** Open sockets at most; at the limit a new client evicts the oldest idle or still-sending one (503 when all are busy). */
    maxConnections: z.number().int().positive().default(256),
    /** Requests planning at once (default: 1 with a model, 16 per core with the template planner, whose requests mostly wait on the audit fsync). */
    planConcurrency: z.number().int().positive().optional(),
  }),
  approvals: z.strictObject({
    /** Where approval tokens and inbox requests live (shared by every rk8s process of this account). */
    dir: z.string(),
    /** How long an approval token handed to an API client stays valid. */
    tokenTtlSeconds: z.number().positive().default(600),
  }),
  /** Largest JSON-RPC message (one stdin line) `rk8s mcp` accepts; a larger one is answered with an error and skipped. */
  mcpMaxMessageBytes: z.number().int().min(1024).default(4 * 1024 * 1024),
  /**
   * On SIGTERM/SIGINT, how long running kubectl commands get to finish before they are cancelled
   * (every front-end: serve, mcp, exec, tui). Their outcome is recorded either way.
   */
  shutdownGraceSeconds: z.number().min(0).default(10),
  readOnly: z.boolean().default(false),
}).superRefine((config, context) => {
  // Node refuses a headers timeout longer than the whole-request timeout.
  if (config.server.headersTimeoutSeconds > config.server.bodyTimeoutSeconds) {
    context.addIssue({
      code: 'custom',
      path: ['server', 'headersTimeoutSeconds'],
      message: `must not exceed server.bodyTimeoutSeconds (${config.server.headersTimeoutSeconds} > ${config.server.bodyTimeoutSeconds}): the body deadline counts from the first byte of the request`,
    });
  }
});
/** The resolved configuration. */
export type Config = z.infer<typeof ConfigSchema>;

/** Resolves the configuration: defaults < environment (.env included) < explicit overrides (CLI flags). */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { ConfigSchema, type Config } from '../schemas/config.js';
import { formatFieldPath } from './problems.js';
import { packageRoot } from './paths.js';
import { ownValue } from '../own-property.js';

/** Settings a caller (CLI flags, tests, the library) may override. Paths are resolved against cwd. */
export interface ConfigOverrides {
  cardsDir?: string;
  orgDir?: string;
  cacheDir?: string;
  kubectlPath?: string;
  kubeconfig?: string;
  context?: string;
  auditLog?: string;
  /** Where approval tokens and inbox requests are kept (default: approvals/ beside the audit log). */
  approvalsDir?: string;
  /** A GGUF path, or null to force the template planner (`--no-model`). */
  model?: string | null;
  threads?: number;
  embedder?: 'lexical' | 'transformers';
  embeddingModel?: string;
  serverToken?: string;
  readOnly?: boolean;
  execTimeoutSeconds?: number;
  shutdownGraceSeconds?: number;
}

type Environment = Readonly<Record<string, string | undefined>>;

/** The variable behind a setting, so an error names what to fix (settings without an entry get a generic hint). */
const SETTING_VARIABLES: ReadonlyMap<string, string> = new Map([
  ['server.requestTimeoutSeconds', 'RK8S_SERVER_REQUEST_TIMEOUT'],
  ['server.headersTimeoutSeconds', 'RK8S_SERVER_HEADERS_TIMEOUT'],
  ['server.bodyTimeoutSeconds', 'RK8S_SERVER_BODY_TIMEOUT'],
  ['server.keepAliveTimeoutSeconds', 'RK8S_SERVER_KEEP_ALIVE_TIMEOUT'],
  ['server.maxConnections', 'RK8S_SERVER_MAX_CONNECTIONS'],
  ['server.bodyLimitBytes', 'RK8S_SERVER_BODY_LIMIT'],
  ['server.maxQueue', 'RK8S_SERVER_MAX_QUEUE'],
  ['mcpMaxMessageBytes', 'RK8S_MCP_MAX_MESSAGE_BYTES'],
  ['shutdownGraceSeconds', 'RK8S_SHUTDOWN_GRACE_SECONDS'],
]);

function envNumber(environment: Environment, name: string): number | undefined {
  const raw = ownValue(environment, name);
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new ConfigError(`${name}="${raw}" is not a number`, { hint: `set ${name} to a number or unset it` });
  return value;
}

function envBoolean(environment: Environment, name: string): boolean | undefined {
  const raw = ownValue(environment, name)?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name}="${ownValue(environment, name)}" is not a boolean`, { hint: `set ${name} to true or false` });
}

function envString(environment: Environment, name: string): string | undefined {
  const raw = ownValue(environment, name);
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

/**
 * The one `.env` rk8s reads: the package root's (where the README says to `cp .env.example .env`).
 * Never the working directory's: a cloned repo's `.env` could otherwise set RK8S_KUBECTL (any binary),
 * RK8S_APPROVALS_DIR, RK8S_ORG_DIR or RK8S_AUDIT_LOG just because rk8s ran inside it.
 */
export function defaultDotEnvPath(): string {
  return path.join(packageRoot(), '.env');
}

/** Loads a `.env` file (default: the package root's, never cwd's) into process.env; real environment variables win. */
export function loadDotEnv(file = defaultDotEnvPath()): void {
  if (!existsSync(file)) return;
  try {
    process.loadEnvFile(file);
  } catch (error) {
    throw new ConfigError(`cannot read ${file}: ${(error as Error).message}`, { hint: 'fix or remove the .env file', cause: error });
  }
}

/** Default thread count for the LLM: never above the core count (more threads than cores is far slower). */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/** Builds the configuration. Throws ConfigError naming the variable or field that is wrong. */
export function loadConfig(overrides: ConfigOverrides = {}, environment: Environment = process.env): Config {
  const root = packageRoot();
  const resolve = (value: string | undefined) => (value === undefined ? undefined : path.resolve(value));
  const model =
    overrides.model === null ? undefined : (resolve(overrides.model) ?? resolve(envString(environment, 'RK8S_MODEL')));
  const auditPath = resolve(overrides.auditLog) ?? resolve(envString(environment, 'RK8S_AUDIT_LOG')) ?? path.join(root, 'logs', 'agent.log');
  const candidate = {
    root,
    cardsDir: resolve(overrides.cardsDir) ?? resolve(envString(environment, 'RK8S_CARDS_DIR')) ?? path.join(root, 'cards'),
    orgDir: resolve(overrides.orgDir) ?? resolve(envString(environment, 'RK8S_ORG_DIR')) ?? path.join(root, 'org'),
    cacheDir: resolve(overrides.cacheDir) ?? resolve(envString(environment, 'RK8S_CACHE_DIR')) ?? path.join(root, '.cache'),
    kubectl: {
      path: overrides.kubectlPath ?? envString(environment, 'RK8S_KUBECTL') ?? 'kubectl',
      kubeconfig: resolve(overrides.kubeconfig) ?? envString(environment, 'KUBECONFIG'),
      context: overrides.context ?? envString(environment, 'RK8S_CONTEXT'),
      apiReads: envBoolean(environment, 'RK8S_API_READS'),
    },
    exec: {
      timeoutSeconds: overrides.execTimeoutSeconds ?? envNumber(environment, 'RK8S_EXEC_TIMEOUT'),
      maxTimeoutSeconds: envNumber(environment, 'RK8S_EXEC_MAX_TIMEOUT'),
      maxOutputBytes: envNumber(environment, 'RK8S_MAX_OUTPUT_BYTES'),
      maxOutputLines: envNumber(environment, 'RK8S_MAX_OUTPUT_LINES'),
    },
    audit: {
      path: auditPath,
      maxBytes: envNumber(environment, 'RK8S_AUDIT_MAX_BYTES'),
    },
    planner: {
      model,
      threads: overrides.threads ?? envNumber(environment, 'RK8S_THREADS') ?? defaultThreads(),
      temperature: envNumber(environment, 'RK8S_TEMPERATURE'),
      maxTokens: envNumber(environment, 'RK8S_MAX_TOKENS'),
      timeoutSeconds: envNumber(environment, 'RK8S_PLAN_TIMEOUT'),
      contextSize: envNumber(environment, 'RK8S_CONTEXT_SIZE'),
      modelsDir: resolve(envString(environment, 'RK8S_MODELS_DIR')) ?? path.join(os.homedir(), '.cache', 'rk8s', 'models'),
    },
    embedder: {
      kind: overrides.embedder ?? envString(environment, 'RK8S_EMBEDDER'),
      model: overrides.embeddingModel ?? envString(environment, 'RK8S_EMBEDDING_MODEL'),
      allowRemoteModels: envBoolean(environment, 'RK8S_ALLOW_REMOTE_MODELS'),
    },
    server: {
      host: envString(environment, 'RK8S_SERVER_HOST'),
      port: envNumber(environment, 'RK8S_SERVER_PORT'),
      token: overrides.serverToken ?? envString(environment, 'RK8S_SERVER_TOKEN'),
      bodyLimitBytes: envNumber(environment, 'RK8S_SERVER_BODY_LIMIT'),
      maxQueue: envNumber(environment, 'RK8S_SERVER_MAX_QUEUE'),
      requestTimeoutSeconds: envNumber(environment, 'RK8S_SERVER_REQUEST_TIMEOUT'),
      headersTimeoutSeconds: envNumber(environment, 'RK8S_SERVER_HEADERS_TIMEOUT'),
      bodyTimeoutSeconds: envNumber(environment, 'RK8S_SERVER_BODY_TIMEOUT'),
      keepAliveTimeoutSeconds: envNumber(environment, 'RK8S_SERVER_KEEP_ALIVE_TIMEOUT'),
      maxConnections: envNumber(environment, 'RK8S_SERVER_MAX_CONNECTIONS'),
      planConcurrency: envNumber(environment, 'RK8S_SERVER_PLAN_CONCURRENCY'),
    },
    approvals: {
      dir: resolve(overrides.approvalsDir) ?? resolve(envString(environment, 'RK8S_APPROVALS_DIR')) ?? path.join(path.dirname(auditPath), 'approvals'),
      tokenTtlSeconds: envNumber(environment, 'RK8S_APPROVAL_TTL'),
    },
    mcpMaxMessageBytes: envNumber(environment, 'RK8S_MCP_MAX_MESSAGE_BYTES'),
    // One grace period for every front-end; the server-only name of earlier versions still works.
    shutdownGraceSeconds: overrides.shutdownGraceSeconds ?? envNumber(environment, 'RK8S_SHUTDOWN_GRACE_SECONDS') ?? envNumber(environment, 'RK8S_SERVER_SHUTDOWN_GRACE'),
    readOnly: overrides.readOnly ?? envBoolean(environment, 'RK8S_READ_ONLY'),
  };
  const parsed = ConfigSchema.safeParse(JSON.parse(JSON.stringify(candidate)));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = SETTING_VARIABLES.get(issue.path.join('.'));
    throw new ConfigError(`configuration ${formatFieldPath(issue.path)}: ${issue.message}`, {
      hint: variable ? `fix ${variable} in the environment or .env (see .env.example)` : 'check the RK8S_* environment variables and .env (see .env.example)',
      details: parsed.error.issues,
    });
  }
  return parsed.data;
}

/** The request flags `rk8s plan` and `rk8s exec` share, and the payload they describe. */
import type { Command } from 'commander';
import type { ConfigOverrides } from '../config/load-config.js';
import { InputError } from '../errors.js';
import type { Core } from '../contracts/core.js';
import { createCore } from '../pipeline/create-core.js';
import { parsePayload } from '../pipeline/propose.js';
import type { Constraints, K8sExecPayload } from '../schemas/request.js';
import { configFromOptions, type GlobalOptions } from './output.js';
import { setOwnValue } from '../own-property.js';

/** Flags `rk8s plan` and `rk8s exec` share. */
export interface RequestOptions {
  intent?: string;
  resource?: string;
  namespace?: string;
  name?: string;
  query?: string;
  /** `--param key=value`, repeatable. */
  param?: string[];
  /** A path, or false for --no-model. */
  model?: string | false;
}

/** Collects repeated `--param key=value` flags. */
function collectParam(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `["replicas=5", "tail=200"]` -> `{replicas: "5", tail: "200"}`; a malformed entry is an InputError naming it. */
export function paramsFromOptions(entries: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const entry of entries) {
    const separator = entry.indexOf('=');
    if (separator <= 0) {
      throw new InputError(`--param ${JSON.stringify(entry)}: expected key=value, e.g. --param replicas=5`, {
        hint: 'parameter names are the card\'s params (rk8s retrieve --json shows each card; docs/corpus-schema.md)',
      });
    }
    setOwnValue(params, entry.slice(0, separator).trim(), entry.slice(separator + 1));
  }
  return params;
}

/** Adds the request flags (and the free-text words argument) to a command. */
export function addRequestOptions(command: Command): Command {
  return command
    .argument('[words...]', 'the request in free text (same as --query)')
    .option('-i, --intent <intent>', 'what to do: restart, scale, logs, diagnose, status, rollback, delete... (see rk8s retrieve)')
    .option('-r, --resource <resource>', 'the resource, any kubectl spelling: deployment, deploy, pod, po, node...')
    .option('-n, --namespace <namespace>', 'the namespace (required except for cluster-scoped resources such as node)')
    .option('--name <name>', 'the object name, e.g. api')
    .option('-q, --query <text>', 'the request in free text, e.g. "scale web to 5"')
    .option('-p, --param <key=value>', 'set a card parameter exactly, e.g. --param replicas=5 (repeatable)', collectParam)
    .option('--model <path>', 'GGUF model for the planner (default: RK8S_MODEL; without one the template planner answers)')
    .option('--no-model', 'use the template planner even when RK8S_MODEL is set');
}

/** The payload the flags describe; throws InputError naming the flag when something is invalid. */
export function requestFromOptions(words: readonly string[], options: RequestOptions, constraints?: Constraints, commandName: 'plan' | 'exec' = 'plan'): K8sExecPayload {
  const query = [options.query, ...words].filter((part): part is string => part !== undefined && part.trim() !== '').join(' ');
  const params = paramsFromOptions(options.param ?? []);
  const saysWhat = query !== '' || [options.intent, options.resource, options.name].some((value) => value !== undefined) || Object.keys(params).length > 0;
  if (!saysWhat) {
    // Called bare (or with only -n): say what a request is made of, not just the first schema issue.
    const namespace = options.namespace === undefined ? ' and a namespace (-n/--namespace)' : '';
    throw new InputError(
      `rk8s ${commandName}: nothing to do: give what you want, in free text ("restart api") or with --intent/--resource/--name${namespace}`,
      { hint: `e.g. rk8s ${commandName} -n staging restart api, or rk8s ${commandName} -n prod --intent restart --resource deployment --name api (rk8s ${commandName} --help)` },
    );
  }
  const payload = {
    ...(options.intent !== undefined ? { intent: options.intent } : {}),
    ...(options.resource !== undefined ? { resource: options.resource } : {}),
    ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(query !== '' ? { query } : {}),
    ...(Object.keys(params).length > 0 ? { params } : {}),
    ...(constraints && Object.keys(constraints).length > 0 ? { constraints } : {}),
  };
  try {
    return parsePayload(payload);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    // Name the flag, not the JSON field: "--namespace: is required ...".
    const message = error.message.replace(/^invalid request: (\w+)(\.\w+)?:/, (_match, field: string, sub?: string) => {
      const flags = new Map([['intent', '--intent'], ['resource', '--resource'], ['namespace', '--namespace'], ['name', '--name'], ['query', '--query'], ['params', '--param']]);
      if (field === 'constraints' && sub === '.timeoutSeconds') return '--timeout:';
      return `${flags.get(field) ?? field}:`;
    });
    throw new InputError(message, { hint: 'e.g. rk8s plan -n prod --intent restart --resource deployment --name api', details: error.details });
  }
}

/** Builds the core for a CLI command (a missing --model file is an error, a missing RK8S_MODEL a warning). */
export async function coreFromOptions(globals: GlobalOptions, options: RequestOptions, extra: ConfigOverrides = {}, signal?: AbortSignal, request?: K8sExecPayload): Promise<Core> {
  const config = configFromOptions(globals, { ...extra, ...(options.model === false ? { model: null } : options.model !== undefined ? { model: options.model } : {}) });
  // One command, then the process exits: the audit log need not keep the event loop free while it writes.
  return createCore(config, {}, { signal, strictModel: typeof options.model === 'string', syncAuditWrites: true, ...(request ? { prefetchFor: request } : {}) });
}

/** Aborts on Ctrl-C; dispose() removes the handler. */
export function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.on('SIGINT', onInterrupt);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onInterrupt) };
}


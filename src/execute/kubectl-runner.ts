/** The KubectlRunner createCore() wires: execute() with the kubectl path, KUBECONFIG, context and limits from config. */
import type { KubectlReadOptions, KubectlRunner, KubectlRunOptions } from '../contracts/ports.js';
import type { Config } from '../schemas/config.js';
import { execute, type ExecuteEvent, type ExecuteOptions } from './execute.js';
import { readKubectlOutput } from './kubectl-read.js';

/** A per-request timeout may lower the default or raise it, but never above `exec.maxTimeoutSeconds`. */
export function effectiveTimeoutSeconds(config: Config, requested?: number): number {
  const wanted = requested !== undefined && Number.isFinite(requested) && requested > 0 ? requested : config.exec.timeoutSeconds;
  return Math.min(wanted, config.exec.maxTimeoutSeconds);
}

/** The execute() options a config implies. */
export function executeOptionsFromConfig(config: Config, timeoutSeconds?: number): ExecuteOptions {
  return {
    kubectlPath: config.kubectl.path,
    kubeconfig: config.kubectl.kubeconfig,
    context: config.kubectl.context,
    timeoutSeconds: effectiveTimeoutSeconds(config, timeoutSeconds),
    killGraceMs: config.exec.killGraceMs,
    maxOutputBytes: config.exec.maxOutputBytes,
    maxOutputLines: config.exec.maxOutputLines,
  };
}

/** Creates the runner that runs kubectl for real. */
export function createKubectlRunner(config: Config): KubectlRunner {
  return {
    run(args: readonly string[], options: KubectlRunOptions = {}): AsyncIterable<ExecuteEvent> {
      return execute(args, executeOptionsFromConfig(config, options.timeoutSeconds), options.signal);
    },
    read(args: readonly string[], options: KubectlReadOptions = {}) {
      const target = {
        kubectlPath: config.kubectl.path,
        ...(config.kubectl.kubeconfig === undefined ? {} : { kubeconfig: config.kubectl.kubeconfig }),
        ...(config.kubectl.context === undefined ? {} : { context: config.kubectl.context }),
        timeoutSeconds: effectiveTimeoutSeconds(config, options.timeoutSeconds),
        killGraceMs: config.exec.killGraceMs,
      };
      return readKubectlOutput(args, target, { ...options, timeoutSeconds: target.timeoutSeconds });
    },
  };
}

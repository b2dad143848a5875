/**
 * Pins the kube context once per core: without it, a `kubectl config use-context` in another shell
 * between a proposal and its confirmation would send the approved command to another cluster, and
 * the audit log could not say which cluster a command ran against.
 */
import { execa } from 'execa';
import type { Config } from '../schemas/config.js';

/** The kubeconfig's current context, or undefined when there is none (or kubectl cannot tell). */
export async function readCurrentContext(config: Config, signal?: AbortSignal): Promise<string | undefined> {
  const result = await execa(config.kubectl.path, ['config', 'current-context'], {
    env: config.kubectl.kubeconfig ? { KUBECONFIG: config.kubectl.kubeconfig } : {},
    reject: false,
    timeout: 5000,
    cancelSignal: signal,
  }).catch(() => undefined);
  const context = result && result.exitCode === 0 ? String(result.stdout).trim() : '';
  return context && !/\s/.test(context) ? context : undefined;
}

/** The config with `kubectl.context` set to the current context when none was configured. */
export async function withPinnedContext(config: Config, signal?: AbortSignal): Promise<Config> {
  if (config.kubectl.context !== undefined) return config;
  const context = await readCurrentContext(config, signal);
  return context === undefined ? config : { ...config, kubectl: { ...config.kubectl, context } };
}

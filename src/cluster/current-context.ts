/**
 * Pins the kube context once per core: without it, a `kubectl config use-context` in another shell
 * between a proposal and its confirmation would send the approved command to another cluster, and
 * the audit log could not say which cluster a command ran against. The kubeconfig is read directly
 * (kubectl's merge rule for current-context: the first file in the list that sets it wins), which
 * costs a file read instead of starting kubectl.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../schemas/config.js';
import { loadKubeconfigYaml } from './kubeconfig-yaml.js';

/** What pinning found: the context, or why there is none. */
export interface ContextReading {
  context?: string;
  /** Why no context could be pinned (shown to the user; commands then use kubectl's current context). */
  problem?: string;
}

/** The kubeconfig files kubectl reads, in its order: the configured path, else $KUBECONFIG's list, else ~/.kube/config. */
export function kubeconfigFiles(config: Config, environment: NodeJS.ProcessEnv = process.env): string[] {
  const list = config.kubectl.kubeconfig ?? environment.KUBECONFIG;
  if (list !== undefined && list.trim() !== '') return list.split(path.delimiter).filter((file) => file !== '');
  return [path.join(os.homedir(), '.kube', 'config')];
}

/** The current context the kubeconfig files name, or the reason there is none. Never throws. */
export async function readCurrentContext(config: Config, environment: NodeJS.ProcessEnv = process.env): Promise<ContextReading> {
  const files = kubeconfigFiles(config, environment);
  const unreadable: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // kubectl skips list entries that do not exist; anything else is worth saying.
      if (code !== 'ENOENT') unreadable.push(`${file}: ${(error as Error).message}`);
      continue;
    }
    let document: unknown;
    try {
      document = loadKubeconfigYaml(text);
    } catch (error) {
      unreadable.push(`${file}: not valid YAML (${(error as Error).message.split('\n')[0]})`);
      continue;
    }
    const context = document && typeof document === 'object' ? (document as Record<string, unknown>)['current-context'] : undefined;
    if (typeof context === 'string' && context.trim() !== '') {
      return /\s/.test(context) ? { problem: `${file} names a current-context with spaces (${JSON.stringify(context)})` } : { context };
    }
  }
  if (unreadable.length > 0) return { problem: `cannot read the kubeconfig: ${unreadable.join('; ')}` };
  return { problem: `no current-context is set in ${files.join(', ')}` };
}

/** The config with `kubectl.context` set to the current context when none was configured, and why not if it could not be. */
export async function withPinnedContext(config: Config, environment: NodeJS.ProcessEnv = process.env): Promise<{ config: Config; problem?: string }> {
  if (config.kubectl.context !== undefined) return { config };
  const reading = await readCurrentContext(config, environment);
  if (reading.context === undefined) return { config, ...(reading.problem ? { problem: reading.problem } : {}) };
  return { config: { ...config, kubectl: { ...config.kubectl, context: reading.context } } };
}

/** The sandbox cluster: a simulated Kubernetes API server that the real kubectl drives. */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CancelledError, Rk8sError } from '../errors.js';
import { generateServingCertificate } from './certificate.js';
import { SandboxCluster, type SandboxTimings } from './cluster.js';
import { renderKubeconfig, sandboxContextName } from './kubeconfig.js';
import { defaultScenarioPath, loadScenario } from './scenario-loader.js';
import { startApiServer } from './server.js';

export { isSandboxKubeconfig, sandboxContextName } from './kubeconfig.js';
export { defaultScenarioPath } from './scenario-loader.js';
export type { SandboxTimings } from './cluster.js';

/** Options of startSandbox. */
export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Where to write the kubeconfig (default: a fresh temporary directory). */
  kubeconfigPath?: string;
  /** Scenario YAML (default: the bundled src/sandbox/scenarios/default.yaml). */
  scenarioPath?: string;
  /** Aborting stops the sandbox. */
  signal?: AbortSignal;
  /** Controller delays; the defaults keep end-to-end tests fast. */
  timings?: Partial<SandboxTimings>;
}

/** A running sandbox. */
export interface Sandbox {
  kubeconfigPath: string;
  url: string;
  contextName: string;
  token: string;
  stop(): Promise<void>;
}

/** The sandbox could not start (port in use, unwritable kubeconfig path...). */
export class SandboxError extends Rk8sError {
  override readonly code = 'SANDBOX_FAILED';
}

const runningUrls = new Set<string>();

/** True when `url` is the server URL of a sandbox running in this process. */
export function isSandboxUrl(url: string): boolean {
  return runningUrls.has(url.replace(/\/+$/, ''));
}

/**
 * Starts a sandbox: loads the scenario, generates a certificate and token, serves HTTPS on
 * loopback, and writes a kubeconfig pointing at it. Each sandbox has its own port, so kubectl's
 * discovery cache (keyed by host:port) never mixes two of them.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  if (options.signal?.aborted) throw new CancelledError('sandbox start cancelled');
  const host = options.host ?? '127.0.0.1';
  const cluster = new SandboxCluster({ timings: options.timings ?? {} });
  let temporaryDirectory: string | undefined;
  try {
    loadScenario(cluster, options.scenarioPath ?? defaultScenarioPath());
    const certificate = generateServingCertificate([...new Set([host, '127.0.0.1', 'localhost', '::1'])]);
    const token = `rk8s-sandbox-${randomBytes(24).toString('hex')}`;
    let server;
    try {
      server = await startApiServer({ cluster, token, host, port: options.port ?? 0, certificatePem: certificate.certificatePem, privateKeyPem: certificate.privateKeyPem });
    } catch (error) {
      throw new SandboxError(`cannot listen on ${host}:${options.port ?? 0}: ${(error as Error).message}`, { cause: error, hint: 'choose another --port, or 0 for a free one' });
    }
    let kubeconfigPath = options.kubeconfigPath;
    if (!kubeconfigPath) {
      temporaryDirectory = mkdtempSync(join(tmpdir(), 'rk8s-sandbox-'));
      kubeconfigPath = join(temporaryDirectory, 'kubeconfig');
    }
    try {
      mkdirSync(dirname(kubeconfigPath), { recursive: true });
      writeFileSync(kubeconfigPath, renderKubeconfig({ url: server.url, certificatePem: certificate.certificatePem, token }), { mode: 0o600 });
      chmodSync(kubeconfigPath, 0o600);
    } catch (error) {
      await server.close();
      throw new SandboxError(`cannot write the sandbox kubeconfig to ${kubeconfigPath}: ${(error as Error).message}`, { cause: error, hint: 'pass a writable --kubeconfig path' });
    }
    runningUrls.add(server.url);
    cluster.requestReconcile();
    let stopped: Promise<void> | undefined;
    const stop = () => {
      stopped ??= (async () => {
        options.signal?.removeEventListener('abort', onAbort);
        runningUrls.delete(server.url);
        cluster.stop();
        await server.close();
        if (temporaryDirectory) rmSync(temporaryDirectory, { recursive: true, force: true });
      })();
      return stopped;
    };
    const onAbort = () => void stop();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    return { kubeconfigPath, url: server.url, contextName: sandboxContextName, token, stop };
  } catch (error) {
    cluster.stop();
    if (temporaryDirectory) rmSync(temporaryDirectory, { recursive: true, force: true });
    throw error;
  }
}

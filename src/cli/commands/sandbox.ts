/** `rk8s sandbox`: runs the simulated cluster in the foreground and prints how to point kubectl at it. */
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { action, printJson } from '../output.js';
import { style } from '../style.js';

/** Flags of `rk8s sandbox` (--kubeconfig is the global flag, read through optsWithGlobals). */
interface SandboxCommandOptions {
  port?: string;
  scenario?: string;
}

/** Adds `rk8s sandbox` to the program. */
export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description('run the sandbox cluster: a simulated Kubernetes API server (prod, staging, dev, with realistic failures) that the real kubectl drives')
    .option('--port <n>', 'port to listen on, 127.0.0.1 only (default 0: a free port)')
    .option('--scenario <file>', 'scenario YAML to load instead of the bundled default (see docs/sandbox.md)')
    .addHelpText(
      'after',
      '\nThe kubeconfig is written to --kubeconfig PATH (default: a fresh temporary directory) and removed\n' +
        'on exit only when it was temporary. Stop with Ctrl+C.\n' +
        '\nExamples:\n' +
        '  rk8s sandbox\n' +
        '  rk8s sandbox --port 6443 --kubeconfig ./sandbox.kubeconfig\n' +
        '  rk8s sandbox --scenario ./my-incident.yaml',
    )
    .action(
      action(async (globals, options: SandboxCommandOptions) => {
        let port = 0;
        if (options.port !== undefined) {
          port = Number(options.port);
          if (!Number.isInteger(port) || port < 0 || port > 65_535) {
            throw new InputError(`--port must be an integer from 0 to 65535, got "${options.port}"`, { hint: 'e.g. --port 6443, or --port 0 for a free port' });
          }
        }
        const { startSandbox } = await import('../../sandbox/index.js');
        const controller = new AbortController();
        const sandbox = await startSandbox({
          port,
          ...(globals.kubeconfig ? { kubeconfigPath: globals.kubeconfig } : {}),
          ...(options.scenario ? { scenarioPath: options.scenario } : {}),
          signal: controller.signal,
        });
        if (globals.json) {
          printJson({ url: sandbox.url, kubeconfigPath: sandbox.kubeconfigPath, contextName: sandbox.contextName });
        } else {
          process.stdout.write(`${style.green('sandbox cluster running')} at ${sandbox.url} (context ${sandbox.contextName})\n`);
          process.stdout.write(`export KUBECONFIG=${sandbox.kubeconfigPath}\n`);
          process.stdout.write(`${style.dim('try: kubectl get pods -n prod   ·   Ctrl+C stops it')}\n`);
        }
        // process.on, never once: the listeners stay until exit (see src/cli/shutdown.ts).
        await new Promise<void>((resolve) => {
          const finish = () => resolve();
          process.on('SIGINT', finish);
          process.on('SIGTERM', finish);
        });
        controller.abort();
        await sandbox.stop();
        if (!globals.json) process.stdout.write(`${style.dim('sandbox stopped')}\n`);
      }),
    );
}

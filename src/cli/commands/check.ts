/** `rk8s check`: validates the card corpus and the org policy, listing every problem. */
import type { Command } from 'commander';
import { loadCards } from '../../corpus/load-cards.js';
import { loadPolicy } from '../../validate/load-policy.js';
import { loadApprovalsPolicy } from '../../approvals/door-policy.js';
import { findExecutable } from '../../config/find-executable.js';
import { formatProblem, type LoadProblem } from '../../config/problems.js';
import { ExitCode } from '../../errors.js';
import { action, configFromOptions, printJson } from '../output.js';
import { style } from '../style.js';

/** Adds `rk8s check` to the program. */
export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description('validate the command cards and the org policy files; exit non-zero listing every problem')
    .addHelpText('after', '\nExamples:\n  rk8s check\n  rk8s check --cards ./my-cards --org ./my-org --json')
    .action(
      action(async (options, _options: unknown) => {
        const config = configFromOptions(options);
        const corpus = loadCards(config.cardsDir);
        const policy = loadPolicy(config.orgDir);
        const approvals = loadApprovalsPolicy(config.orgDir);
        const kubectl = await findExecutable(config.kubectl.path);
        const problems: LoadProblem[] = [...corpus.problems, ...policy.problems, ...approvals.problems];
        const intents = new Set(corpus.cards.map((card) => card.intent));
        const resources = new Set(corpus.cards.map((card) => card.resource));
        const summary = {
          ok: problems.length === 0,
          cardsDir: config.cardsDir,
          orgDir: config.orgDir,
          auditLog: config.audit.path,
          kubectl: kubectl ?? null,
          cards: corpus.cards.length,
          intents: intents.size,
          resources: resources.size,
          policy: policy.policy ? { version: policy.policy.version, ...policy.policy.counts } : null,
          approvals: approvals.loaded ? { version: approvals.loaded.version, file: approvals.loaded.file ?? null, never_rules: approvals.loaded.policy.never.length } : null,
          approvalsDir: config.approvals.dir,
          problems,
        };
        if (options.json) {
          printJson(summary);
        } else {
          for (const problem of problems) process.stdout.write(`${style.red('✗')} ${formatProblem(problem)}\n`);
          const counts = policy.policy?.counts;
          const policyLine = counts
            ? `policy: ${counts.tiers} tiers, ${counts.namespaces} namespaces, ${counts.grants} grants, ${counts.guardrailRules} guardrail rules`
            : 'policy: not loaded (nothing can execute until it is fixed)';
          const approvalsLine = approvals.loaded
            ? `approvals: ${approvals.loaded.file ? `${approvals.loaded.policy.never.length} never rule(s)` : 'defaults (no org/approvals.yaml)'}`
            : 'approvals: not loaded';
          const line = `${corpus.cards.length} cards (${intents.size} intents, ${resources.size} resources); ${policyLine}; ${approvalsLine}`;
          if (problems.length === 0) process.stdout.write(`${style.green('✔')} ${line}\n`);
          else process.stdout.write(`${style.red(`✗ ${problems.length} problem(s)`)}. Loaded cleanly: ${line}\n`);
          process.stdout.write(`${style.dim(`cards ${config.cardsDir} · policy ${config.orgDir} · audit log ${config.audit.path}`)}\n`);
          if (kubectl) process.stdout.write(`${style.dim(`kubectl ${kubectl}`)}\n`);
          else process.stdout.write(`${style.yellow('warning:')} kubectl not found at "${config.kubectl.path}": rk8s can plan and validate, but not run commands (install kubectl or set RK8S_KUBECTL)\n`);
        }
        return problems.length === 0 ? ExitCode.ok : ExitCode.config;
      }),
    );
}

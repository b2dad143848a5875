/** Binds the org policy and the caller's configured context to the pure validator, as the pipeline's port. */
import type { Config } from '../schemas/config.js';
import { needsOwnerLookup } from '../validate/guardrails.js';
import { parseKubectlArgs } from '../validate/kubectl-argv.js';
import type { Policy } from '../validate/policy.js';
import { validate } from '../validate/validate.js';
import type { CommandValidator } from '../contracts/core.js';

/** The CommandValidator createCore() wires: validate() under one loaded policy version. */
export function createPolicyValidator(policy: Policy, config: Config): CommandValidator {
  return {
    policyVersion: policy.version,
    validate(args, context) {
      return validate(args, {
        policy,
        cardRisk: context.cardRisk,
        configuredContext: config.kubectl.context,
        configuredCluster: config.kubectl.cluster,
        owner: context.owner,
      });
    },
    ownerLookup(args) {
      return needsOwnerLookup(args);
    },
    target(args) {
      const parsed = parseKubectlArgs(args);
      const verb = parsed.command ?? parsed.verb;
      if (!verb) return undefined;
      const first = parsed.targets[0];
      return { verb, resource: first?.resource, name: first?.name, namespace: parsed.namespace };
    },
  };
}

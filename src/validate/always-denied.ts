/**
 * The rules no policy file can relax: switching credentials or target, running code in pods, tunnels,
 * local files, Secret data, bulk or forced mutations, deleting a namespace. Each is a published way
 * an agent or a confused model escaped a "read-only" or "safe" mode.
 */
import type { ViolationCode, Violation } from '../schemas/verdict.js';
import { FORBIDDEN_FLAGS, FORBIDDEN_VERBS, TARGET_FLAGS } from './kubectl-commands.js';
import { narrowFormViolations } from './narrow-forms.js';
import { flagIsSet, flagValue, type ParsedCommand } from './parsed-command.js';

/** What the caller configured, which plans may repeat but never change. */
export interface TargetContext {
  configuredContext?: string;
  configuredCluster?: string;
}

const VERB_REASONS: ReadonlyMap<string, string> = new Map([
  ['config', 'reads or switches kubeconfig credentials and contexts'],
  ['exec', 'runs arbitrary commands inside a container'],
  ['attach', 'attaches to a running container\'s terminal'],
  ['cp', 'copies files in or out of containers'],
  ['proxy', 'opens an unauthenticated tunnel to the API server'],
  ['port-forward', 'opens a network tunnel into the cluster'],
  ['edit', 'opens an editor and writes arbitrary changes'],
  ['run', 'starts arbitrary containers'],
  ['debug', 'starts privileged debug containers'],
  ['apply', 'writes arbitrary objects (manifests are never taken from a plan)'],
  ['replace', 'writes arbitrary objects (manifests are never taken from a plan)'],
]);

const FLAG_REASONS: ReadonlyMap<string, string> = new Map([
  ['kubeconfig', 'switches credentials'], ['token', 'switches credentials'], ['server', 'switches the API server'],
  ['as', 'impersonates another user'], ['as-group', 'impersonates a group'], ['as-uid', 'impersonates a user id'],
  ['insecure-skip-tls-verify', 'disables TLS verification'], ['user', 'switches kubeconfig user (credentials)'],
  ['username', 'switches credentials'], ['password', 'switches credentials'], ['client-certificate', 'switches credentials'],
  ['client-key', 'switches credentials'], ['certificate-authority', 'switches the trusted CA'], ['tls-server-name', 'changes TLS verification'],
  ['cache-dir', 'redirects kubectl\'s cache'], ['profile', 'writes profiles to local files'], ['profile-output', 'writes to a local file'],
  ['v', 'enables verbose logging, which can print request headers and bodies'], ['vmodule', 'enables verbose logging, which can print request headers and bodies'],
  ['raw', 'sends a raw API request that bypasses resource checks'], ['filename', 'reads a local file or URL'], ['kustomize', 'reads a local directory'],
  ['recursive', 'reads local directories'], ['patch-file', 'reads a local file'],
]);

/**
 * TLS-weakening flags as a class: any flag whose name says "insecure" or "skip-tls", known to the
 * table or not, for any command (logs' --insecure-skip-tls-verify-backend included).
 */
const TLS_WEAKENING = /insecure|skip-tls/i;

const SAFE_SECRET_OUTPUTS = new Set(['wide', 'name']);
const LOCAL_FILE_OUTPUT = /^(jsonpath-file|go-template-file|custom-columns-file|templatefile)(=|$)/;
const BULK_FLAGS: ReadonlyArray<[string, string]> = [
  ['all-namespaces', '-A/--all-namespaces'],
  ['all', '--all'],
  ['selector', '-l/--selector'],
  ['field-selector', '--field-selector'],
  ['pod-selector', '--pod-selector'],
];

/** Violations of the always-denied rules; empty when none applies. */
export function alwaysDeniedViolations(parsed: ParsedCommand, target: TargetContext): Violation[] {
  const violations: Violation[] = [];
  const deny = (code: ViolationCode, message: string) => violations.push({ code, message });

  if (parsed.verb !== undefined && FORBIDDEN_VERBS.has(parsed.verb)) {
    deny('VERB_FORBIDDEN', `"kubectl ${parsed.verb}" is always denied: it ${VERB_REASONS.get(parsed.verb) ?? 'is unsafe'}`);
  }
  violations.push(...narrowFormViolations(parsed));

  const reported = new Set<string>();
  for (const flag of parsed.flags) {
    if (FORBIDDEN_FLAGS.has(flag.name) && !reported.has(flag.name)) {
      reported.add(flag.name);
      deny('FLAG_FORBIDDEN', `--${flag.name} is always denied: it ${FLAG_REASONS.get(flag.name) ?? 'is unsafe'}`);
    } else if (TLS_WEAKENING.test(flag.name) && !reported.has(flag.name)) {
      reported.add(flag.name);
      deny('FLAG_FORBIDDEN', `--${flag.name} is always denied: it weakens TLS verification`);
    }
    if (TARGET_FLAGS.has(flag.name)) {
      const configured = flag.name === 'context' ? target.configuredContext : target.configuredCluster;
      if (configured === undefined || flag.value !== configured) {
        deny('TARGET_SWITCH', `--${flag.name}=${flag.value} is denied: plans may not switch the ${flag.name}${configured === undefined ? '' : ` (configured: ${configured})`}`);
      }
    }
    if (flag.name === 'output' && LOCAL_FILE_OUTPUT.test(flag.value)) {
      deny('FLAG_FORBIDDEN', `-o ${flag.value.split('=')[0]} is always denied: it reads a local file`);
    }
  }

  if (parsed.resources.includes('secret')) {
    const output = flagValue(parsed, 'output');
    const template = flagValue(parsed, 'template');
    if ((output !== undefined && !SAFE_SECRET_OUTPUTS.has(output)) || template !== undefined) {
      deny('SECRET_DATA', 'reading Secret data (-o yaml/json/jsonpath/go-template/custom-columns) is always denied; "get secret" without -o or "describe secret" show names and sizes only');
    }
  }

  if (parsed.mutating) {
    for (const [name, label] of BULK_FLAGS) {
      if (flagIsSet(parsed, name)) deny('BULK_MUTATION', `${label} on a change is always denied: name each object explicitly`);
    }
    if (parsed.known && parsed.targets.length > 0 && parsed.targets.every((target) => target.name === undefined)) {
      deny('BULK_MUTATION', `"${parsed.commandKey}" without an object name would change every object of that type: name it, e.g. deployment/api`);
    }
  }

  if (parsed.command === 'delete' && parsed.resources.includes('namespace')) {
    deny('NAMESPACE_DELETE', 'deleting a namespace is always denied: it deletes everything in it');
  }

  if (parsed.command === 'delete' || parsed.command === 'drain') {
    if (flagIsSet(parsed, 'force')) {
      deny('FORCE_DELETE', '--force is always denied: it skips graceful termination (and with drain, deletes unmanaged pods for good)');
    }
    const gracePeriod = flagValue(parsed, 'grace-period');
    if (gracePeriod !== undefined && /^-?\d+$/.test(gracePeriod) && Number(gracePeriod) === 0) {
      deny('FORCE_DELETE', '--grace-period=0 is always denied: it kills pods without graceful termination');
    }
  }
  if (parsed.command === 'drain' && flagIsSet(parsed, 'disable-eviction')) {
    deny('FLAG_FORBIDDEN', '--disable-eviction is always denied: it bypasses PodDisruptionBudgets');
  }
  return violations;
}

/**
 * Turns a suggested argv (a guardrail's "use rollout restart instead") back into a request, read by the
 * validator's own parser, so an accepted suggestion is planned from a card and validated again like any
 * other request rather than run as a rule file wrote it.
 */
import type { K8sExecPayload } from '../schemas/request.js';
import { isIntent, normalizeResource, type Intent } from '../schemas/vocabulary.js';
import { parseKubectlArgs } from '../validate/kubectl-argv.js';

const INTENT_OF_COMMAND: ReadonlyMap<string, Intent> = new Map<string, Intent>([
  ['rollout restart', 'restart'],
  ['rollout undo', 'rollback'],
  ['rollout status', 'status'],
  ['rollout history', 'history'],
  ['top', 'top'],
]);

/** The request a suggested argv stands for: intent, resource, name and namespace from the parse; no free text. */
export function requestForCommand(args: readonly string[], base: Pick<K8sExecPayload, 'namespace'> = {}): K8sExecPayload {
  const parsed = parseKubectlArgs(args);
  const command = parsed.command;
  const intent = command === undefined ? undefined : (INTENT_OF_COMMAND.get(command) ?? (isIntent(command) ? command : undefined));
  const target = parsed.targets[0];
  const resource = target ? normalizeResource(target.resource) : undefined;
  const namespace = parsed.namespace ?? base.namespace;
  return {
    ...(intent ? { intent } : {}),
    ...(resource ? { resource } : {}),
    ...(target?.name ? { name: target.name } : {}),
    ...(namespace ? { namespace } : {}),
  };
}

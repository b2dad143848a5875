/**
 * Turns an accepted guardrail suggestion (an argv) back into a request, so it is re-planned from a
 * card and validated again like any other proposal, rather than run as typed by a rule file.
 */
import type { K8sExecPayload } from '../../src/schemas/request.js';
import { normalizeResource, type Intent } from '../../src/schemas/vocabulary.js';

const VERB_TO_INTENT: ReadonlyArray<{ verb: string[]; intent: Intent }> = [
  { verb: ['rollout', 'restart'], intent: 'restart' },
  { verb: ['rollout', 'undo'], intent: 'rollback' },
  { verb: ['rollout', 'status'], intent: 'status' },
  { verb: ['rollout', 'history'], intent: 'history' },
  { verb: ['scale'], intent: 'scale' },
  { verb: ['logs'], intent: 'logs' },
  { verb: ['describe'], intent: 'describe' },
  { verb: ['get'], intent: 'get' },
  { verb: ['top'], intent: 'top' },
  { verb: ['cordon'], intent: 'cordon' },
  { verb: ['uncordon'], intent: 'uncordon' },
  { verb: ['drain'], intent: 'drain' },
  { verb: ['delete'], intent: 'delete' },
  { verb: ['events'], intent: 'events' },
];

/**
 * The request a suggested argv stands for: intent from the verb, resource/name from `kind/name`,
 * namespace from -n. No free text: the card and these fields alone decide the new plan.
 */
export function requestFromSuggestion(args: readonly string[], previous: K8sExecPayload): K8sExecPayload {
  const request: K8sExecPayload = {};
  const match = VERB_TO_INTENT.find((entry) => entry.verb.every((word, index) => args[index] === word));
  if (match) request.intent = match.intent;
  const positionals: string[] = [];
  for (let index = match ? match.verb.length : 0; index < args.length; index++) {
    const argument = args[index]!;
    if (argument === '-n' || argument === '--namespace') {
      const value = args[index + 1];
      if (value) request.namespace = value;
      index++;
    } else if (argument.startsWith('--namespace=')) {
      request.namespace = argument.slice('--namespace='.length);
    } else if (!argument.startsWith('-')) {
      positionals.push(argument);
    }
  }
  const [first, second] = positionals;
  if (first?.includes('/')) {
    const [kind, name] = first.split('/', 2);
    const resource = kind ? normalizeResource(kind) : undefined;
    if (resource) request.resource = resource;
    if (name) request.name = name;
  } else if (first) {
    const resource = normalizeResource(first);
    if (resource) request.resource = resource;
    if (second) request.name = second;
  }
  if (!request.namespace && previous.namespace) request.namespace = previous.namespace;
  return request;
}

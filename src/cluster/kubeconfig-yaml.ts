/**
 * The kubeconfig's YAML, parsed once per text: pinning the context (current-context.ts) and the API
 * reads (api-connection.ts) both read the same file at the start of a command, and a real kubeconfig
 * (many clusters, certificates inline) is the largest YAML rk8s parses then. The last text and its
 * document are kept; callers only read the document, never change it.
 */
import yaml from 'js-yaml';

let last: { text: string; document: unknown } | undefined;

/** yaml.load(text), from the last call's answer when the text is the same. Throws what yaml.load throws. */
export function loadKubeconfigYaml(text: string): unknown {
  if (last !== undefined && last.text === text) return last.document;
  const document = yaml.load(text);
  last = { text, document };
  return document;
}

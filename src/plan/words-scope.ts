/**
 * Where a request typed as words alone applies, before it is planned: the namespace the words name,
 * or the cluster-scoped resource they are about ("drain node-1"). A front-end with only a typed line
 * (the TUI's request line) needs this to build a valid request; it asks the reader, never parses itself.
 */
import type { Card } from '../schemas/card.js';
import { CLUSTER_SCOPED_RESOURCES, type Resource } from '../schemas/vocabulary.js';
import { namespaceInWords, readRequest } from './read-request.js';
import { normalizeRequestText } from './request-words.js';

/** The scope the words give a request. */
export interface WordsScope {
  /** The namespace the words name ("in prod", "-n staging"), when they name one. */
  namespace?: string;
  /** Set when the words are about a cluster-scoped resource (node, namespace): no namespace is needed. */
  clusterResource?: Resource;
}

/** Reads the scope of a typed request against the cards and the namespaces known to exist. Pure. */
export function wordsScope(query: string, catalog: readonly Card[], knownNamespaces: Iterable<string> = []): WordsScope {
  const text = normalizeRequestText(query);
  const namespace = namespaceInWords(text, new Set(knownNamespaces), undefined);
  // The reader without an inventory: the intent and the kind, from the words alone.
  const reading = readRequest({ query }, { catalog });
  const clusterResource = reading.resource !== undefined && CLUSTER_SCOPED_RESOURCES.has(reading.resource) ? reading.resource : undefined;
  return { ...(namespace !== undefined ? { namespace } : {}), ...(clusterResource ? { clusterResource } : {}) };
}

import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { cloneJson, isJsonObject, type JsonValue } from '../types.js';
import { ownValue } from '../../own-property.js';

const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isJsonObject(value)) {
    return `{${Object.keys(value).filter((key) => ownValue(value, key) !== undefined).sort().map((key) => `${JSON.stringify(key)}:${canonical(ownValue(value, key))}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * A pod template with the parts that must not affect identity removed: the pod-template-hash and
 * controller-revision-hash labels, a null creationTimestamp (what `rollout undo` sends) and empty maps.
 * Without this, undo would create a new ReplicaSet instead of reusing the old one.
 */
export function normalizeTemplate(template: PodTemplateSpec | undefined): JsonValue {
  const copy = cloneJson((template ?? {}) as unknown as Record<string, JsonValue>);
  const metadata = isJsonObject(copy['metadata']) ? copy['metadata'] : {};
  delete metadata['creationTimestamp'];
  if (isJsonObject(metadata['labels'])) {
    delete metadata['labels']['pod-template-hash'];
    delete metadata['labels']['controller-revision-hash'];
    if (Object.keys(metadata['labels']).length === 0) delete metadata['labels'];
  }
  if (isJsonObject(metadata['annotations']) && Object.keys(metadata['annotations']).length === 0) delete metadata['annotations'];
  if (Object.keys(metadata).length === 0) delete copy['metadata'];
  else copy['metadata'] = metadata;
  return copy;
}

/** Canonical forms by template object: stored objects never change, so the form is computed once. */
const canonicalForms = new WeakMap<object, string>();

function canonicalTemplate(template: PodTemplateSpec | undefined): string {
  if (!template) return canonical(normalizeTemplate(template));
  let form = canonicalForms.get(template);
  if (form === undefined) {
    form = canonical(normalizeTemplate(template));
    canonicalForms.set(template, form);
  }
  return form;
}

/** True when two pod templates are the same apart from hash labels. */
export function templatesEqual(left: PodTemplateSpec | undefined, right: PodTemplateSpec | undefined): boolean {
  return left === right || canonicalTemplate(left) === canonicalTemplate(right);
}

/** The pod-template-hash of a template: FNV-1a 32 of its canonical form, safe-encoded like Kubernetes. */
export function templateHash(template: PodTemplateSpec | undefined): string {
  const text = canonical(normalizeTemplate(template));
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return [...String(hash)].map((digit) => safeAlphabet[digit.charCodeAt(0) % safeAlphabet.length]).join('');
}

import { randomUUID } from 'node:crypto';
import { alreadyExists, ApiError, conflict, notFound } from './api-error.js';
import type { ResourceType } from './resources.js';
import { fieldsMatch, labelsMatch, type Requirement } from './selectors.js';
import { cloneJson, jsonEqual, type KubeObject } from './types.js';

/** The kind of a watch event, as the API server names them. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change recorded in the store's history (what watches replay). */
export interface StoreEvent {
  resourceVersion: number;
  type: WatchEventType;
  resource: string;
  object: KubeObject;
}

/** Filters of a list or watch. */
export interface ListOptions {
  namespace?: string | undefined;
  labelSelector?: Requirement[] | undefined;
  fieldSelector?: Requirement[] | undefined;
}

/** Options of one write. */
export interface WriteOptions {
  dryRun?: boolean;
}

/** Kinds whose spec changes bump metadata.generation (workloads and policy objects). */
const generationGroups = new Set(['apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io']);

/** Storage key of a resource type: `apps/deployments`, `/pods`. */
export function resourceKey(type: Pick<ResourceType, 'group' | 'plural'>): string {
  return `${type.group}/${type.plural}`;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function matches(object: KubeObject, options: ListOptions): boolean {
  if (options.namespace && object.metadata.namespace !== options.namespace) return false;
  if (options.labelSelector && !labelsMatch(options.labelSelector, object.metadata.labels)) return false;
  if (options.fieldSelector && !fieldsMatch(options.fieldSelector, object)) return false;
  return true;
}

/**
 * In-memory object storage with one global resourceVersion and a bounded change history,
 * which is what list-then-watch and the 410 Expired answer need.
 */
export class ObjectStore {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  private revision = 1;
  private readonly historyLimit: number;
  private readonly now: () => Date;

  constructor(options: { historyLimit?: number; now?: () => Date } = {}) {
    this.historyLimit = options.historyLimit ?? 20_000;
    this.now = options.now ?? (() => new Date());
  }

  /** The current global resourceVersion. */
  get resourceVersion(): number {
    return this.revision;
  }

  /** The oldest resourceVersion a watch can still start from without a 410. */
  get oldestWatchableVersion(): number {
    const first = this.history[0];
    return first ? first.resourceVersion - 1 : this.revision;
  }

  private bucket(resource: string): Map<string, KubeObject> {
    let bucket = this.objects.get(resource);
    if (!bucket) {
      bucket = new Map();
      this.objects.set(resource, bucket);
    }
    return bucket;
  }

  /** A copy of one object, or undefined. */
  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const object = this.bucket(resourceKey(type)).get(objectKey(type.namespaced ? namespace : undefined, name));
    return object ? cloneJson(object) : undefined;
  }

  /** A copy of one object, or a NotFound ApiError. */
  mustGet(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const object = this.get(type, namespace, name);
    if (!object) throw notFound(type.plural, type.group, name);
    return object;
  }

  /** Copies of the objects that match, sorted by namespace then name like the API server. */
  list(type: ResourceType, options: ListOptions = {}): KubeObject[] {
    const result: KubeObject[] = [];
    for (const [key, object] of [...this.bucket(resourceKey(type)).entries()].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))) {
      void key;
      if (matches(object, options)) result.push(cloneJson(object));
    }
    return result;
  }

  /**
   * The stored objects themselves, without copying: for controllers that only read. Callers must
   * not mutate them (clone first, as `deletePodGracefully` does).
   */
  peek(type: ResourceType, options: ListOptions = {}): readonly KubeObject[] {
    const result: KubeObject[] = [];
    for (const object of this.bucket(resourceKey(type)).values()) if (matches(object, options)) result.push(object);
    return result;
  }

  /** Backdates an object's creationTimestamp in place (scenario loading only; no watch event). */
  backdate(type: ResourceType, namespace: string | undefined, name: string, timestamp: string): void {
    const object = this.bucket(resourceKey(type)).get(objectKey(type.namespaced ? namespace : undefined, name));
    if (object) object.metadata.creationTimestamp = timestamp;
  }

  /** Stores a new object: uid, resourceVersion, creationTimestamp, generation. */
  create(type: ResourceType, input: KubeObject, options: WriteOptions = {}): KubeObject {
    const bucket = this.bucket(resourceKey(type));
    const object = cloneJson(input);
    const namespace = type.namespaced ? object.metadata.namespace : undefined;
    if (!type.namespaced) delete object.metadata.namespace;
    const key = objectKey(namespace, object.metadata.name);
    if (bucket.has(key)) throw alreadyExists(type.plural, type.group, object.metadata.name);
    object.metadata.uid ??= randomUUID();
    object.metadata.creationTimestamp ??= this.now().toISOString().replace(/\.\d+Z$/, 'Z');
    if (generationGroups.has(type.group) || type.kind === 'Namespace') object.metadata.generation ??= 1;
    if (type.kind === 'Namespace') delete object.metadata.generation;
    delete object.metadata.resourceVersion;
    if (options.dryRun) {
      object.metadata.resourceVersion = String(this.revision);
      return object;
    }
    this.revision += 1;
    object.metadata.resourceVersion = String(this.revision);
    bucket.set(key, object);
    this.record('ADDED', resourceKey(type), object);
    return cloneJson(object);
  }

  /**
   * Replaces an object. A stale metadata.resourceVersion gives a 409 Conflict; an update that
   * changes nothing keeps the resourceVersion and sends no watch event, which keeps controllers quiet.
   */
  update(type: ResourceType, input: KubeObject, options: WriteOptions & { checkVersion?: boolean } = {}): KubeObject {
    const bucket = this.bucket(resourceKey(type));
    const namespace = type.namespaced ? input.metadata.namespace : undefined;
    const key = objectKey(namespace, input.metadata.name);
    const current = bucket.get(key);
    if (!current) throw notFound(type.plural, type.group, input.metadata.name);
    if (options.checkVersion && input.metadata.resourceVersion && input.metadata.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(type.plural, type.group, input.metadata.name);
    }
    const object = cloneJson(input);
    object.metadata.uid = current.metadata.uid;
    object.metadata.creationTimestamp = current.metadata.creationTimestamp;
    if (!type.namespaced) delete object.metadata.namespace;
    else object.metadata.namespace = current.metadata.namespace;
    object.metadata.resourceVersion = current.metadata.resourceVersion;
    if (current.metadata.generation !== undefined) {
      object.metadata.generation = current.metadata.generation;
      if (!jsonEqual(object['spec'], current['spec'])) object.metadata.generation = current.metadata.generation + 1;
    }
    if (jsonEqual(object, current)) return cloneJson(current);
    if (options.dryRun) return object;
    this.revision += 1;
    object.metadata.resourceVersion = String(this.revision);
    bucket.set(key, object);
    this.record('MODIFIED', resourceKey(type), object);
    return cloneJson(object);
  }

  /** Removes an object for good and records a DELETED event. */
  remove(type: ResourceType, namespace: string | undefined, name: string, options: WriteOptions = {}): KubeObject {
    const bucket = this.bucket(resourceKey(type));
    const key = objectKey(type.namespaced ? namespace : undefined, name);
    const current = bucket.get(key);
    if (!current) throw notFound(type.plural, type.group, name);
    if (options.dryRun) return cloneJson(current);
    bucket.delete(key);
    this.revision += 1;
    const deleted = cloneJson(current);
    deleted.metadata.resourceVersion = String(this.revision);
    this.record('DELETED', resourceKey(type), deleted);
    return cloneJson(deleted);
  }

  private record(type: WatchEventType, resource: string, object: KubeObject): void {
    const event: StoreEvent = { resourceVersion: this.revision, type, resource, object: cloneJson(object) };
    this.history.push(event);
    if (this.history.length > this.historyLimit) this.history.splice(0, this.history.length - this.historyLimit);
    for (const listener of [...this.listeners]) listener(event);
  }

  /**
   * Events after `sinceVersion` for one resource, then live events through `listener`.
   * Throws a 410 Expired ApiError when the history no longer reaches back that far.
   */
  watch(type: ResourceType, sinceVersion: number, options: ListOptions, listener: (event: StoreEvent) => void): () => void {
    const resource = resourceKey(type);
    if (sinceVersion < this.oldestWatchableVersion) {
      throw new ApiError(410, 'Expired', `too old resource version: ${sinceVersion} (${this.oldestWatchableVersion + 1})`);
    }
    for (const event of this.history) {
      if (event.resourceVersion > sinceVersion && event.resource === resource && matches(event.object, options)) listener(event);
    }
    const live = (event: StoreEvent) => {
      if (event.resource === resource && matches(event.object, options)) listener(event);
    };
    this.listeners.add(live);
    return () => this.listeners.delete(live);
  }

  /** Subscribes to every change (controllers use this to schedule reconciliation). */
  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

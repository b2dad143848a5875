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

/** One page of a list (the API server's `limit` and `continue`). */
export interface ListPage {
  items: readonly KubeObject[];
  /** The key to continue after, when more items remain. */
  continueAfter?: string;
  remainingItemCount?: number;
}

/** Options of one write. */
export interface WriteOptions {
  dryRun?: boolean;
  /**
   * create(): the caller hands the object over and never touches it again; it is stored as is and
   * returned as stored (read-only). Saves two copies on the controllers' and loader's hot paths.
   */
  owned?: boolean;
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
  /** Sorted keys of each bucket, rebuilt lazily after an add or remove (updates keep the order). */
  private readonly sortedKeys = new Map<string, string[]>();
  /** uid -> the stored object, for owner lookups and garbage collection. */
  private readonly byUid = new Map<string, KubeObject>();
  private history: StoreEvent[] = [];
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

  /** One stored object without copying (read-only callers), or undefined. */
  peekOne(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.bucket(resourceKey(type)).get(objectKey(type.namespaced ? namespace : undefined, name));
  }

  /** A copy of one object, or a NotFound ApiError. */
  mustGet(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const object = this.get(type, namespace, name);
    if (!object) throw notFound(type.plural, type.group, name);
    return object;
  }

  private keysOf(resource: string): string[] {
    let keys = this.sortedKeys.get(resource);
    if (!keys) {
      keys = [...this.bucket(resource).keys()].sort((left, right) => (left < right ? -1 : left > right ? 1 : 0));
      this.sortedKeys.set(resource, keys);
    }
    return keys;
  }

  /** Copies of the objects that match, sorted by namespace then name like the API server. */
  list(type: ResourceType, options: ListOptions = {}): KubeObject[] {
    return this.peekSorted(type, options).map((object) => cloneJson(object));
  }

  /**
   * The stored objects that match, sorted like the API server, without copying (read-only
   * callers: API answers serialize them directly).
   */
  peekSorted(type: ResourceType, options: ListOptions = {}): KubeObject[] {
    return this.page(type, options, {}).items as KubeObject[];
  }

  /**
   * One page of matching objects in API order, starting after `continueAfter` (a storage key), at
   * most `limit` of them. The continuation is by key, so a page reflects the store as it is now.
   */
  page(type: ResourceType, options: ListOptions, paging: { limit?: number; continueAfter?: string }): ListPage {
    const resource = resourceKey(type);
    const bucket = this.bucket(resource);
    const keys = this.keysOf(resource);
    let start = 0;
    if (paging.continueAfter !== undefined) {
      let low = 0;
      let high = keys.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if ((keys[middle] ?? '') <= paging.continueAfter) low = middle + 1;
        else high = middle;
      }
      start = low;
    } else if (options.namespace) {
      // Keys are "<namespace>/<name>": jump to the namespace's first key.
      const prefix = `${options.namespace}/`;
      let low = 0;
      let high = keys.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if ((keys[middle] ?? '') < prefix) low = middle + 1;
        else high = middle;
      }
      start = low;
    }
    const limit = paging.limit && paging.limit > 0 ? paging.limit : Number.POSITIVE_INFINITY;
    const items: KubeObject[] = [];
    let index = start;
    let lastKey: string | undefined;
    for (; index < keys.length; index += 1) {
      const key = keys[index] ?? '';
      if (options.namespace && !key.startsWith(`${options.namespace}/`)) break;
      const object = bucket.get(key);
      if (!object || !matches(object, options)) continue;
      if (items.length >= limit) break;
      items.push(object);
      lastKey = key;
    }
    if (index >= keys.length || (options.namespace && !(keys[index] ?? '').startsWith(`${options.namespace}/`))) return { items };
    let remaining = 0;
    for (let rest = index; rest < keys.length; rest += 1) {
      const key = keys[rest] ?? '';
      if (options.namespace && !key.startsWith(`${options.namespace}/`)) break;
      const object = bucket.get(key);
      if (object && matches(object, options)) remaining += 1;
    }
    if (remaining === 0 || lastKey === undefined) return { items };
    return { items, continueAfter: lastKey, remainingItemCount: remaining };
  }

  /** The stored object with this uid (read-only), of any type. */
  peekUid(uid: string | undefined): KubeObject | undefined {
    return uid ? this.byUid.get(uid) : undefined;
  }

  /** How many objects of a type are stored. */
  count(type: ResourceType): number {
    return this.bucket(resourceKey(type)).size;
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

  /**
   * Forgets the change history (scenario loading only): nobody watched the load, and a watch
   * can start from the current resourceVersion without replaying thousands of setup writes.
   */
  compactHistory(): void {
    this.history = [];
  }

  /** Stores a new object: uid, resourceVersion, creationTimestamp, generation. */
  create(type: ResourceType, input: KubeObject, options: WriteOptions = {}): KubeObject {
    const bucket = this.bucket(resourceKey(type));
    const object = options.owned && !options.dryRun ? input : cloneJson(input);
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
    this.sortedKeys.delete(resourceKey(type));
    if (object.metadata.uid) this.byUid.set(object.metadata.uid, object);
    this.record('ADDED', resourceKey(type), object);
    return options.owned ? object : cloneJson(object);
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
    if (object.metadata.uid) this.byUid.set(object.metadata.uid, object);
    this.record('MODIFIED', resourceKey(type), object);
    return cloneJson(object);
  }

  /**
   * Replaces an object with one the caller built and will not touch again (no copy in, none out):
   * the controllers' hot path. Same rules as update() otherwise, without the version check.
   */
  replace(type: ResourceType, object: KubeObject): void {
    const bucket = this.bucket(resourceKey(type));
    const namespace = type.namespaced ? object.metadata.namespace : undefined;
    const key = objectKey(namespace, object.metadata.name);
    const current = bucket.get(key);
    if (!current) throw notFound(type.plural, type.group, object.metadata.name);
    object.metadata = { ...object.metadata, uid: current.metadata.uid, creationTimestamp: current.metadata.creationTimestamp, resourceVersion: current.metadata.resourceVersion };
    if (!type.namespaced) delete object.metadata.namespace;
    if (current.metadata.generation !== undefined) {
      object.metadata.generation = jsonEqual(object['spec'], current['spec']) ? current.metadata.generation : current.metadata.generation + 1;
    }
    if (jsonEqual(object, current)) return;
    this.revision += 1;
    object.metadata.resourceVersion = String(this.revision);
    bucket.set(key, object);
    if (object.metadata.uid) this.byUid.set(object.metadata.uid, object);
    this.record('MODIFIED', resourceKey(type), object);
  }

  /** Removes an object for good and records a DELETED event. */
  remove(type: ResourceType, namespace: string | undefined, name: string, options: WriteOptions = {}): KubeObject {
    const bucket = this.bucket(resourceKey(type));
    const key = objectKey(type.namespaced ? namespace : undefined, name);
    const current = bucket.get(key);
    if (!current) throw notFound(type.plural, type.group, name);
    if (options.dryRun) return cloneJson(current);
    bucket.delete(key);
    this.sortedKeys.delete(resourceKey(type));
    if (current.metadata.uid) this.byUid.delete(current.metadata.uid);
    this.revision += 1;
    const deleted = cloneJson(current);
    deleted.metadata.resourceVersion = String(this.revision);
    this.record('DELETED', resourceKey(type), deleted);
    return cloneJson(deleted);
  }

  /**
   * Stored objects are never mutated after they are stored (writes replace them), so the history
   * shares them instead of copying; trimming is amortized (down to the limit once 25% over it).
   */
  private record(type: WatchEventType, resource: string, object: KubeObject): void {
    const event: StoreEvent = { resourceVersion: this.revision, type, resource, object };
    this.history.push(event);
    if (this.history.length > this.historyLimit * 1.25) this.history = this.history.slice(this.history.length - this.historyLimit);
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
    let low = 0;
    let high = this.history.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.history[middle]?.resourceVersion ?? 0) <= sinceVersion) low = middle + 1;
      else high = middle;
    }
    for (let index = low; index < this.history.length; index += 1) {
      const event = this.history[index];
      if (event && event.resource === resource && matches(event.object, options)) listener(event);
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

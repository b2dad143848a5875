/**
 * An object's undo-relevant state: the read that fetches it (one validated `kubectl get -o json`), the
 * fields taken from the answer, and the comparison that tells whether it changed since rk8s set it.
 */
import type { ObjectState } from '../schemas/audit.js';
import type { StateField } from './undoable-changes.js';

/** The object a change targets, from its parsed argv. */
export interface ObjectRef {
  resource: string;
  /** null: cluster-scoped (nodes). */
  namespace: string | null;
  name: string;
}

/** "deployment/api in prod", "node/node-3": how messages name the object. */
export function describeObject(object: ObjectRef): string {
  return `${object.resource}/${object.name}${object.namespace ? ` in ${object.namespace}` : ''}`;
}

/** The read-only argv that fetches the object (validated by the cluster reader before it runs). */
export function readArgs(object: ObjectRef): string[] {
  return ['get', `${object.resource}/${object.name}`, ...(object.namespace ? ['-n', object.namespace] : []), '-o', 'json'];
}

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

const record = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
const field = (value: unknown, key: string): unknown => {
  const object = record(value);
  return object && Object.hasOwn(object, key) ? object[key] : undefined;
};

/**
 * The requested fields of a Kubernetes object (as `kubectl get -o json` prints it). A field the object
 * does not have takes its API default (replicas 1, paused and unschedulable false); a revision that is
 * missing or not a number makes the state unusable (undefined), because undo could not check it.
 */
export function stateOf(object: unknown, fields: readonly StateField[]): ObjectState | undefined {
  if (record(object) === undefined) return undefined;
  const spec = field(object, 'spec');
  const state: ObjectState = {};
  for (const name of fields) {
    switch (name) {
      case 'replicas': {
        const replicas = field(spec, 'replicas') ?? 1;
        if (typeof replicas !== 'number' || !Number.isSafeInteger(replicas) || replicas < 0) return undefined;
        state.replicas = replicas;
        break;
      }
      case 'revision': {
        const text = field(field(field(object, 'metadata'), 'annotations'), REVISION_ANNOTATION);
        if (typeof text !== 'string' || !/^[1-9]\d{0,8}$/.test(text)) return undefined;
        state.revision = Number(text);
        break;
      }
      case 'images': {
        const containers = field(field(field(spec, 'template'), 'spec'), 'containers');
        state.images = Array.isArray(containers) ? containers.map((container) => field(container, 'image')).filter((image): image is string => typeof image === 'string') : [];
        break;
      }
      case 'unschedulable':
        state.unschedulable = field(spec, 'unschedulable') === true;
        break;
      case 'paused':
        state.paused = field(spec, 'paused') === true;
        break;
    }
  }
  return state;
}

const SPEC_PATHS: Readonly<Record<keyof ObjectState, string>> = {
  replicas: 'spec.replicas',
  revision: 'revision',
  images: 'images',
  unschedulable: 'spec.unschedulable',
  paused: 'spec.paused',
};

/**
 * How the live object differs from what rk8s set, one phrase per field ("spec.replicas is 7, rk8s set
 * 5"); empty when every field rk8s set still has that value. Only the fields in `set` are compared.
 */
export function stateDifferences(set: ObjectState, current: ObjectState): string[] {
  const differences: string[] = [];
  for (const key of Object.keys(SPEC_PATHS) as Array<keyof ObjectState>) {
    const expected = set[key];
    if (expected === undefined) continue;
    const actual = current[key];
    if (JSON.stringify(actual) === JSON.stringify(expected)) continue;
    const label = SPEC_PATHS[key];
    differences.push(`${label} is ${actual === undefined ? 'unknown' : JSON.stringify(actual)}, rk8s set ${JSON.stringify(expected)}`);
  }
  return differences;
}

/**
 * Property test: whatever shape the objects of a real cluster take (fields missing, null, empty lists,
 * unexpected strings), analysis never throws, every finding matches the document schema, every
 * remediation is a request for a known intent and resource, and causes only point at findings that
 * exist. The objects start from the composite snapshot and are damaged at random.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/diagnose/analyze.js';
import { FindingSchema } from '../../../src/diagnose/finding.js';
import type { Snapshot } from '../../../src/diagnose/snapshot-types.js';
import { composite } from './composite-snapshot.js';

const SEED = Number(process.env.RK8S_PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31));

const LISTS = ['pods', 'deployments', 'replicaSets', 'statefulSets', 'daemonSets', 'jobs', 'cronJobs', 'services', 'endpointSlices', 'ingresses', 'persistentVolumeClaims', 'horizontalPodAutoscalers', 'podDisruptionBudgets', 'controllerRevisions', 'events', 'nodes', 'storageClasses', 'ingressClasses'] as const;

/** Every path to a value inside an object (bounded depth), so a damage can target any field. */
function paths(value: unknown, prefix: Array<string | number> = [], depth = 0, out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (depth > 7 || value === null || typeof value !== 'object') return out;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key];
    out.push(path);
    paths(child, path, depth + 1, out);
  }
  return out;
}

/** Damages a real API server can produce: a field absent, null, or an empty value of its own type. */
type Damage = 'delete' | 'null' | 'empty';

function emptyLike(value: unknown): unknown {
  if (Array.isArray(value)) return [];
  if (typeof value === 'string') return '';
  if (typeof value === 'number') return 0;
  if (typeof value === 'boolean') return false;
  return value === null ? null : {};
}

function damage(snapshot: Snapshot, list: (typeof LISTS)[number], item: number, pathIndex: number, kind: Damage): void {
  const objects = snapshot[list] as unknown[] | undefined;
  if (!objects || objects.length === 0) return;
  const target = objects[item % objects.length];
  const all = paths(target);
  if (all.length === 0) return;
  const path = all[pathIndex % all.length]!;
  let parent = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    // The API never sends null items in a list: an item is there or not.
    parent.splice(Number(last), 1);
    return;
  }
  if (kind === 'delete') delete parent[last];
  else if (kind === 'null') parent[last] = null;
  else parent[last] = emptyLike(parent[last]);
}

describe(`analysis over damaged objects (seed ${SEED}; rerun with RK8S_PROPERTY_SEED=${SEED})`, () => {
  it('never throws and always answers schema-valid findings with consistent causes', () => {
    const damages = fc.array(
      fc.record({
        list: fc.constantFrom(...LISTS),
        item: fc.nat(40),
        path: fc.nat(500),
        kind: fc.constantFrom<Damage>('delete', 'null', 'empty'),
      }),
      { minLength: 1, maxLength: 12 },
    );
    fc.assert(
      fc.property(damages, (list) => {
        const snapshot = composite();
        for (const entry of list) damage(snapshot, entry.list, entry.item, entry.path, entry.kind);
        const findings = analyze(snapshot);
        const ids = new Set(findings.map((finding) => finding.id));
        expect(ids.size).toBe(findings.length);
        for (const finding of findings) {
          expect(FindingSchema.safeParse(finding).success, JSON.stringify(finding).slice(0, 400)).toBe(true);
          if (finding.causedBy) expect(ids.has(finding.causedBy)).toBe(true);
        }
      }),
      { seed: SEED, numRuns: Number(process.env.RK8S_PROPERTY_RUNS ?? 300) },
    );
  });
});

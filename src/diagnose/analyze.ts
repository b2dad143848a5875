/**
 * Analysis: every analyzer over one snapshot, then correlation (symptoms folded, causes linked,
 * roots first), then, for an object investigation, only what concerns that object. Pure and
 * synchronous: the same snapshot always gives the same findings.
 */
import { ANALYZERS } from './analyzers/index.js';
import type { Analyzer } from './analyzer.js';
import { correlate } from './correlate.js';
import type { Finding, ObjectRef } from './finding.js';
import { SnapshotIndex } from './snapshot-index.js';
import type { Snapshot } from './snapshot-types.js';
import { filterForTarget } from './target.js';

/** Options of analyze(). */
export interface AnalyzeOptions {
  /** Report only findings about this object and what it owns or depends on. */
  target?: ObjectRef;
  /** Sees each analyzer as it runs (progress for the event stream). */
  onAnalyzer?: (analyzer: Analyzer, findings: number) => void;
  /** Replaces the analyzer list (tests). */
  analyzers?: readonly Analyzer[];
}

/** Findings for a snapshot, ranked. */
export function analyze(snapshot: Snapshot, options: AnalyzeOptions = {}): Finding[] {
  const index = new SnapshotIndex(snapshot);
  return analyzeIndex(index, options);
}

/** Findings for an already-built index, ranked. */
export function analyzeIndex(index: SnapshotIndex, options: AnalyzeOptions = {}): Finding[] {
  const raw: Finding[] = [];
  for (const analyzer of options.analyzers ?? ANALYZERS) {
    const found = analyzer.analyze(index);
    options.onAnalyzer?.(analyzer, found.length);
    raw.push(...found);
  }
  const ranked = correlate(index, raw);
  return options.target ? filterForTarget(index, ranked, options.target) : ranked;
}

/** The analyzer contract: a pure function of the snapshot (through its index) to findings. No I/O, no clock. */
import type { Finding } from './finding.js';
import type { SnapshotIndex } from './snapshot-index.js';

/** One analyzer. */
export interface Analyzer {
  /** The check's name in progress events ("pods", "services"...). */
  name: string;
  /** The kinds it looks at, for `checked.kinds`. */
  kinds: readonly string[];
  analyze(index: SnapshotIndex): Finding[];
}

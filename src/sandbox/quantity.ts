import { ownValue } from '../own-property.js';

const binarySuffixes: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50 };
const decimalSuffixes: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };

/** Parses a Kubernetes quantity ("500m", "2", "256Mi", "1.5Gi") into a plain number (cores, bytes). */
export function parseQuantity(value: string | number | undefined): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const match = /^([+-]?\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(value.trim());
  if (!match) return 0;
  const number = Number(match[1]);
  const suffix = match[2] ?? '';
  return number * (ownValue(binarySuffixes, suffix) ?? ownValue(decimalSuffixes, suffix) ?? 1);
}

/** Formats CPU cores as kubectl top does: millicores ("250m"). */
export function formatMillicores(cores: number): string {
  return `${Math.max(0, Math.round(cores * 1000))}m`;
}

/** Formats bytes as metrics-server does: kibibytes ("123456Ki"). */
export function formatKibibytes(bytes: number): string {
  return `${Math.max(0, Math.round(bytes / 1024))}Ki`;
}

/** How a quantity is written: cores/bytes with binary suffixes, decimal suffixes, or a plain count. */
export type QuantityFormat = 'binary' | 'decimal' | 'count';

/** The format of a quantity as written ("256Mi" binary, "500M" or "250m" decimal). */
export function quantityFormat(value: string | number | undefined): QuantityFormat {
  return typeof value === 'string' && /[KMGTP]i$/.test(value.trim()) ? 'binary' : 'decimal';
}

/**
 * A canonical Kubernetes quantity string: "2", "1500m", "768Mi", "1536Mi", "3Gi", "500M". Binary
 * amounts take the largest suffix that keeps them whole; fractions of a unit become milli-units.
 */
export function formatQuantity(value: number, format: QuantityFormat = 'decimal'): string {
  if (format === 'count') return String(Math.round(value));
  if (format === 'binary') {
    const bytes = Math.round(value);
    for (const [suffix, size] of [['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) {
      if (bytes !== 0 && bytes % size === 0) return `${bytes / size}${suffix}`;
    }
    return String(bytes);
  }
  if (Number.isInteger(value)) {
    for (const [suffix, size] of [['P', 1e15], ['T', 1e12], ['G', 1e9], ['M', 1e6], ['k', 1e3]] as const) {
      if (value !== 0 && value % size === 0 && value >= size) return `${value / size}${suffix}`;
    }
    return String(value);
  }
  const milli = Math.round(value * 1000);
  if (milli % 1000 === 0) return String(milli / 1000);
  return `${milli}m`;
}

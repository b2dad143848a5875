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

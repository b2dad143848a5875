/** Kubernetes resource quantities ("250m", "1.5", "512Mi", "2G") as numbers, for comparing requests, limits and usage. */
import { ownValue } from '../own-property.js';

const BINARY: Readonly<Record<string, number>> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Readonly<Record<string, number>> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/** The value of a quantity in base units (cores, bytes), or undefined when it is not one. */
export function parseQuantity(value: string | number | null | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = QUANTITY.exec(value.trim());
  if (!match) return undefined;
  const number = Number(match[1]);
  if (match[2]) return number * 10 ** Number(match[2].slice(1));
  const suffix = match[3] ?? '';
  return number * (ownValue(BINARY, suffix) ?? ownValue(DECIMAL, suffix) ?? 1);
}

/** CPU in millicores ("250m" -> 250, "2" -> 2000). */
export function parseMillicores(value: string | number | null | undefined): number | undefined {
  const cores = parseQuantity(value);
  return cores === undefined ? undefined : Math.round(cores * 1000);
}

/** Bytes as kubectl would write them: 512Mi, 1.5Gi, 900Ki. */
export function formatBytes(bytes: number): string {
  const units: Array<[string, number]> = [['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]];
  for (const [unit, size] of units) {
    if (bytes >= size) {
      const value = bytes / size;
      return `${Number.isInteger(value) ? value : value.toFixed(value >= 10 ? 0 : 1)}${unit}`;
    }
  }
  return `${Math.round(bytes)}`;
}

/** Millicores as kubectl would write them: 250m, 2, 1.5. */
export function formatMillicores(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : millicores >= 1000 ? String(Number((millicores / 1000).toFixed(2))) : `${millicores}m`;
}

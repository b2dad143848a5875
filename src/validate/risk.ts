/**
 * Risk computed from the parsed command alone: a verb table, then the few flag values that change it
 * (scale to zero). This is a floor: a card or guardrail may raise it, nothing the planner writes lowers it.
 */
import { RISK_LEVELS, maxRisk, type RiskLevel } from '../schemas/vocabulary.js';
import { flagValue, type ParsedCommand } from './parsed-command.js';

/** The risk of each known command before flags are considered (a Map: an unknown word finds nothing). */
export const COMMAND_RISK: ReadonlyMap<string, RiskLevel> = new Map<string, RiskLevel>([
  ['get', 'none'],
  ['describe', 'none'],
  ['logs', 'none'],
  ['top', 'none'],
  ['events', 'none'],
  ['rollout status', 'none'],
  ['rollout history', 'none'],
  ['auth can-i', 'none'],
  ['auth whoami', 'none'],
  ['version', 'none'],
  ['api-resources', 'none'],
  ['api-versions', 'none'],
  ['rollout restart', 'medium'],
  ['rollout undo', 'medium'],
  ['rollout pause', 'medium'],
  ['rollout resume', 'medium'],
  ['scale', 'medium'],
  ['cordon', 'medium'],
  ['uncordon', 'medium'],
  ['create job', 'medium'],
  ['patch', 'medium'],
  ['drain', 'high'],
  ['delete', 'high'],
]);

/** The risk the parsed command carries by itself; unknown commands are high. */
export function commandRisk(parsed: ParsedCommand): RiskLevel {
  const base = (parsed.command !== undefined ? COMMAND_RISK.get(parsed.command) : undefined) ?? 'high';
  if (parsed.command === 'scale') {
    const replicas = flagValue(parsed, 'replicas');
    // Scaling to zero is an outage for that workload.
    if (replicas !== undefined && /^-?\d+$/.test(replicas) && Number(replicas) === 0) return 'high';
  }
  return base;
}

/** True for a valid risk level. */
export function isRiskLevel(value: unknown): value is RiskLevel {
  return typeof value === 'string' && (RISK_LEVELS as readonly string[]).includes(value);
}

/**
 * Combines the computed risk with a card's declared risk: the higher wins. A value that is not a
 * risk level is treated as high, because a garbled risk must not pass as harmless.
 */
export function combineRisk(computed: RiskLevel, declared: unknown): RiskLevel {
  if (declared === undefined) return computed;
  return maxRisk(computed, isRiskLevel(declared) ? declared : 'high');
}

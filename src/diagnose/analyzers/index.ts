/** Every analyzer, in the order their checks are reported. */
import type { Analyzer } from '../analyzer.js';
import { autoscalerAnalyzer } from './autoscalers.js';
import { claimAnalyzer } from './claims.js';
import { disruptionBudgetAnalyzer } from './disruption-budgets.js';
import { ingressAnalyzer } from './ingresses.js';
import { cronJobAnalyzer, jobAnalyzer } from './jobs.js';
import { nodeAnalyzer } from './nodes.js';
import { podAnalyzer } from './pods.js';
import { serviceAnalyzer } from './services.js';
import { warningEventAnalyzer } from './warning-events.js';
import { workloadAnalyzer } from './workloads.js';

/** The analyzers an investigation runs. */
export const ANALYZERS: readonly Analyzer[] = [
  podAnalyzer, workloadAnalyzer, serviceAnalyzer, ingressAnalyzer, claimAnalyzer, jobAnalyzer, cronJobAnalyzer,
  nodeAnalyzer, autoscalerAnalyzer, disruptionBudgetAnalyzer, warningEventAnalyzer,
];

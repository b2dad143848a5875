/** The scenario types the cluster keeps (parsed from the scenario file; see scenario/scenario-schema.ts). */
export type { Fault, RbacRule, Registry, ScenarioFile } from './scenario/scenario-schema.js';

/**
 * A concern's share of the TUI's actions: the action types one reducer module handles, listed once
 * in that module, and the guard the root reducer routes by (its exhaustiveness check catches an
 * action that no group lists).
 */
import type { TuiAction } from './types.js';

/** The actions of the given types. */
export type ActionOf<Type extends TuiAction['type']> = Extract<TuiAction, { type: Type }>;

/** A guard that is true for the actions of `types`. */
export function actionGroup<const Types extends ReadonlyArray<TuiAction['type']>>(types: Types): (action: TuiAction) => action is ActionOf<Types[number]> {
  const known: ReadonlySet<string> = new Set(types);
  return (action): action is ActionOf<Types[number]> => known.has(action.type);
}

/**
 * The key bindings of the diagnose screens (#15) and the approvals panel (#17), as rows of the one
 * keymap table (keymap.ts splices them in before the global keys, so the help bar and the `?` overlay
 * list them). Actions are prefixed: the App hands every one of them to handleSideKey (side-keys.ts).
 */
import type { Key } from 'ink';
import type { Screen } from './state/types.js';

/** What a diagnose or approvals key does. */
export type SideKeyAction =
  | 'open-diagnose'
  | 'open-approvals'
  | 'diagnose-move'
  | 'diagnose-filter'
  | 'diagnose-select'
  | 'diagnose-evidence'
  | 'diagnose-remedy'
  | 'diagnose-rerun'
  | 'diagnose-cancel'
  | 'diagnose-back'
  | 'approvals-move'
  | 'approvals-open'
  | 'approvals-approve'
  | 'approvals-deny'
  | 'approvals-type'
  | 'approvals-submit'
  | 'approvals-back';

/** A row (the same shape as keymap.ts's KeyBinding). */
export interface SideKeyBinding {
  action: SideKeyAction;
  keys: string;
  label: string;
  screens: readonly Screen[];
  dangerous: boolean;
  matches(input: string, key: Key): boolean;
}

/** What decides which side keys exist right now. */
export interface SideKeyOptions {
  /** The session can investigate / reach the approvals inbox. */
  canDiagnose?: boolean;
  canApprove?: boolean;
  /** The selected finding has remediations / the list has requests. */
  hasRemedies?: boolean;
  hasRequests?: boolean;
  /** The open request's screen: showing it, taking the typed name or a reason, or waiting. */
  approvalMode?: 'view' | 'typing-name' | 'typing-reason' | 'deciding';
  /** The open request needs its object's name typed (high risk). */
  typedName?: boolean;
}

const printable = (input: string, key: Key) => input.length > 0 && !key.ctrl && !key.meta && !key.return && !key.escape && !key.tab && !/[\u0000-\u001f\u007f]/.test(input);
const arrows = (_input: string, key: Key) => key.upArrow || key.downArrow;
const enter = (_input: string, key: Key) => key.return;
const escape = (_input: string, key: Key) => key.escape;
const digit = (input: string) => /^[1-9]$/.test(input);

/** The rows, in help-bar order. */
export const SIDE_KEYMAP: readonly SideKeyBinding[] = [
  // On the first screen letters type a request ("drain node-1", "approve..."), so these are Ctrl keys.
  { action: 'open-diagnose', keys: '^D', label: 'diagnose', screens: ['intent'], dangerous: false, matches: (input, key) => key.ctrl && (input === 'd' || input === '\x04') },
  { action: 'open-approvals', keys: '^A', label: 'inbox', screens: ['intent'], dangerous: false, matches: (input, key) => key.ctrl && (input === 'a' || input === '\x01') },
  { action: 'diagnose-move', keys: '↑↓', label: 'move', screens: ['diagnose-namespace', 'diagnose-target', 'diagnose-findings'], dangerous: false, matches: arrows },
  { action: 'diagnose-move', keys: '↑↓', label: 'scroll', screens: ['diagnose-evidence'], dangerous: false, matches: arrows },
  { action: 'diagnose-filter', keys: 'type', label: 'filter', screens: ['diagnose-namespace', 'diagnose-target'], dangerous: false, matches: printable },
  { action: 'diagnose-select', keys: 'Enter', label: 'select', screens: ['diagnose-namespace'], dangerous: false, matches: enter },
  { action: 'diagnose-select', keys: 'Enter', label: 'investigate', screens: ['diagnose-target'], dangerous: false, matches: enter },
  { action: 'diagnose-evidence', keys: 'Enter', label: 'details', screens: ['diagnose-findings'], dangerous: false, matches: enter },
  { action: 'diagnose-remedy', keys: '1-9', label: 'remedy', screens: ['diagnose-findings', 'diagnose-evidence'], dangerous: false, matches: digit },
  { action: 'diagnose-rerun', keys: 'r', label: 'redo', screens: ['diagnose-findings', 'diagnose-evidence'], dangerous: false, matches: (input) => input === 'r' },
  { action: 'diagnose-cancel', keys: 'Esc', label: 'cancel', screens: ['diagnose-run'], dangerous: false, matches: escape },
  { action: 'diagnose-back', keys: 'Esc', label: 'back', screens: ['diagnose-namespace', 'diagnose-target', 'diagnose-findings', 'diagnose-evidence'], dangerous: false, matches: escape },
  { action: 'approvals-move', keys: '↑↓', label: 'move', screens: ['approvals'], dangerous: false, matches: arrows },
  { action: 'approvals-open', keys: 'Enter', label: 'open', screens: ['approvals'], dangerous: false, matches: enter },
  { action: 'approvals-approve', keys: 'y', label: 'approve', screens: ['approval-detail'], dangerous: true, matches: (input) => input === 'y' || input === 'Y' },
  { action: 'approvals-deny', keys: 'n', label: 'deny', screens: ['approval-detail'], dangerous: false, matches: (input) => input === 'n' || input === 'N' },
  { action: 'approvals-type', keys: 'type', label: 'type', screens: ['approval-detail'], dangerous: false, matches: printable },
  { action: 'approvals-submit', keys: 'Enter', label: 'approve typed name', screens: ['approval-detail'], dangerous: true, matches: enter },
  { action: 'approvals-submit', keys: 'Enter', label: 'deny (reason optional)', screens: ['approval-detail'], dangerous: false, matches: enter },
  { action: 'approvals-back', keys: 'Esc', label: 'back', screens: ['approvals', 'approval-detail'], dangerous: false, matches: escape },
];

const SIDE_ACTIONS: ReadonlySet<string> = new Set(SIDE_KEYMAP.map((binding) => binding.action));

/** True for the actions of the diagnose and approvals keys. */
export function isSideKeyAction(action: string): action is SideKeyAction {
  return SIDE_ACTIONS.has(action);
}

/** Whether a side row applies (screen and read-only are checked by keymap.ts). */
export function sideApplies(binding: Pick<SideKeyBinding, 'action' | 'label'>, options: SideKeyOptions = {}): boolean {
  const mode = options.approvalMode ?? 'view';
  switch (binding.action) {
    case 'open-diagnose':
      return options.canDiagnose === true;
    case 'open-approvals':
      return options.canApprove === true;
    case 'diagnose-remedy':
      return options.hasRemedies === true;
    case 'approvals-open':
      return options.hasRequests === true;
    case 'approvals-approve':
    case 'approvals-deny':
      return mode === 'view';
    case 'approvals-type':
      return mode === 'typing-name' || mode === 'typing-reason';
    case 'approvals-submit':
      return binding.label.startsWith('approve') ? mode === 'typing-name' : mode === 'typing-reason';
    default:
      return true;
  }
}

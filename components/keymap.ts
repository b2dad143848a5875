/**
 * Every key binding of the TUI, as data (k9s style). The same table dispatches keys, draws the help
 * bar and the help overlay; bindings flagged `dangerous` (they lead to a cluster mutation) are hidden
 * and inert in read-only mode.
 */
import type { Key } from 'ink';
import type { Screen } from './state/reducer.js';
import { SIDE_KEYMAP, isSideKeyAction, sideApplies, type SideKeyAction, type SideKeyOptions } from './keymap-side.js';

/** What a key does. */
export type KeyAction =
  | 'quit'
  | 'help'
  | 'back'
  | 'cancel'
  | 'move'
  | 'select'
  | 'filter'
  | 'submit'
  | 'accept-suggestion'
  | 'proceed'
  | 'retry'
  | 'confirm-key'
  | 'confirm-typed'
  | 'decline'
  | 'new-request'
  | 'undo'
  | 'type-request'
  | 'edit-part'
  | 'follow-up'
  | 'toggle-preview'
  // diagnose (#15) and approvals (#17): keymap-side.ts
  | SideKeyAction;

/** One binding. */
export interface KeyBinding {
  action: KeyAction;
  /** How the key is shown: "Enter", "Esc", "↑↓", "1-9". */
  keys: string;
  label: string;
  /** Screens where the binding is active; 'all' for global keys. */
  screens: readonly Screen[] | 'all';
  /** Leads to a cluster mutation: hidden and disabled with --read-only. */
  dangerous: boolean;
  /** Whether the key event is this binding. */
  matches(input: string, key: Key): boolean;
}

const PICKERS: readonly Screen[] = ['intent', 'resource', 'namespace', 'name'];
const isPrintable = (input: string, key: Key) => input.length > 0 && !key.ctrl && !key.meta && !key.return && !key.escape && !key.tab && !/[\u0000-\u001f\u007f]/.test(input);

/** The keys that change one understood part (components/state/understood.ts PART_KEYS): i r s o w. */
const isPartKey = (input: string) => /^[irsow]$/.test(input);

/** The table. Order is the order of the help bar. */
export const KEYMAP: readonly KeyBinding[] = [
  { action: 'type-request', keys: 'type', label: 'request', screens: ['intent'], dangerous: false, matches: (input, key) => isPrintable(input, key) && input !== '?' },
  { action: 'move', keys: '↑↓', label: 'move', screens: PICKERS, dangerous: false, matches: (_input, key) => key.upArrow || key.downArrow },
  { action: 'filter', keys: 'type', label: 'filter', screens: ['namespace', 'name'], dangerous: false, matches: isPrintable },
  { action: 'select', keys: 'Enter', label: 'select', screens: PICKERS, dangerous: false, matches: (_input, key) => key.return },
  { action: 'select', keys: '1-9', label: 'pick', screens: ['intent', 'resource'], dangerous: false, matches: (input) => /^[1-9]$/.test(input) },
  { action: 'edit-part', keys: 'i r s o w', label: 'change', screens: ['verdict', 'confirm'], dangerous: false, matches: (input) => isPartKey(input) },
  { action: 'submit', keys: 'Enter', label: 'submit (empty skips)', screens: ['query'], dangerous: false, matches: (_input, key) => key.return },
  { action: 'submit', keys: 'Enter', label: 're-plan with value', screens: ['params'], dangerous: false, matches: (_input, key) => key.return },
  { action: 'accept-suggestion', keys: '1-9', label: 'choose', screens: ['verdict'], dangerous: false, matches: (input) => /^[1-9]$/.test(input) },
  { action: 'proceed', keys: 'Enter', label: 'run', screens: ['verdict'], dangerous: false, matches: (_input, key) => key.return },
  { action: 'retry', keys: 'Enter', label: 'plan again', screens: ['verdict'], dangerous: false, matches: (_input, key) => key.return },
  { action: 'confirm-key', keys: 'y', label: 'confirm and run', screens: ['confirm'], dangerous: true, matches: (input) => input === 'y' || input === 'Y' },
  { action: 'confirm-typed', keys: 'Enter', label: 'confirm typed name', screens: ['confirm'], dangerous: true, matches: (_input, key) => key.return },
  { action: 'decline', keys: 'n', label: 'cancel', screens: ['confirm'], dangerous: false, matches: (input) => input === 'n' || input === 'N' },
  { action: 'toggle-preview', keys: 'v', label: 'full dry-run', screens: ['confirm'], dangerous: false, matches: (input) => input === 'v' },
  { action: 'follow-up', keys: '1-9', label: 'next step', screens: ['result'], dangerous: false, matches: (input) => /^[1-9]$/.test(input) },
  { action: 'new-request', keys: 'Enter', label: 'new request', screens: ['result'], dangerous: false, matches: (_input, key) => key.return },
  // Proposes the inverse of a change (planned, previewed and confirmed like any request): a mutation, so dangerous.
  { action: 'undo', keys: 'u', label: 'undo that change', screens: ['result'], dangerous: true, matches: (input, key) => input === 'u' && !key.ctrl && !key.meta },
  // On the first screen letters open the request line ("uncordon node-1" starts with u), so undo is Ctrl+Z there.
  { action: 'undo', keys: '^Z', label: 'undo the last change', screens: ['intent'], dangerous: true, matches: (input, key) => key.ctrl && (input === 'z' || input === '\x1a') },
  { action: 'cancel', keys: 'Esc', label: 'cancel', screens: ['proposing', 'running'], dangerous: false, matches: (_input, key) => key.escape },
  { action: 'back', keys: 'Esc', label: 'back', screens: ['resource', 'namespace', 'name', 'query', 'params', 'verdict', 'confirm', 'result'], dangerous: false, matches: (_input, key) => key.escape },
  // diagnose (#15) and approvals (#17): their rows, before the global keys
  ...SIDE_KEYMAP,
  { action: 'help', keys: '?', label: 'help', screens: 'all', dangerous: false, matches: (input) => input === '?' },
  { action: 'quit', keys: 'Ctrl+C', label: 'quit', screens: 'all', dangerous: false, matches: (input, key) => key.ctrl && input === 'c' },
];

/** Options that change which bindings exist. */
export interface KeymapOptions {
  readOnly: boolean;
  /** On the confirm screen: which of confirm-key / confirm-typed the core asked for. */
  confirmAction?: 'confirm-key' | 'confirm-typed';
  /** On the verdict screen: whether there are suggestions, a command waiting to run, or a request to plan again. */
  hasSuggestions?: boolean;
  /** Verdict / confirm: whether understood parts can be changed (not while typing a name, not while busy). */
  canEdit?: boolean;
  /** Result screen: whether the card offers follow-ups. */
  hasFollowUps?: boolean;
  /** Confirm screen: whether there is a change summary to switch away from. */
  hasChanges?: boolean;
  canRun?: boolean;
  canRetry?: boolean;
  /** A change of this session the undo key can invert. */
  canUndo?: boolean;
  /** The diagnose and approvals keys (keymap-side.ts). */
  side?: SideKeyOptions;
}

function applies(binding: KeyBinding, screen: Screen, options: KeymapOptions): boolean {
  if (binding.screens !== 'all' && !binding.screens.includes(screen)) return false;
  if (options.readOnly && binding.dangerous) return false;
  if (isSideKeyAction(binding.action)) return sideApplies({ action: binding.action, label: binding.label }, options.side);
  if (screen === 'confirm' && (binding.action === 'confirm-key' || binding.action === 'confirm-typed')) {
    return binding.action === (options.confirmAction ?? 'confirm-key');
  }
  // `n` declines a y/n question only; in a typed-name confirmation it is a letter of the name.
  if (binding.action === 'decline') return screen === 'confirm' && options.confirmAction === 'confirm-key';
  if (binding.action === 'accept-suggestion') return options.hasSuggestions === true;
  if (binding.action === 'edit-part') return options.canEdit === true && !(screen === 'confirm' && options.confirmAction === 'confirm-typed');
  if (binding.action === 'follow-up') return options.hasFollowUps === true;
  if (binding.action === 'toggle-preview') return options.hasChanges === true && options.confirmAction !== 'confirm-typed';
  if (binding.action === 'proceed') return options.canRun === true;
  if (binding.action === 'retry') return options.canRetry === true && options.canRun !== true;
  if (binding.action === 'undo') return options.canUndo === true;
  return true;
}

/** The bindings active on a screen, in table order (what the help bar draws). */
export function bindingsFor(screen: Screen, options: KeymapOptions): KeyBinding[] {
  return KEYMAP.filter((binding) => applies(binding, screen, options));
}

/** The binding a key event triggers on a screen, if any. Global bindings are checked last. */
export function findBinding(screen: Screen, input: string, key: Key, options: KeymapOptions): KeyBinding | undefined {
  const active = bindingsFor(screen, options);
  return active.find((binding) => binding.screens !== 'all' && binding.matches(input, key)) ?? active.find((binding) => binding.matches(input, key));
}

/** "↑↓ move · Enter select · Esc back": the help bar's text for a set of bindings. */
export function helpBarText(bindings: readonly KeyBinding[]): string {
  return bindings.map((binding) => `${binding.keys} ${binding.label}`).join(' · ');
}

/**
 * The TUI: intent -> resource -> namespace -> name -> free text -> streaming plan -> verdict ->
 * dry-run preview -> confirmation -> live run -> back to the start with the session history.
 * Nothing runs that the user has not seen and confirmed on screen.
 *
 * This file composes the session: the state (state/reducer.ts), the services' streams (hooks/), the
 * keys (hooks/use-session-keys.ts) and the frame around the current screen's panel (screen-panel.tsx).
 */
import { Box, Static, Text } from 'ink';
import { useMemo, useReducer } from 'react';
import { Breadcrumb } from './breadcrumb.js';
import { HelpBar } from './help-bar.js';
import { HelpOverlay } from './help-overlay.js';
import { useApprovalQuestion } from './hooks/use-approval-question.js';
import { useApprovals } from './hooks/use-approvals.js';
import { useDiagnose } from './hooks/use-diagnose.js';
import { KeyRouterContext, createKeyRouter, useKeyRouterInput } from './hooks/use-keys.js';
import { usePipeline } from './hooks/use-pipeline.js';
import { useQuit } from './hooks/use-quit.js';
import { useRequestStream, useRolloutWatch } from './hooks/use-request-stream.js';
import { useSessionKeys } from './hooks/use-session-keys.js';
import { useStatus } from './hooks/use-status.js';
import { useTerminalSize, type TerminalSize } from './hooks/use-terminal-size.js';
import { useTypedRequest } from './hooks/use-typed-request.js';
import { bindingsFor } from './keymap.js';
import { ScreenPanel } from './screen-panel.js';
import type { TuiServices } from './services.js';
import { sessionView } from './session-view.js';
import { isApprovalsScreen } from './state/approvals-state.js';
import { isDiagnoseScreen } from './state/diagnose-state.js';
import { initialState, reducer } from './state/reducer.js';
import { StatusBar } from './status-bar.js';
import { fallbackReason } from './streaming-panel.js';
import { ThemeContext, createTheme, useTheme, type Theme } from './theme.js';
import { TranscriptRow } from './transcript-row.js';

/** Props. */
export interface AppProps {
  services: TuiServices;
  readOnly?: boolean;
  /** From --namespace: preselected (the namespace picker is skipped; Esc reaches it). */
  defaultNamespace?: string;
  /** Fixed size for tests; the real terminal otherwise. */
  size?: TerminalSize;
  theme?: Theme;
  /** How long Ctrl+C waits for a cancelled run to write its audit record. */
  quitGraceMs?: number;
  /** Told the exit code when the user quits: 130 when Ctrl+C cancelled a running kubectl, else 0. */
  onExitCode?(code: number): void;
  /** How often the approvals inbox is listed for the badge (tests make it short). */
  approvalsPollMs?: number;
}

/** The app (themed). */
export function App(props: AppProps) {
  const theme = useMemo(() => props.theme ?? createTheme(), [props.theme]);
  const router = useMemo(() => createKeyRouter(), []);
  useKeyRouterInput(router);
  return (
    <ThemeContext.Provider value={theme}>
      <KeyRouterContext.Provider value={router}>
        <Session {...props} />
      </KeyRouterContext.Provider>
    </ThemeContext.Provider>
  );
}

function Session({ services, readOnly = false, defaultNamespace, size: fixedSize, quitGraceMs = 3000, onExitCode, approvalsPollMs }: AppProps) {
  const theme = useTheme();
  const size = useTerminalSize(fixedSize);
  const status = useStatus(services);
  const [state, dispatch] = useReducer(reducer, { readOnly, defaultNamespace }, initialState);
  const pipeline = usePipeline(dispatch);
  const diagnose = useDiagnose(services, state.diagnose, dispatch);
  const approvals = useApprovals(services, dispatch, approvalsPollMs);
  const { ask, answer } = useApprovalQuestion(dispatch, state.proposal.auto === true);
  useRequestStream({ state, services, pipeline, ask, answer });
  const view = sessionView(state, services);
  useRolloutWatch(state, services, dispatch);
  const typed = useTypedRequest(services, state, dispatch);
  const { quitting, quit } = useQuit({ pipeline, diagnose, answer, runBusy: state.run.busy, quitGraceMs, onExitCode });
  useSessionKeys({ state, dispatch, view, services, pipeline, diagnose, approvals, answer, quit, quitting });

  const width = size.columns;
  const statusRows = 2 + (status.starting ? 1 : 0) + (status.error ? 1 : 0) + (width >= 140 ? -1 : 0);
  const panelRows = Math.max(6, size.rows - statusRows - 3);
  const active = !state.helpOpen && !quitting;
  const bindings = bindingsFor(state.screen, view.keymapOptions);

  return (
    <>
      <Static items={state.transcript}>{(line) => <TranscriptRow key={line.id} line={line} />}</Static>
      <Box flexDirection="column" width={width}>
        <StatusBar status={status} namespace={state.draft.namespace ?? state.defaultNamespace ?? state.lastNamespace} width={width} fallback={fallbackReason(state.proposal, state.notices, status.planner)} approvalsWaiting={state.approvals.records.length} />
        <Text color={theme.color('muted')}>{'─'.repeat(Math.max(0, width))}</Text>
        <Box flexDirection="column" display={state.helpOpen ? 'none' : 'flex'}>
          {isDiagnoseScreen(state.screen) || isApprovalsScreen(state.screen) ? null : <Breadcrumb state={state} />}
          <ScreenPanel state={state} dispatch={dispatch} services={services} status={status} view={view} active={active} width={width} panelRows={panelRows} typed={typed} />
        </Box>
        {state.helpOpen ? <HelpOverlay readOnly={state.readOnly} width={width} screen={state.screen} /> : null}
        {quitting ? <Text color={theme.color('muted')}>quitting…</Text> : <HelpBar bindings={bindings} width={width} />}
      </Box>
    </>
  );
}

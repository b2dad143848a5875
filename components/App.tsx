/**
 * The TUI: intent -> resource -> namespace -> name -> free text -> streaming plan -> verdict ->
 * dry-run preview -> confirmation -> live run -> back to the start with the session history.
 * Nothing runs that the user has not seen and confirmed on screen.
 */
import { Box, Static, Text, useApp } from 'ink';
import { KeyRouterContext, createKeyRouter, useKeyRouterInput, useKeys } from './hooks/use-keys.js';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { K8sExecPayload } from '../src/schemas/request.js';
import { ConfirmationPanel } from './confirmation-panel.js';
import { DryRunPreview, previewFailure } from './dry-run-preview.js';
import { FreeTextInput } from './free-text-input.js';
import { HelpBar } from './help-bar.js';
import { HelpOverlay } from './help-overlay.js';
import { HistoryPanel } from './history-panel.js';
import { usePipeline } from './hooks/use-pipeline.js';
import { useStatus } from './hooks/use-status.js';
import { useTerminalSize, type TerminalSize } from './hooks/use-terminal-size.js';
import { offeredIntents } from './intent-picker.js';
import { followUpsOf, rolloutWatch, runTarget } from './state/follow-ups.js';
import { partOfKey, verdictChoices } from './state/understood.js';
import { intentsForWord, RequestLine } from './request-line.js';
import { UnderstoodLine } from './understood-line.js';
import { bindingsFor, findBinding, type KeymapOptions } from './keymap.js';
import { NamePicker } from './name-picker.js';
import { NamespacePicker } from './namespace-picker.js';
import { ParamsInput } from './params-input.js';
import { offeredResources, ResourcePicker } from './resource-picker.js';
import type { Intent } from '../src/schemas/vocabulary.js';
import { RunPanel } from './run-panel.js';
import type { TuiAsk, TuiServices } from './services.js';
import { initialState, reducer, requestFromDraft, undoCandidate, type TranscriptLine, type TuiState } from './state/reducer.js';
import { StatusBar } from './status-bar.js';
import { fallbackReason, StreamingPanel } from './streaming-panel.js';
import { ThemeContext, createTheme, useTheme, type Theme } from './theme.js';
import { VerdictPanel } from './verdict-panel.js';
// diagnose (#15) and the approvals inbox (#17)
import { ApprovalsPanel } from './approvals-panel.js';
import { DiagnosePanel } from './diagnose-panel.js';
import { useApprovals } from './hooks/use-approvals.js';
import { useDiagnose } from './hooks/use-diagnose.js';
import { isSideKeyAction } from './keymap-side.js';
import { handleSideKey } from './side-keys.js';
import { isApprovalsScreen } from './state/approvals-state.js';
import { isDiagnoseScreen, numberedRemediations, selectedFinding } from './state/diagnose-state.js';

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

function TranscriptRow({ line }: { line: TranscriptLine }) {
  const theme = useTheme();
  switch (line.kind) {
    case 'command':
      return <Text bold color={theme.color('accent')}>{line.text}</Text>;
    case 'stdout':
      return <Text>{`  ${line.text}`}</Text>;
    case 'stderr':
      return <Text color={theme.color('stderr')}>{`! ${line.text}`}</Text>;
    case 'truncated':
      return <Text color={theme.color('warning')}>{line.text}</Text>;
    case 'summary':
      return <Text color={theme.color('muted')}>{`└ ${line.text}`}</Text>;
    case 'notice':
      return <Text color={theme.color('muted')}>{line.text}</Text>;
  }
}

function Breadcrumb({ state }: { state: TuiState }) {
  const theme = useTheme();
  const parts = [state.draft.intent, state.draft.resource, state.draft.namespace && `ns ${state.draft.namespace}`, state.draft.name].filter(Boolean);
  if (parts.length === 0) return null;
  return (
    <Text color={theme.color('muted')} wrap="truncate-end">
      {parts.join(' › ')}
    </Text>
  );
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
  const { exit } = useApp();
  const size = useTerminalSize(fixedSize);
  const status = useStatus(services);
  const [state, dispatch] = useReducer(reducer, { readOnly, defaultNamespace }, initialState);
  const pipeline = usePipeline(dispatch);
  const diagnose = useDiagnose(services, state.diagnose, dispatch);
  const approvals = useApprovals(services, dispatch, approvalsPollMs);
  const [quitting, setQuitting] = useState(false);

  // The core's pending question to the human: answered by a key, the typed name, or Esc.
  const pendingAnswer = useRef<((answer: { confirmed: boolean; text?: string } | undefined) => void) | undefined>(undefined);
  const answer = useCallback((value: { confirmed: boolean; text?: string } | undefined) => {
    const resolve = pendingAnswer.current;
    pendingAnswer.current = undefined;
    if (!resolve) return;
    dispatch({ type: 'approval-answered' });
    resolve(value);
  }, []);
  // The TUI's own reads (the rollout watch) run without a key when the core asks for none.
  const autoRun = useRef(false);
  autoRun.current = state.proposal.auto === true;
  const ask = useCallback<TuiAsk>((question, signal) => {
    if (autoRun.current && question.requirement.kind === 'none' && !question.proposal.verdict.mutating) return Promise.resolve({ confirmed: true });
    return new Promise((resolve) => {
      const onAbort = () => {
        if (pendingAnswer.current === settle) pendingAnswer.current = undefined;
        resolve(undefined);
      };
      const settle = (value: { confirmed: boolean; text?: string } | undefined) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      pendingAnswer.current = settle;
      dispatch({ type: 'approval-asked', ...(question.refusal ? { refusal: question.refusal } : {}) });
    });
  }, []);

  // Start the request stream whenever the reducer asks for a new request (never on draft edits alone).
  useEffect(() => {
    if (state.proposal.requestId === 0) return;
    // An undo runs the request the core prepared (with its link to the undone operation), never a rebuilt one.
    const undo = state.undo;
    const request = undo ? undo.request : (requestFromDraft(state.draft, state.extraParams) as K8sExecPayload);
    answer(undefined);
    pipeline.start('request', (signal) => (undo ? services.run(request, ask, signal, { undo: undo.context, reads: undo.reads }) : services.run(request, ask, signal)));
  }, [state.proposal.requestId]);

  const verdict = state.proposal.verdict;
  const confirmation = state.proposal.confirmation;
  const kind = confirmation?.kind ?? 'none';
  const waiting = state.proposal.pendingApproval;
  // After a decline the same request can be planned again (a new proposal, a new question).
  const canRetry = !waiting && !state.proposal.busy && verdict !== undefined && verdict.decision !== 'deny' && state.proposal.approvalEnd !== undefined;
  const undoEntry = services.undo && !state.readOnly ? undoCandidate(state) : undefined;
  // One undo lookup at a time (it reads the audit log and the live object).
  const undoing = useRef(false);
  const choices = verdictChoices(state.proposal);
  const followUps = state.screen === 'result' ? followUpsOf(runTarget(state.proposal), services.catalog) : [];
  const keymapOptions: KeymapOptions = {
    canUndo: undoEntry !== undefined,
    readOnly: state.readOnly,
    confirmAction: kind === 'typed-name' ? 'confirm-typed' : 'confirm-key',
    hasSuggestions: choices.length > 0 && !state.proposal.busy && !waiting,
    canRun: waiting && kind === 'none',
    canRetry,
    canEdit: state.proposal.plan !== undefined && (waiting || !state.proposal.busy),
    hasFollowUps: followUps.length > 0 && !state.run.busy,
    hasChanges: (state.preview.changes?.length ?? 0) > 0,
    side: {
      canDiagnose: services.side !== undefined,
      canApprove: services.side !== undefined,
      hasRemedies: numberedRemediations(selectedFinding(state.diagnose)).length > 0,
      hasRequests: state.approvals.records.length > 0,
      approvalMode: state.approvals.mode,
    },
  };

  // After a restart, scale or rollback: watch the rollout to the end, through the normal pipeline.
  const watchedRun = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (state.screen !== 'result' || state.proposal.auto || !state.run.operationId || watchedRun.current === state.run.operationId) return;
    watchedRun.current = state.run.operationId;
    const watch = rolloutWatch(runTarget(state.proposal), state.run, services.catalog);
    if (watch) dispatch({ type: 'request-started', draft: watch, auto: true });
  }, [state.screen, state.run.operationId]);

  // A typed request: the core reads where it applies, then it is planned (or the namespace asked for).
  const scopeRead = useRef<AbortController | undefined>(undefined);
  const pickIntent = useCallback(
    (intent: Intent) => {
      const resources = offeredResources(services.catalog, intent);
      dispatch({ type: 'intent-picked', intent, ...(resources.length === 1 ? { onlyResource: resources[0]! } : {}) });
    },
    [services],
  );
  const submitLine = useCallback(
    (text: string) => {
      // A lone word that begins exactly one intent's name is that intent's guided pickers (`e` is events).
      const named = state.replan ? [] : intentsForWord(text, offeredIntents(services.catalog, state.readOnly));
      if (named.length === 1) {
        pickIntent(named[0]!);
        return;
      }
      scopeRead.current?.abort();
      const controller = new AbortController();
      scopeRead.current = controller;
      services.scopeOf(text, controller.signal).then(
        (scope) => {
          if (!controller.signal.aborted) dispatch({ type: 'line-submitted', query: text, scope });
        },
        () => {
          if (!controller.signal.aborted) dispatch({ type: 'line-submitted', query: text, scope: {} });
        },
      );
    },
    [services, state.readOnly, state.replan, pickIntent],
  );
  useEffect(() => () => scopeRead.current?.abort(), []);

  const quit = useCallback(() => {
    if (quitting) return;
    setQuitting(true);
    // Ctrl+C while kubectl runs cancels it: the session exits 130, as `rk8s exec` does.
    onExitCode?.(state.run.busy ? 130 : 0);
    answer(undefined);
    void Promise.all([pipeline.shutdown(quitGraceMs), diagnose.shutdown(quitGraceMs)]).then(() => exit());
  }, [quitting, pipeline, diagnose, quitGraceMs, exit, answer, onExitCode, state.run.busy]);

  const typing =
    (state.screen === 'intent' && state.line !== '') ||
    (state.screen === 'namespace' || state.screen === 'name' || state.screen === 'query' || state.screen === 'params') ||
    (state.screen === 'confirm' && kind === 'typed-name') ||
    state.screen === 'diagnose-namespace' ||
    state.screen === 'diagnose-target' ||
    (state.screen === 'approval-detail' && (state.approvals.mode === 'typing-name' || state.approvals.mode === 'typing-reason'));

  useKeys((input, key) => {
    if (key.ctrl && input === 'c') {
      quit();
      return;
    }
    if (quitting) return;
    if (state.helpOpen) {
      if (key.escape || input === '?') dispatch({ type: 'help-toggled' });
      return;
    }
    const binding = findBinding(state.screen, input, key, keymapOptions);
    if (!binding) return;
    if (isSideKeyAction(binding.action)) {
      handleSideKey(binding.action, input, key.downArrow, { state, dispatch, diagnose, approvals });
      return;
    }
    switch (binding.action) {
      case 'help':
        // In text fields `?` is a character: an empty field calls onHelp itself.
        if (!typing) dispatch({ type: 'help-toggled' });
        return;
      case 'cancel':
        if (state.screen === 'proposing' && state.proposal.busy) {
          pipeline.cancel('request');
          dispatch({ type: 'cancel-requested' });
        } else if (state.screen === 'running' && state.run.busy) {
          pipeline.cancel('request');
          dispatch({ type: 'cancel-requested' });
        } else if (state.screen === 'proposing') {
          dispatch({ type: 'back' });
        }
        return;
      case 'decline':
      case 'back':
        if (waiting) {
          // Saying no ends this request; the core records it. Esc on the verdict of an allowed read also goes back.
          answer({ confirmed: false });
          if (state.screen === 'confirm') return;
        }
        dispatch({ type: 'back' });
        return;
      case 'accept-suggestion': {
        const choice = choices[Number(input) - 1];
        if (choice) dispatch({ type: 'choice-accepted', choice });
        return;
      }
      case 'edit-part': {
        const part = partOfKey(input);
        if (!part) return;
        // Changing a part ends this proposal (the core records the decline) and plans again after the pick.
        if (waiting) answer({ confirmed: false });
        dispatch({ type: 'part-edit', part });
        return;
      }
      case 'follow-up': {
        const next = followUps[Number(input) - 1];
        if (next) dispatch({ type: 'request-started', draft: next.draft });
        return;
      }
      case 'toggle-preview':
        dispatch({ type: 'preview-toggled' });
        return;
      case 'proceed':
        if (waiting && kind === 'none') answer({ confirmed: true });
        return;
      case 'retry':
        if (canRetry) dispatch({ type: 'retry' });
        return;
      case 'confirm-key':
        if (waiting && state.preview.status !== 'loading') answer({ confirmed: true });
        return;
      case 'confirm-typed':
        // The core compares what was typed with the name; the TUI only hands it over.
        if (waiting && state.preview.status !== 'loading') answer({ confirmed: true, text: state.confirm.input });
        return;
      case 'new-request':
        dispatch({ type: 'reset' });
        return;
      case 'undo': {
        const operationId = undoEntry?.operationId;
        if (!operationId || !services.undo || undoing.current) return;
        undoing.current = true;
        void services
          .undo(operationId, new AbortController().signal)
          .then(
            (undo) => dispatch({ type: 'undo-prepared', undo }),
            (error: unknown) => dispatch({ type: 'undo-prepared', undo: { kind: 'refused', code: 'UNDO_FAILED', message: (error as Error).message } }),
          )
          .finally(() => {
            undoing.current = false;
          });
        return;
      }
      case 'quit':
        quit();
        return;
      case 'move':
      case 'select':
      case 'filter':
      case 'submit':
      case 'type-request':
        // handled by the focused picker or text field
        return;
    }
  });

  const width = size.columns;
  const statusRows = 2 + (status.starting ? 1 : 0) + (status.error ? 1 : 0) + (width >= 140 ? -1 : 0);
  const panelRows = Math.max(6, size.rows - statusRows - 3);
  const active = !state.helpOpen && !quitting;
  const openHelp = () => dispatch({ type: 'help-toggled' });
  const catalogFor = services.catalog.filter((entry) => entry.intent === state.draft.intent && entry.resource === state.draft.resource);
  const nameRequired = catalogFor.length === 0 || catalogFor.every((entry) => entry.required.includes('name'));
  const bindings = bindingsFor(state.screen, keymapOptions);
  // The history never pushes the intents off the screen: the last few operations, in the rows left over.
  const intentRows = Math.ceil(offeredIntents(services.catalog, state.readOnly).length / (width >= 70 ? 2 : 1));
  const historyRows = state.history.length === 0 ? 0 : Math.max(0, Math.min(state.history.length + 1, 4, panelRows - 2 - intentRows));

  let panel: React.ReactNode;
  switch (state.screen) {
    case 'intent':
      panel = (
        <Box flexDirection="column">
          <RequestLine
            catalog={services.catalog}
            readOnly={state.readOnly}
            active={active}
            limit={panelRows - 2 - historyRows}
            width={width}
            line={state.line}
            onClear={() => dispatch({ type: 'line-changed', text: '' })}
            onErase={(count) => dispatch({ type: 'line-erased', count })}
            onType={(text, intent) => {
              const resources = intent ? offeredResources(services.catalog, intent) : [];
              dispatch({ type: 'line-typed', text, ...(intent ? { pick: { intent, ...(resources.length === 1 ? { onlyResource: resources[0]! } : {}) } } : {}) });
            }}
            onSubmit={submitLine}
            onPick={pickIntent}
          />
          {historyRows > 0 ? <HistoryPanel history={state.history} limit={historyRows} {...(undoEntry?.operationId ? { undoTarget: undoEntry.operationId } : {})} /> : null}
        </Box>
      );
      break;
    case 'resource':
      panel = <ResourcePicker catalog={services.catalog} intent={state.draft.intent} active={active} limit={panelRows - 2} onSelect={(resource) => dispatch({ type: 'resource-picked', resource })} />;
      break;
    case 'namespace':
      panel = <NamespacePicker services={services} initialValue={state.lastNamespace} active={active} onHelp={openHelp} limit={panelRows - 2} width={width} onSelect={(namespace) => dispatch({ type: 'namespace-picked', namespace })} />;
      break;
    case 'name':
      panel = state.draft.resource ? (
        <NamePicker
          services={services}
          resource={state.draft.resource}
          namespace={state.draft.namespace}
          nameRequired={nameRequired}
          active={active}
          onHelp={openHelp}
          limit={panelRows - 2}
          width={width}
          onSelect={(name) => dispatch({ type: 'name-picked', name })}
        />
      ) : null;
      break;
    case 'query':
      panel = <FreeTextInput active={active} onHelp={openHelp} initial={state.draft.query} onSubmit={(query) => dispatch({ type: 'query-submitted', query })} />;
      break;
    case 'params': {
      const param = state.missing[0];
      const card = state.proposal.cards.find((match) => match.id === state.proposal.plan?.card)?.card;
      panel = param ? (
        <Box flexDirection="column">
          <StreamingPanel proposal={state.proposal} notices={state.notices} height={3} width={width} compact modelName={status.planner} />
          <ParamsInput key={param} param={param} card={card} active={active} onHelp={openHelp} onSubmit={(name, value) => dispatch({ type: 'param-submitted', name, value })} />
        </Box>
      ) : null;
      break;
    }
    case 'proposing':
    case 'verdict': {
      const streaming = state.screen === 'proposing' && !verdict;
      panel = (
        <Box flexDirection="column">
          <StreamingPanel proposal={state.proposal} notices={state.notices} height={streaming ? panelRows - 1 : 3} width={width} compact={!streaming} modelName={status.planner} />
          {state.proposal.plan && !streaming ? <UnderstoodLine plan={state.proposal.plan} draft={state.draft} keys={keymapOptions.canEdit === true} /> : null}
          {verdict || state.proposal.error || (!state.proposal.busy && state.screen === 'verdict') ? <VerdictPanel proposal={state.proposal} readOnly={state.readOnly} width={width} /> : null}
          {state.proposal.cancelled ? <Text color={theme.color('warning')}>cancelling…</Text> : null}
        </Box>
      );
      break;
    }
    case 'confirm':
      panel = (
        <Box flexDirection="column">
          <UnderstoodLine plan={state.proposal.plan} draft={state.draft} keys={kind !== 'typed-name'} />
          <VerdictPanel proposal={{ ...state.proposal, fromSuggestion: undefined }} readOnly={state.readOnly} width={width} />
          <DryRunPreview preview={state.preview} height={Math.max(3, panelRows - 10)} showWarning={false} full={state.fullPreview} />
          {confirmation ? (
            <ConfirmationPanel
              confirmation={confirmation}
              input={state.confirm.input}
              refusal={state.confirm.refusal}
              warning={previewFailure(state.preview)}
              ready={state.preview.status !== 'loading' && waiting}
              active={active}
              onInput={(input) => dispatch({ type: 'confirm-input', input })}
            />
          ) : null}
        </Box>
      );
      break;
    case 'running':
    case 'result':
      panel = (
        <Box flexDirection="column">
          <RunPanel run={state.run} watching={state.proposal.auto === true} />
          {state.screen === 'result' && followUps.length > 0 ? (
            <Box flexDirection="column">
              <Text bold>Next</Text>
              {followUps.map((followUp, index) => (
                <Text key={followUp.cardId} wrap="truncate-end">
                  <Text color={theme.color('key')} bold>{`[${index + 1}] `}</Text>
                  {followUp.label}
                </Text>
              ))}
            </Box>
          ) : null}
        </Box>
      );
      break;
    default:
      // diagnose (#15) and the approvals inbox (#17)
      panel = isDiagnoseScreen(state.screen) ? (
        <DiagnosePanel
          screen={state.screen}
          view={state.diagnose}
          services={services}
          active={active}
          onHelp={openHelp}
          limit={panelRows}
          width={width}
          initialNamespace={state.diagnose.namespace ?? state.lastNamespace}
          onNamespace={(namespace) => dispatch({ type: 'diagnose-namespace-picked', namespace })}
          onTarget={(target) => dispatch({ type: 'diagnose-target-picked', ...(target ? { target } : {}) })}
        />
      ) : isApprovalsScreen(state.screen) ? (
        <ApprovalsPanel screen={state.screen} view={state.approvals} active={active} limit={panelRows} width={width} onInput={(input) => dispatch({ type: 'approval-input', input })} />
      ) : null;
      break;
  }

  return (
    <>
      <Static items={state.transcript}>{(line) => <TranscriptRow key={line.id} line={line} />}</Static>
      <Box flexDirection="column" width={width}>
        <StatusBar status={status} namespace={state.draft.namespace ?? state.defaultNamespace ?? state.lastNamespace} width={width} fallback={fallbackReason(state.proposal, state.notices, status.planner)} approvalsWaiting={state.approvals.records.length} />
        <Text color={theme.color('muted')}>{'─'.repeat(Math.max(0, width))}</Text>
        <Box flexDirection="column" display={state.helpOpen ? 'none' : 'flex'}>
          {isDiagnoseScreen(state.screen) || isApprovalsScreen(state.screen) ? null : <Breadcrumb state={state} />}
          {panel}
        </Box>
        {state.helpOpen ? <HelpOverlay readOnly={state.readOnly} width={width} screen={state.screen} /> : null}
        {quitting ? <Text color={theme.color('muted')}>quitting…</Text> : <HelpBar bindings={bindings} width={width} />}
      </Box>
    </>
  );
}

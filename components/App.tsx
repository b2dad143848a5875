/**
 * The TUI: intent -> resource -> namespace -> name -> free text -> streaming plan -> verdict ->
 * dry-run preview -> confirmation -> live run -> back to the start with the session history.
 * Nothing runs that the user has not seen and confirmed on screen.
 */
import { Box, Static, Text, useApp } from 'ink';
import { KeyRouterContext, createKeyRouter, useKeyRouterInput, useKeys } from './hooks/use-keys.js';
import { useCallback, useEffect, useMemo, useReducer, useState } from 'react';
import type { Proposal } from '../src/pipeline/events.js';
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
import { IntentPicker } from './intent-picker.js';
import { bindingsFor, findBinding, type KeymapOptions } from './keymap.js';
import { NamePicker } from './name-picker.js';
import { NamespacePicker } from './namespace-picker.js';
import { ParamsInput } from './params-input.js';
import { ResourcePicker } from './resource-picker.js';
import { RunPanel } from './run-panel.js';
import type { TuiServices } from './services.js';
import { confirmationKind, confirmationTarget, initialState, reducer, requestFromDraft, typedNameRefusal, type TranscriptLine, type TuiState } from './state/reducer.js';
import { StatusBar } from './status-bar.js';
import { StreamingPanel } from './streaming-panel.js';
import { ThemeContext, createTheme, useTheme, type Theme } from './theme.js';
import { VerdictPanel } from './verdict-panel.js';

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

function Session({ services, readOnly = false, defaultNamespace, size: fixedSize, quitGraceMs = 3000 }: AppProps) {
  const theme = useTheme();
  const { exit } = useApp();
  const size = useTerminalSize(fixedSize);
  const status = useStatus(services);
  const [state, dispatch] = useReducer(reducer, { readOnly, defaultNamespace }, initialState);
  const pipeline = usePipeline(dispatch);
  const [quitting, setQuitting] = useState(false);

  // Start the propose stream whenever the reducer asks for a new proposal (never on draft edits alone).
  useEffect(() => {
    if (state.proposal.requestId === 0) return;
    const request = requestFromDraft(state.draft, state.extraParams) as K8sExecPayload;
    const suggestion = state.proposal.fromSuggestion;
    pipeline.start('propose', (signal) =>
      suggestion && services.proposeCommand ? services.proposeCommand(suggestion, request, signal) : services.propose(request, signal),
    );
  }, [state.proposal.requestId]);

  const verdict = state.proposal.verdict;
  const proposal = state.proposal.proposal;
  const kind = verdict ? confirmationKind(verdict) : 'enter';
  const blockedByReadOnly = state.readOnly && verdict?.mutating === true;
  const canProceed = Boolean(proposal && verdict && verdict.decision !== 'deny' && !state.proposal.busy && !blockedByReadOnly);
  const keymapOptions: KeymapOptions = {
    readOnly: state.readOnly,
    confirmAction: kind === 'enter' ? 'run' : kind === 'key' ? 'confirm-key' : 'confirm-typed',
    hasSuggestions: (verdict?.suggestions.length ?? 0) > 0 && !state.proposal.busy,
    canProceed,
  };

  const startRun = useCallback(
    (approved: Proposal, confirmed: boolean) => {
      pipeline.cancel('preview');
      dispatch({ type: 'run-started', command: approved.plan.command });
      pipeline.start('run', (signal) => services.runApproved(approved, confirmed, signal));
    },
    [pipeline, services],
  );

  const quit = useCallback(() => {
    if (quitting) return;
    setQuitting(true);
    void pipeline.shutdown(quitGraceMs).then(() => exit());
  }, [quitting, pipeline, quitGraceMs, exit]);

  const typing =
    (state.screen === 'namespace' || state.screen === 'name' || state.screen === 'query' || state.screen === 'params') ||
    (state.screen === 'confirm' && kind === 'typed-name');

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
    switch (binding.action) {
      case 'help':
        // In text fields `?` is a character: an empty field calls onHelp itself.
        if (!typing) dispatch({ type: 'help-toggled' });
        return;
      case 'cancel':
        if (state.screen === 'proposing' && state.proposal.busy) {
          pipeline.cancel('propose');
          dispatch({ type: 'cancel-requested', stage: 'propose' });
        } else if (state.screen === 'running' && state.run.busy) {
          pipeline.cancel('run');
          dispatch({ type: 'cancel-requested', stage: 'run' });
        } else if (state.screen === 'proposing') {
          dispatch({ type: 'back' });
        }
        return;
      case 'decline':
      case 'back':
        if (state.screen === 'confirm') {
          pipeline.cancel('preview');
          dispatch({ type: 'cancel-requested', stage: 'preview' });
          return;
        }
        dispatch({ type: 'back' });
        return;
      case 'accept-suggestion': {
        const suggestion = verdict?.suggestions[Number(input) - 1];
        if (suggestion) dispatch({ type: 'suggestion-accepted', args: [...suggestion.command] });
        return;
      }
      case 'proceed':
        if (!proposal || !verdict || !canProceed) return;
        if (kind === 'enter' && !verdict.mutating) {
          startRun(proposal, false);
          return;
        }
        dispatch({ type: 'confirm-opened' });
        if (verdict.mutating) pipeline.start('preview', (signal) => services.previewDryRun(proposal, signal));
        return;
      case 'run':
      case 'confirm-key':
      case 'confirm-typed': {
        if (!proposal || state.preview.status === 'loading' || blockedByReadOnly) return;
        if (binding.action === 'confirm-typed') {
          const refusal = typedNameRefusal(state.confirm.input, confirmationTarget(proposal));
          if (refusal) {
            dispatch({ type: 'confirm-refused', message: refusal });
            return;
          }
        }
        startRun(proposal, binding.action !== 'run');
        return;
      }
      case 'new-request':
        dispatch({ type: 'reset' });
        return;
      case 'quit':
        quit();
        return;
      case 'move':
      case 'select':
      case 'filter':
      case 'submit':
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
  const historyRows = Math.min(state.history.length + 1, Math.max(0, panelRows - 8));

  let panel: React.ReactNode;
  switch (state.screen) {
    case 'intent':
      panel = (
        <Box flexDirection="column">
          <IntentPicker catalog={services.catalog} readOnly={state.readOnly} active={active} limit={panelRows - 2 - historyRows} onSelect={(intent) => dispatch({ type: 'intent-picked', intent })} />
          <HistoryPanel history={state.history} limit={historyRows} />
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
          {verdict || state.proposal.error || (!state.proposal.busy && state.screen === 'verdict') ? <VerdictPanel proposal={state.proposal} readOnly={state.readOnly} width={width} /> : null}
          {state.proposal.cancelled ? <Text color={theme.color('warning')}>cancelling…</Text> : null}
        </Box>
      );
      break;
    }
    case 'confirm':
      panel = (
        <Box flexDirection="column">
          <VerdictPanel proposal={{ ...state.proposal, fromSuggestion: undefined }} readOnly={state.readOnly} width={width} />
          <DryRunPreview preview={state.preview} height={Math.max(3, panelRows - 9)} showWarning={false} />
          <ConfirmationPanel
            kind={kind}
            target={proposal ? confirmationTarget(proposal) : ''}
            input={state.confirm.input}
            refusal={state.confirm.refusal}
            warning={previewFailure(state.preview)}
            ready={state.preview.status !== 'loading'}
            readOnly={blockedByReadOnly}
            active={active}
            onInput={(input) => dispatch({ type: 'confirm-input', input })}
          />
        </Box>
      );
      break;
    case 'running':
    case 'result':
      panel = <RunPanel run={state.run} />;
      break;
  }

  return (
    <>
      <Static items={state.transcript}>{(line) => <TranscriptRow key={line.id} line={line} />}</Static>
      <Box flexDirection="column" width={width}>
        <StatusBar status={status} namespace={state.draft.namespace ?? state.defaultNamespace ?? state.lastNamespace} width={width} />
        <Text color={theme.color('muted')}>{'─'.repeat(Math.max(0, width))}</Text>
        <Box flexDirection="column" display={state.helpOpen ? 'none' : 'flex'}>
          <Breadcrumb state={state} />
          {panel}
        </Box>
        {state.helpOpen ? <HelpOverlay readOnly={state.readOnly} width={width} /> : null}
        {quitting ? <Text color={theme.color('muted')}>quitting…</Text> : <HelpBar bindings={bindings} />}
      </Box>
    </>
  );
}

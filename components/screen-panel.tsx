/**
 * The panel of the current screen: the request line and history, the pickers, the streaming plan
 * and verdict, the confirmation with its dry-run preview, the run and its follow-ups, and the
 * diagnose and approvals screens. It renders the state and turns input into actions; the keys that
 * are not a picker's or a text field's are the session's (hooks/use-session-keys.ts).
 */
import { Box, Text } from 'ink';
import type { Dispatch } from 'react';
import { ApprovalsPanel } from './approvals-panel.js';
import { ConfirmationPanel } from './confirmation-panel.js';
import { DiagnosePanel } from './diagnose-panel.js';
import { DryRunPreview, previewFailure } from './dry-run-preview.js';
import { FreeTextInput } from './free-text-input.js';
import { HistoryPanel } from './history-panel.js';
import type { TypedRequest } from './hooks/use-typed-request.js';
import { offeredIntents } from './intent-picker.js';
import { NamePicker } from './name-picker.js';
import { NamespacePicker } from './namespace-picker.js';
import { ParamsInput } from './params-input.js';
import { RequestLine } from './request-line.js';
import { offeredResources, ResourcePicker } from './resource-picker.js';
import { RunPanel } from './run-panel.js';
import type { StatusInfo, TuiServices } from './services.js';
import type { SessionView } from './session-view.js';
import { isApprovalsScreen } from './state/approvals-state.js';
import { isDiagnoseScreen } from './state/diagnose-state.js';
import type { TuiAction, TuiState } from './state/reducer.js';
import { StreamingPanel } from './streaming-panel.js';
import { useTheme } from './theme.js';
import { UnderstoodLine } from './understood-line.js';
import { VerdictPanel } from './verdict-panel.js';

/** Props. */
export interface ScreenPanelProps {
  state: TuiState;
  dispatch: Dispatch<TuiAction>;
  services: TuiServices;
  status: StatusInfo;
  view: SessionView;
  /** The panel has the keys (no help overlay, not quitting). */
  active: boolean;
  width: number;
  /** The rows left for the panel between the status bar and the help bar. */
  panelRows: number;
  typed: TypedRequest;
}

/** The panel; nothing for a screen that has nothing to show yet. */
export function ScreenPanel({ state, dispatch, services, status, view, active, width, panelRows, typed }: ScreenPanelProps) {
  const theme = useTheme();
  const verdict = state.proposal.verdict;
  const confirmation = state.proposal.confirmation;
  const { kind, waiting, undoEntry, followUps, keymapOptions } = view;
  const openHelp = () => dispatch({ type: 'help-toggled' });

  switch (state.screen) {
    case 'intent': {
      // The history never pushes the intents off the screen: the last few operations, in the rows left over.
      const intentRows = Math.ceil(offeredIntents(services.catalog, state.readOnly).length / (width >= 70 ? 2 : 1));
      const historyRows = state.history.length === 0 ? 0 : Math.max(0, Math.min(state.history.length + 1, 4, panelRows - 2 - intentRows));
      return (
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
            onSubmit={typed.submitLine}
            onPick={typed.pickIntent}
          />
          {historyRows > 0 ? <HistoryPanel history={state.history} limit={historyRows} {...(undoEntry?.operationId ? { undoTarget: undoEntry.operationId } : {})} /> : null}
        </Box>
      );
    }
    case 'resource':
      return <ResourcePicker catalog={services.catalog} intent={state.draft.intent} active={active} limit={panelRows - 2} onSelect={(resource) => dispatch({ type: 'resource-picked', resource })} />;
    case 'namespace':
      return <NamespacePicker services={services} initialValue={state.lastNamespace} active={active} onHelp={openHelp} limit={panelRows - 2} width={width} onSelect={(namespace) => dispatch({ type: 'namespace-picked', namespace })} />;
    case 'name': {
      const catalogFor = services.catalog.filter((entry) => entry.intent === state.draft.intent && entry.resource === state.draft.resource);
      const nameRequired = catalogFor.length === 0 || catalogFor.every((entry) => entry.required.includes('name'));
      return state.draft.resource ? (
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
    }
    case 'query':
      return <FreeTextInput active={active} onHelp={openHelp} initial={state.draft.query} onSubmit={(query) => dispatch({ type: 'query-submitted', query })} />;
    case 'params': {
      const param = state.missing[0];
      const card = state.proposal.cards.find((match) => match.id === state.proposal.plan?.card)?.card;
      return param ? (
        <Box flexDirection="column">
          <StreamingPanel proposal={state.proposal} notices={state.notices} height={3} width={width} compact modelName={status.planner} />
          <ParamsInput key={param} param={param} card={card} active={active} onHelp={openHelp} onSubmit={(name, value) => dispatch({ type: 'param-submitted', name, value })} />
        </Box>
      ) : null;
    }
    case 'proposing':
    case 'verdict': {
      const streaming = state.screen === 'proposing' && !verdict;
      return (
        <Box flexDirection="column">
          <StreamingPanel proposal={state.proposal} notices={state.notices} height={streaming ? panelRows - 1 : 3} width={width} compact={!streaming} modelName={status.planner} />
          {state.proposal.plan && !streaming ? <UnderstoodLine plan={state.proposal.plan} draft={state.draft} keys={keymapOptions.canEdit === true} /> : null}
          {verdict || state.proposal.error || (!state.proposal.busy && state.screen === 'verdict') ? <VerdictPanel proposal={state.proposal} readOnly={state.readOnly} width={width} /> : null}
          {state.proposal.cancelled ? <Text color={theme.color('warning')}>cancelling…</Text> : null}
        </Box>
      );
    }
    case 'confirm':
      return (
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
    case 'running':
    case 'result':
      return (
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
    default:
      // diagnose (#15) and the approvals inbox (#17)
      return isDiagnoseScreen(state.screen) ? (
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
  }
}

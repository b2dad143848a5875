/**
 * The diagnose screens (#15): which namespace, the whole namespace or one object, the investigation's
 * checks as they run, the findings (severity, object, reason, summary) with numbered remedies, and one
 * finding's evidence. A remedy's number turns it into an ordinary request (planned, validated,
 * previewed and confirmed like any other); nothing here runs a command.
 */
import { Box, Text } from 'ink';
import type { Evidence, Finding, Remediation } from '../src/diagnose/finding.js';
import { FilterList, pickerListProps, type FilterItem } from './filter-list.js';
import { useAsyncList } from './hooks/use-async-list.js';
import { NamespacePicker } from './namespace-picker.js';
import { objectRow } from './name-picker.js';
import type { TuiServices } from './services.js';
import { numberedRemediations, selectedFinding, type DiagnoseScreen, type DiagnoseStepView, type DiagnoseView } from './state/diagnose-state.js';
import { useTheme, type ColorRole } from './theme.js';

/** Props. */
export interface DiagnosePanelProps {
  screen: DiagnoseScreen;
  view: DiagnoseView;
  services: TuiServices;
  active: boolean;
  onHelp(): void;
  /** Rows the panel may use. */
  limit: number;
  width: number;
  initialNamespace?: string;
  onNamespace(namespace: string): void;
  onTarget(target: string | undefined): void;
}

/** The workload kinds offered as targets (pods roll up to them; any KIND/NAME can be typed). */
const TARGET_KINDS = [
  { resource: 'deployment', prefix: 'deploy' },
  { resource: 'statefulset', prefix: 'sts' },
  { resource: 'daemonset', prefix: 'ds' },
  { resource: 'cronjob', prefix: 'cj' },
] as const;

function severityRole(severity: Finding['severity']): ColorRole {
  return severity === 'critical' ? 'danger' : severity === 'warning' ? 'warning' : 'info';
}

function stepMark(status: DiagnoseStepView['status']): { mark: string; role: ColorRole } {
  switch (status) {
    case 'done':
      return { mark: '✔', role: 'success' };
    case 'running':
      return { mark: '…', role: 'muted' };
    case 'skipped':
      return { mark: '-', role: 'muted' };
    case 'failed':
      return { mark: '✗', role: 'danger' };
  }
}

/** At most `lines` lines' worth of text at `width` columns, cut with an ellipsis. */
export function clip(text: string, width: number, lines: number): string {
  const budget = Math.max(10, width * lines - 1);
  return text.length <= budget ? text : `${text.slice(0, budget - 1)}…`;
}

/** How a remedy's preview reads: its risk and what the policy said when the investigation planned it. */
export function remedyVerdict(remediation: Remediation): string {
  const preview = remediation.preview;
  if (!preview) return remediation.kind === 'fix' ? 'changes the cluster' : 'read-only';
  if (preview.decision === 'deny') return `${preview.risk} risk, denied by policy`;
  if (preview.risk === 'none') return 'read-only';
  return `${preview.risk} risk${preview.decision === 'confirm' ? ', needs confirmation' : ''}`;
}

/** One evidence line as the CLI prints it: where it was read, then the fact. */
export function evidenceLine(evidence: Evidence): string {
  const label = new Map<Evidence['type'], string>([['revision', 'rollout'], ['metric', 'usage']]).get(evidence.type) ?? evidence.type;
  const where = evidence.type === 'field' || evidence.type === 'spec' ? evidence.path ?? evidence.type : label;
  const mark = evidence.error ? '✗ ' : '';
  return `${where} ${mark}${evidence.text}`.replace(/\s+/g, ' ');
}

function TargetPicker(props: DiagnosePanelProps) {
  const theme = useTheme();
  const namespace = props.view.namespace ?? '';
  const list = useAsyncList(`diagnose-targets/${namespace}`, async (signal) => {
    const lists = await Promise.all(TARGET_KINDS.map(async (kind) => (await props.services.listObjects(kind.resource, namespace, signal).catch(() => [])).map((object) => ({ kind, object }))));
    return lists.flat();
  });
  const items: FilterItem[] = list.items.map(({ kind, object }) => ({ ...objectRow(object), value: `${kind.prefix}/${object.name}`, label: `${kind.resource}/${object.name}` }));
  return (
    <Box flexDirection="column">
      <Text bold>{`Investigate all of ${namespace}, or one object?`}</Text>
      {props.view.message ? <Text color={theme.color('warning')}>{props.view.message}</Text> : null}
      <FilterList
        items={items}
        {...pickerListProps(list, props)}
        loadingLabel="listing workloads…"
        limit={props.limit - 3}
        noneLabel={`(the whole namespace ${namespace})`}
        emptyLabel="no workloads found; type KIND/NAME (po/x, svc/web, pvc/data)"
        validateFreeEntry={(text) => (/^[A-Za-z0-9.]+\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$|^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(text) && text.length <= 300 ? undefined : 'type KIND/NAME (deploy/payments, po/x) or a workload name')}
        onSelect={props.onTarget}
      />
    </Box>
  );
}

function RunView({ view, limit, width }: { view: DiagnoseView; limit: number; width: number }) {
  const theme = useTheme();
  const rows = Math.max(1, limit - 3);
  const steps = view.steps.slice(-rows);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {`Investigating ${view.target ?? `namespace ${view.namespace ?? ''}`}`}
        {view.target ? <Text color={theme.color('muted')}>{` in ${view.namespace ?? ''}`}</Text> : null}
        {view.operationId ? <Text color={theme.color('muted')}>{` (operation ${view.operationId.slice(0, 8)})`}</Text> : null}
      </Text>
      {view.steps.length > rows ? <Text color={theme.color('muted')}>{`  … ${view.steps.length - rows} earlier checks`}</Text> : null}
      {steps.map((step) => {
        const { mark, role } = stepMark(step.status);
        return (
          <Text key={step.check} wrap="truncate-end">
            <Text color={theme.color(role)}>{`  ${mark} `}</Text>
            {step.check}
            {step.detail ? <Text color={theme.color('muted')}>{`  ${clip(step.detail, width, 1)}`}</Text> : null}
          </Text>
        );
      })}
      {view.steps.length === 0 ? <Text color={theme.color('muted')}>  starting…</Text> : null}
      <Text color={theme.color('muted')}>{view.cancelled ? 'cancelling…' : 'read-only: nothing in an investigation changes the cluster'}</Text>
    </Box>
  );
}

function Remedies({ finding, budget, width }: { finding: Finding; budget: number; width: number }) {
  const theme = useTheme();
  const remedies = numberedRemediations(finding);
  if (remedies.length === 0) return <Text color={theme.color('muted')}>no remedy rk8s can run: see the evidence (Enter)</Text>;
  const twoLines = remedies.length * 2 + 1 <= budget;
  const shown = twoLines ? remedies : remedies.slice(0, Math.max(1, budget - 1));
  return (
    <Box flexDirection="column">
      <Text bold>Remedies <Text color={theme.color('muted')}>(the number plans it; you see the verdict and confirm as usual)</Text></Text>
      {shown.map((remedy, index) => (
        <Box key={`${index}-${remedy.title}`} flexDirection="column">
          <Text wrap="truncate-end">
            <Text color={theme.color('key')} bold>{`[${index + 1}] `}</Text>
            {remedy.title}
            <Text color={theme.color(remedy.kind === 'fix' ? 'warning' : 'muted')}>{`  ${remedyVerdict(remedy)}`}</Text>
          </Text>
          {twoLines && remedy.preview?.command ? <Text color={theme.color('success')} wrap="truncate-end">{`    ${clip(remedy.preview.command, width - 4, 1)}`}</Text> : null}
        </Box>
      ))}
    </Box>
  );
}

function FindingsView({ view, limit, width }: { view: DiagnoseView; limit: number; width: number }) {
  const theme = useTheme();
  const document = view.document;
  if (!document || document.status === 'failed') {
    const error = view.error ?? document?.error;
    return (
      <Box flexDirection="column">
        <Text bold color={theme.color('danger')} wrap="wrap">{`The investigation failed: ${error?.message ?? 'no document'}`}</Text>
        {error?.hint ? <Text color={theme.color('muted')} wrap="wrap">{error.hint}</Text> : null}
        <Text color={theme.color('muted')}>Esc goes back to pick another target.</Text>
      </Box>
    );
  }
  const findings = document.findings;
  const finding = selectedFinding(view);
  const listRows = Math.min(findings.length, Math.max(1, Math.min(6, limit - 12)));
  const start = Math.max(0, Math.min(view.selected - Math.floor(listRows / 2), findings.length - listRows));
  const explanation = document.explanation;
  const used = 1 + listRows + (findings.length > listRows ? 1 : 0) + (finding ? 3 : 0) + (explanation ? 2 : 0);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">{document.summary.split('\n')[0]}</Text>
      {findings.slice(start, start + listRows).map((item, index) => {
        const selected = start + index === view.selected;
        return (
          <Text key={item.id} wrap="truncate-end">
            <Text color={selected ? theme.color('highlight') : undefined} bold={selected}>{selected ? '❯ ' : '  '}</Text>
            <Text color={theme.color(severityRole(item.severity))} bold>{item.severity.toUpperCase().padEnd(9)}</Text>
            <Text bold={selected}>{`${item.reason}  `}</Text>
            {`${item.object.kind.toLowerCase()}/${item.object.name}`}
            {item.causedBy ? <Text color={theme.color('muted')}>{`  (follows from ${item.causedBy})`}</Text> : null}
          </Text>
        );
      })}
      {findings.length > listRows ? <Text color={theme.color('muted')}>{`  ${findings.length} findings, ↑↓ to move`}</Text> : null}
      {finding ? <Text wrap="wrap">{clip(finding.summary, width, 3)}</Text> : null}
      {explanation ? (
        <Text color={theme.color('info')} wrap="wrap">{clip(`model ${explanation.model}: ${explanation.text}`, width, 2)}</Text>
      ) : null}
      {finding ? <Remedies finding={finding} budget={Math.max(2, limit - used)} width={width} /> : <Text color={theme.color('success')}>{`nothing is wrong in ${document.namespace} as far as rk8s can see`}</Text>}
    </Box>
  );
}

function EvidenceView({ view, limit, width }: { view: DiagnoseView; limit: number; width: number }) {
  const theme = useTheme();
  const finding = selectedFinding(view);
  if (!finding) return null;
  const remedies = numberedRemediations(finding);
  const fixed = 1 + 3 + (finding.check ? 2 : 0) + Math.min(remedies.length, 4) + 1;
  const rows = Math.max(2, limit - fixed);
  const lines = finding.evidence.map(evidenceLine);
  const offset = Math.min(view.evidenceOffset, Math.max(0, lines.length - rows));
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        <Text color={theme.color(severityRole(finding.severity))}>{`${finding.severity.toUpperCase()} `}</Text>
        {`${finding.reason}  ${finding.object.kind.toLowerCase()}/${finding.object.name}`}
        <Text color={theme.color('muted')}>{`  ${finding.id}`}</Text>
      </Text>
      <Text wrap="wrap">{clip(finding.summary, width, 3)}</Text>
      <Text bold>
        {`Evidence (${lines.length})`}
        {lines.length > rows ? <Text color={theme.color('muted')}>{`  ${offset + 1}-${Math.min(lines.length, offset + rows)}, ↑↓ to scroll`}</Text> : null}
      </Text>
      {lines.slice(offset, offset + rows).map((line, index) => (
        <Text key={`${offset + index}`} color={finding.evidence[offset + index]?.error ? theme.color('danger') : theme.color('muted')} wrap="truncate-end">{`  ${line}`}</Text>
      ))}
      {finding.check ? <Text color={theme.color('warning')} wrap="wrap">{clip(`check: ${finding.check}`, width - 10, 2)}</Text> : null}
      {remedies.slice(0, 4).map((remedy, index) => (
        <Text key={`${index}-${remedy.title}`} wrap="truncate-end">
          <Text color={theme.color('key')} bold>{`[${index + 1}] `}</Text>
          {remedy.title}
          <Text color={theme.color('muted')}>{`  ${remedyVerdict(remedy)}`}</Text>
        </Text>
      ))}
    </Box>
  );
}

/** The panel for whichever diagnose screen is current. */
export function DiagnosePanel(props: DiagnosePanelProps) {
  const theme = useTheme();
  switch (props.screen) {
    case 'diagnose-namespace':
      return (
        <Box flexDirection="column">
          <Text color={theme.color('muted')}>diagnose: a read-only investigation of a namespace</Text>
          <NamespacePicker services={props.services} initialValue={props.initialNamespace} active={props.active} onHelp={props.onHelp} limit={props.limit - 1} width={props.width} onSelect={props.onNamespace} />
        </Box>
      );
    case 'diagnose-target':
      return <TargetPicker {...props} />;
    case 'diagnose-run':
      return <RunView view={props.view} limit={props.limit} width={props.width} />;
    case 'diagnose-findings':
      return <FindingsView view={props.view} limit={props.limit} width={props.width} />;
    case 'diagnose-evidence':
      return <EvidenceView view={props.view} limit={props.limit} width={props.width} />;
  }
}

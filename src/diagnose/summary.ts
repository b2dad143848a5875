/** The deterministic summary every document carries (with or without a model): counts, then the top findings in plain words. */
import type { Finding, ObjectRef } from './finding.js';

/** How many findings the summary names. */
const NAMED = 3;

/** The summary of an investigation's findings. */
export function summarize(findings: readonly Finding[], namespace: string, target: ObjectRef | undefined, kinds: Readonly<Record<string, number>>): string {
  const scope = target ? `${target.kind} ${target.name} in ${namespace}` : `namespace ${namespace}`;
  const serious = findings.filter((finding) => finding.severity !== 'info');
  if (serious.length === 0) {
    const looked = Object.entries(kinds).filter(([, count]) => count > 0).slice(0, 6).map(([kind, count]) => `${count} ${kind}${count === 1 ? '' : 's'}`).join(', ');
    const info = findings.length > 0 ? ` (${findings.length} informational note${findings.length === 1 ? '' : 's'})` : '';
    return `No problems found in ${scope}${looked ? ` (checked ${looked})` : ''}${info}.`;
  }
  const bySeverity = (severity: Finding['severity']) => findings.filter((finding) => finding.severity === severity).length;
  const parts = [bySeverity('critical') && `${bySeverity('critical')} critical`, bySeverity('warning') && `${bySeverity('warning')} warning`, bySeverity('info') && `${bySeverity('info')} info`].filter(Boolean);
  const roots = findings.filter((finding) => !finding.causedBy);
  const lines = [`${findings.length} finding${findings.length === 1 ? '' : 's'} in ${scope} (${parts.join(', ')}); ${roots.length} root cause${roots.length === 1 ? '' : 's'}.`];
  for (const finding of roots.slice(0, NAMED)) {
    const fix = finding.remediations.find((remediation) => remediation.kind === 'fix');
    const next = fix ? ` Suggested: ${fix.title.charAt(0).toLowerCase()}${fix.title.slice(1)}.` : finding.check ? ` Check: ${finding.check}.` : '';
    const caused = findings.filter((other) => other.causedBy === finding.id).length;
    lines.push(`[${finding.severity}] ${finding.reason}: ${finding.summary}${caused > 0 ? ` It causes ${caused} other finding${caused === 1 ? '' : 's'}.` : ''}${next}`);
  }
  if (roots.length > NAMED) lines.push(`... and ${roots.length - NAMED} more root cause${roots.length - NAMED === 1 ? '' : 's'}.`);
  return lines.join('\n');
}

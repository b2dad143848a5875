import { describe, expect, it } from 'vitest';
import { EventPrinter } from '../../../src/cli/event-printer.js';
import type { PipelineEvent } from '../../../src/contracts/events.js';

type DryRunEnd = Extract<PipelineEvent, { type: 'dry-run-end' }>;

function printed(event: DryRunEnd, options: { fullPreview?: boolean } = {}): string {
  let text = '';
  new EventPrinter((chunk) => { text += chunk; }, options).print(event);
  return text;
}

const yaml = Array.from({ length: 70 }, (_, index) => `line-${index}`).join('\n');
const scale: DryRunEnd = { type: 'dry-run-end', output: yaml, exitCode: 0, changes: [{ object: 'deployment/web', field: 'replicas', from: '2', to: '5' }] };

describe('EventPrinter: the dry-run preview', () => {
  it('prints the change summary and hides the long YAML behind --full-preview', () => {
    const text = printed(scale);
    expect(text).toContain('deployment/web  replicas 2 → 5');
    expect(text).not.toContain('line-0');
    expect(text).toContain('70 lines: --full-preview prints it');
  });

  it('prints the whole output under the summary with --full-preview', () => {
    const text = printed(scale, { fullPreview: true });
    expect(text).toContain('deployment/web  replicas 2 → 5');
    expect(text).toContain('line-0');
    expect(text).toContain('line-69');
  });

  it('without a summary prints the output capped, saying how much is left', () => {
    const text = printed({ ...scale, changes: undefined });
    expect(text).toContain('line-19');
    expect(text).not.toContain('line-20');
    expect(text).toContain('… 50 more lines');
  });

  it('prints short output under the summary (a current-state table costs less than the hint)', () => {
    const text = printed({ ...scale, output: 'NAME  READY\nweb   2/2' });
    expect(text).toContain('web   2/2');
    expect(text).not.toContain('--full-preview');
  });

  it('prints all of a failed dry-run with the warning, summary or not', () => {
    const text = printed({ ...scale, exitCode: 1 });
    expect(text).toContain('line-69');
    expect(text).toMatch(/dry-run failed \(kubectl exit 1\)/);
  });
});

import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/diagnose/analyze.js';
import { summarize } from '../../../src/diagnose/summary.js';
import { composite } from './composite-snapshot.js';
import { cronJob, snapshotOf } from './fixtures.js';

describe('deterministic summary', () => {
  it('says nothing is wrong, with what was checked', () => {
    expect(summarize([], 'dev', undefined, { Pod: 2, Deployment: 2, Event: 0 })).toBe('No problems found in namespace dev (checked 2 Pods, 2 Deployments).');
    const info = analyze(snapshotOf({ cronJobs: [cronJob('nightly', { suspend: true })] }));
    expect(summarize(info, 'prod', undefined, { CronJob: 1 })).toBe('No problems found in namespace prod (checked 1 CronJob) (1 informational note).');
  });

  it('counts findings by severity and names the top root causes with their fix or check', () => {
    const findings = analyze(composite());
    const text = summarize(findings, 'prod', undefined, {});
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^\d+ findings in namespace prod \(\d+ critical, \d+ warning, \d+ info\); \d+ root causes\.$/);
    expect(lines[1]).toMatch(/^\[critical\] NodeNotReady: Node node-2 is NotReady .* It causes 1 other finding\. Check: check the node's kubelet/);
    expect(lines).toHaveLength(5);
    expect(lines[4]).toMatch(/^\.\.\. and \d+ more root causes\.$/);
  });
});

import { createHash } from 'node:crypto';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { execute, truncationMarker } from '../../../src/execute/execute.js';
import { alive, collect, fixture, kubectlPath, waitFor } from './fixtures.js';
import { itWith } from '../../helpers/prerequisites.js';


const expectedBothStreams = (count: number, stream: 'out' | 'err') =>
  Array.from({ length: count }, (_unused, index) => `${stream} ${index + 1}`);

describe('execute', () => {
  it('keeps stdout and stderr apart, in order, and reports exit code 0', async () => {
    const result = await collect(['5'], { kubectlPath: fixture('both-streams.mjs') });
    expect(result.stdout).toEqual(expectedBothStreams(5, 'out'));
    expect(result.stderr).toEqual(expectedBothStreams(5, 'err'));
    expect(result.end).toMatchObject({ exitCode: 0, truncated: false, timedOut: false, cancelled: false });
    expect(result.end.errorMessage).toBeUndefined();
    expect(result.events.filter((event) => event.type === 'exec-end')).toHaveLength(1);
  });

  it('reports a non-zero exit code with the last meaningful stderr line, not klog noise', async () => {
    const result = await collect([], { kubectlPath: fixture('exit-2.mjs') });
    expect(result.end.exitCode).toBe(2);
    expect(result.end.errorMessage).toBe('error: the server doesn\'t have a resource type "foos"');
    expect(result.stdout).toEqual(['partial output']);
  });

  it('summarises an unreachable cluster as kubectl does', async () => {
    const result = await collect(['get', 'pods'], { kubectlPath: fixture('fake-kubectl.mjs'), env: { FAKE_KUBECTL_MODE: 'refused' } });
    expect(result.end.exitCode).toBe(1);
    expect(result.end.errorMessage).toBe('The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?');
  });

  it('gives a clear error when kubectl is missing', async () => {
    const result = await collect(['get', 'pods'], { kubectlPath: '/nonexistent/bin/kubectl' });
    expect(result.end.exitCode).toBe(127);
    expect(result.end.errorMessage).toBe('kubectl not found at /nonexistent/bin/kubectl: install kubectl or set RK8S_KUBECTL');
  });

  it('passes KUBECONFIG in the environment and puts --context first only when configured', async () => {
    const configured = await collect(['get', 'pods'], { kubectlPath: fixture('fake-kubectl.mjs'), context: 'prod-eu', kubeconfig: '/tmp/kubeconfig-x' });
    expect(JSON.parse(configured.stdout[0]!)).toEqual({ args: ['--context', 'prod-eu', 'get', 'pods'], kubeconfig: '/tmp/kubeconfig-x' });
    const repeated = await collect(['get', 'pods', '--context=prod-eu'], { kubectlPath: fixture('fake-kubectl.mjs'), context: 'prod-eu' });
    expect(JSON.parse(repeated.stdout[0]!).args).toEqual(['get', 'pods', '--context=prod-eu']);
    const none = await collect(['get', 'pods'], { kubectlPath: fixture('fake-kubectl.mjs'), env: { KUBECONFIG: '' } });
    expect(JSON.parse(none.stdout[0]!).args).toEqual(['get', 'pods']);
  });

  it('decodes UTF-8 split across chunks and keeps a last line without a newline', async () => {
    const result = await collect([], { kubectlPath: fixture('no-newline.mjs') });
    expect(result.stdout).toEqual(['héllo wörld ✓', 'no newline at the end']);
  });

  it('times out: SIGTERM first, then SIGKILL after the grace period for a program that ignores SIGTERM', async () => {
    let pid = 0;
    const result = await collect([], { kubectlPath: fixture('ignore-sigterm.mjs'), timeoutSeconds: 3, killGraceMs: 300 }, undefined, (line) => {
      if (line.startsWith('ready ')) pid = Number(line.slice(6));
    });
    expect(pid).toBeGreaterThan(0);
    expect(result.stdout).toContain('got SIGTERM, ignoring it');
    expect(result.end).toMatchObject({ timedOut: true, cancelled: false, exitCode: 137 });
    expect(result.end.errorMessage).toBe('kubectl timed out after 3 s and was stopped');
    expect(await waitFor(() => !alive(pid))).toBe(true);
  });

  it('times out a program that exits on SIGTERM without needing SIGKILL', async () => {
    const result = await collect([], { kubectlPath: fixture('sleep.mjs'), timeoutSeconds: 0.3, killGraceMs: 60_000 });
    expect(result.end).toMatchObject({ timedOut: true, cancelled: false, exitCode: 143 });
  });

  it('cancels through an AbortSignal, escalating to SIGKILL', async () => {
    const controller = new AbortController();
    let pid = 0;
    const result = await collect([], { kubectlPath: fixture('ignore-sigterm.mjs'), killGraceMs: 200 }, controller.signal, (line) => {
      if (line.startsWith('ready ')) {
        pid = Number(line.slice(6));
        controller.abort();
      }
    });
    expect(result.end).toMatchObject({ cancelled: true, timedOut: false, exitCode: 137 });
    expect(result.end.errorMessage).toBe('cancelled: kubectl was stopped');
    expect(await waitFor(() => !alive(pid))).toBe(true);
  });

  it('does not start kubectl when the signal is already aborted', async () => {
    const result = await collect(['get', 'pods'], { kubectlPath: fixture('fake-kubectl.mjs') }, AbortSignal.abort());
    expect(result.stdout).toEqual([]);
    expect(result.end).toMatchObject({ cancelled: true, exitCode: 130 });
  });

  it('kills kubectl\'s descendants too, so a grandchild holding the pipe cannot hang the run', async () => {
    const controller = new AbortController();
    let grandchild = 0;
    const result = await collect([], { kubectlPath: fixture('spawn-grandchild.mjs'), killGraceMs: 200 }, controller.signal, (line) => {
      if (line.startsWith('grandchild ')) grandchild = Number(line.slice(11));
      if (line.startsWith('ready ')) controller.abort();
    });
    expect(grandchild).toBeGreaterThan(0);
    expect(result.end.cancelled).toBe(true);
    expect(await waitFor(() => !alive(grandchild))).toBe(true);
  });

  it('stops waiting for pipes held open by a child after kubectl itself has exited', async () => {
    let child = 0;
    const result = await collect([], { kubectlPath: fixture('exit-leaving-child.mjs'), killGraceMs: 300 }, undefined, (line) => {
      if (line.startsWith('child ')) child = Number(line.slice(6));
    });
    expect(child).toBeGreaterThan(0);
    expect(result.end).toMatchObject({ exitCode: 0, timedOut: false, cancelled: false });
    process.kill(child, 'SIGKILL');
  });

  it('truncates by lines, keeps draining the pipe so the program finishes, and hashes all output', async () => {
    const count = 20_000; // ~170 KB per stream: more than a pipe buffer, so a reader that stopped would block it
    const result = await collect([String(count)], { kubectlPath: fixture('both-streams.mjs'), maxOutputLines: 10 });
    const shown = result.events.filter((event) => event.type === 'exec-output');
    expect(shown).toHaveLength(11);
    expect(shown.at(-1)).toEqual({ type: 'exec-output', stream: 'stderr', line: truncationMarker('lines', 10, false) });
    expect(result.end).toMatchObject({ exitCode: 0, truncated: true, timedOut: false, cancelled: false });
    const fullStdout = expectedBothStreams(count, 'out').join('\n') + '\n';
    expect(result.end.stdoutSha256).toBe(createHash('sha256').update(fullStdout).digest('hex'));
  });

  it('truncates by bytes (newlines counted) with a visible marker', async () => {
    const result = await collect(['1000'], { kubectlPath: fixture('both-streams.mjs'), maxOutputBytes: 50 });
    const shown = result.events.flatMap((event) => (event.type === 'exec-output' ? [event.line] : []));
    const marker = shown.pop();
    expect(marker).toBe(truncationMarker('bytes', 50, false));
    const bytes = shown.reduce((total, line) => total + Buffer.byteLength(line) + 1, 0);
    expect(bytes).toBeLessThanOrEqual(50);
    expect(shown.length).toBeGreaterThan(0);
    expect(result.end).toMatchObject({ exitCode: 0, truncated: true });
  });

  it('cuts a line that never ends at the byte cap instead of buffering it whole', async () => {
    const result = await collect([], { kubectlPath: fixture('print-forever.mjs'), maxOutputBytes: 1000, killOnTruncate: true, killGraceMs: 200 });
    expect(result.end.truncated).toBe(true);
    const emitted = result.events.flatMap((event) => (event.type === 'exec-output' ? [event.line] : []));
    expect(emitted.at(-1)).toBe(truncationMarker('bytes', 1000, true));
  });

  it('stops a program that prints forever when the cap is configured to kill', async () => {
    const result = await collect([], { kubectlPath: fixture('print-forever.mjs'), maxOutputLines: 50, killOnTruncate: true, killGraceMs: 500 });
    expect(result.end).toMatchObject({ truncated: true, timedOut: false, cancelled: false, exitCode: 143 });
    expect(result.end.errorMessage).toContain('passed the cap');
    expect(result.stdout).toHaveLength(50);
  });

  it('kills kubectl when the consumer stops reading early', async () => {
    let pid = 0;
    let seen = 0;
    for await (const event of execute([], { kubectlPath: fixture('print-forever.mjs'), killGraceMs: 200 })) {
      if (event.type !== 'exec-output') continue;
      if (event.line.startsWith('pid ')) pid = Number(event.line.slice(4));
      if (++seen === 5) break;
    }
    expect(pid).toBeGreaterThan(0);
    expect(await waitFor(() => !alive(pid))).toBe(true);
  });

  it('stops a running kubectl when rk8s exits normally', async () => {
    const root = path.resolve(fixture('.'), '../../..');
    const result = await execa(process.execPath, ['--import', 'tsx', fixture('execute-then-exit.ts')], { cwd: root, reject: false });
    expect(result.exitCode, result.stderr).toBe(0);
    const sleeper = Number(/sleeping (\d+)/.exec(result.stdout)?.[1]);
    expect(sleeper).toBeGreaterThan(0);
    expect(await waitFor(() => !alive(sleeper))).toBe(true);
  });

  itWith(['kubectl'], 'runs the real kubectl', async () => {
    const result = await collect(['version', '--client'], { kubectlPath: kubectlPath! });
    expect(result.end.exitCode).toBe(0);
    expect(result.stdout.some((line) => line.startsWith('Client Version: v1.'))).toBe(true);
  });
});

import { EventEmitter } from 'node:events';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/config/paths.js';
import { CancelledError } from '../../../src/errors.js';
import { installShutdown, shutdownExitCode, type Shutdown, type ShutdownOptions } from '../../../src/cli/shutdown.js';

interface Harness {
  shutdown: Shutdown;
  source: EventEmitter;
  logs: string[];
  exits: number[];
  /** Resolves with the next exit code the shutdown asks for. */
  nextExit(): Promise<number>;
}

const installed: Shutdown[] = [];

afterEach(() => {
  for (const shutdown of installed.splice(0)) shutdown.dispose();
});

function harness(options: Partial<ShutdownOptions> = {}): Harness {
  const source = new EventEmitter();
  const logs: string[] = [];
  const exits: number[] = [];
  const exitWaiters: Array<(code: number) => void> = [];
  const shutdown = installShutdown({
    graceSeconds: 30,
    forceExitSeconds: 30,
    log: (message) => logs.push(message),
    source,
    exit: (code) => {
      exits.push(code);
      for (const wake of exitWaiters.splice(0)) wake(code);
    },
    ...options,
  });
  installed.push(shutdown);
  return { shutdown, source, logs, exits, nextExit: () => new Promise((resolve) => exitWaiters.push(resolve)) };
}

const aborted = (signal: AbortSignal) => new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));

describe('installShutdown', () => {
  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('%s requests a shutdown: stop taking work, cancel only later', async (signal) => {
    const { shutdown, source, logs } = harness();
    expect(shutdown.requested.aborted).toBe(false);
    source.emit(signal);
    expect(shutdown.requested.aborted).toBe(true);
    expect(shutdown.requested.reason).toBeInstanceOf(CancelledError);
    expect(shutdown.cause).toBe(signal);
    expect(await shutdown.started).toBe(signal);
    expect(shutdown.cancel.aborted).toBe(false);
    expect(logs[0]).toMatch(new RegExp(`^${signal}: shutting down; running commands get 30 s to finish`));
  });

  it('cancels when the grace period is over, and exits anyway if the front-end never drains', async () => {
    const { shutdown, source, logs, nextExit } = harness({ graceSeconds: 0.05, forceExitSeconds: 0.05 });
    source.emit('SIGTERM');
    await aborted(shutdown.cancel);
    expect(shutdown.cancel.reason).toBeInstanceOf(CancelledError);
    expect(logs).toContain('grace period of 0.05 s over: cancelling the commands still running (their outcome is recorded)');
    expect(await nextExit()).toBe(130);
  });

  it('reads the grace period when the shutdown starts (a command sets it once its config is loaded)', () => {
    let grace = 30;
    const { source, logs } = harness({ graceSeconds: () => grace });
    grace = 7;
    source.emit('SIGTERM');
    expect(logs[0]).toContain('get 7 s to finish');
  });

  it('a second signal cancels at once; a third exits at once', async () => {
    const { shutdown, source, exits } = harness();
    source.emit('SIGTERM');
    expect(shutdown.cancel.aborted).toBe(false);
    source.emit('SIGINT');
    expect(shutdown.cancel.aborted).toBe(true);
    expect(exits).toEqual([]);
    source.emit('SIGTERM');
    expect(exits).toEqual([130]);
    // The first cause stays.
    expect(shutdown.cause).toBe('SIGTERM');
  });

  it('a signal during a shutdown the front-end started (stdin closed) cancels at once', () => {
    const { shutdown, source } = harness();
    shutdown.request('input-closed');
    expect(shutdown.requested.aborted).toBe(true);
    expect(shutdown.cancel.aborted).toBe(false);
    source.emit('SIGTERM');
    expect(shutdown.cancel.aborted).toBe(true);
    expect(shutdown.cause).toBe('input-closed');
  });

  it('a grace period of 0 cancels as soon as the shutdown starts', () => {
    const { shutdown, source } = harness({ graceSeconds: 0 });
    source.emit('SIGTERM');
    expect(shutdown.cancel.aborted).toBe(true);
  });

  it('finish() stops the timers and gives the documented exit code', async () => {
    const clean = harness({ graceSeconds: 0.05, forceExitSeconds: 0.05 });
    clean.source.emit('SIGTERM');
    expect(clean.shutdown.finish({ cancelled: false })).toBe(0);
    // Neither the grace timer nor the force timer fires after finish().
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(clean.shutdown.cancel.aborted).toBe(false);
    expect(clean.exits).toEqual([]);
    // After finish, a signal ends the process with that code: nothing is left to lose.
    clean.source.emit('SIGTERM');
    expect(clean.exits).toEqual([0]);

    const interrupted = harness();
    interrupted.source.emit('SIGINT');
    expect(interrupted.shutdown.finish({ cancelled: false })).toBe(130);

    const cancelled = harness();
    cancelled.source.emit('SIGTERM');
    cancelled.source.emit('SIGTERM');
    expect(cancelled.shutdown.finish({ cancelled: false })).toBe(130);
  });

  it('dispose() removes every listener it added', () => {
    const { shutdown, source } = harness();
    expect(['SIGTERM', 'SIGINT', 'SIGHUP'].map((signal) => source.listenerCount(signal))).toEqual([1, 1, 1]);
    shutdown.dispose();
    expect(['SIGTERM', 'SIGINT', 'SIGHUP'].map((signal) => source.listenerCount(signal))).toEqual([0, 0, 0]);
  });
});

describe('shutdownExitCode', () => {
  it.each([
    ['SIGTERM', false, 0],
    ['SIGHUP', false, 0],
    ['input-closed', false, 0],
    ['SIGINT', false, 130],
    ['SIGTERM', true, 130],
    ['input-closed', true, 130],
  ] as const)('%s, cancelled=%s -> %i', (cause, cancelled, code) => {
    expect(shutdownExitCode(cause, cancelled)).toBe(code);
  });
});

/** Every .ts/.tsx file under a directory. */
function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const file = path.join(directory, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return /\.tsx?$/.test(name) ? [file] : [];
  });
}

describe('signal listeners (class guard)', () => {
  const root = packageRoot();
  const files = [...sourceFiles(path.join(root, 'src')), ...sourceFiles(path.join(root, 'components'))];

  it('no source file registers a one-shot signal listener (signal-exit then re-raises the signal mid-command)', () => {
    const offenders = files.filter((file) => /\.(once|prependOnceListener)\(\s*['"`]SIG/.test(readFileSync(file, 'utf8')));
    expect(offenders.map((file) => path.relative(root, file))).toEqual([]);
  });

  it('every long-running front-end installs the shared shutdown', () => {
    // exec and undo install it through startExecLifecycle (src/cli/exec-lifecycle.ts).
    expect(readFileSync(path.join(root, 'src', 'cli', 'exec-lifecycle.ts'), 'utf8')).toMatch(/installShutdown\(/);
    for (const command of ['serve', 'mcp', 'exec', 'undo', 'tui']) {
      const text = readFileSync(path.join(root, 'src', 'cli', 'commands', `${command}.ts`), 'utf8');
      expect(text, `${command}.ts`).toMatch(command === 'exec' || command === 'undo' ? /startExecLifecycle\(/ : /installShutdown\(/);
      expect(text, `${command}.ts`).not.toMatch(/process\.(on|addListener)\(\s*['"`]SIG/);
    }
  });
});

describe('a real process with execa running a child (the signal-exit interplay)', () => {
  const fixture = path.join(packageRoot(), 'test', 'fixtures', 'bin', 'shutdown-during-execute.ts');

  async function run(seconds: string, grace: string, signals: NodeJS.Signals[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; events: Array<{ type: string; exitCode?: number; cancelled?: boolean }> }> {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, seconds, grace], { cwd: packageRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + 20_000;
    while (!stdout.includes('sleeping')) {
      if (Date.now() > deadline) throw new Error(`the fixture never started its child; stdout: ${stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Signals of one kind sent together merge into one: send each once the previous one was heard.
    for (const [index, signal] of signals.entries()) {
      child.kill(signal);
      const heard = index === 0 ? 'shutting down' : 'during shutdown';
      while (!stderr.includes(heard) && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const result = await exited;
    return { ...result, events: stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string }) };
  }

  it('survives SIGTERM, lets the child finish within the grace period and exits 0', async () => {
    const { code, signal, events } = await run('1', '20', ['SIGTERM']);
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(events.at(-1)).toMatchObject({ type: 'exec-end', exitCode: 0, cancelled: false });
  });

  it('cancels the child when the grace period is over, reports it, and exits 130', async () => {
    const { code, signal, events } = await run('60', '0.3', ['SIGTERM']);
    expect(signal).toBeNull();
    expect(code).toBe(130);
    expect(events.at(-1)).toMatchObject({ type: 'exec-end', cancelled: true });
  });

  it('a second signal cancels the child at once', async () => {
    const { code, events } = await run('60', '60', ['SIGINT', 'SIGINT']);
    expect(code).toBe(130);
    expect(events.at(-1)).toMatchObject({ type: 'exec-end', cancelled: true });
  });
});

/**
 * The one way end-to-end tests drive a real terminal: a private tmux server (its own `-L` socket, so
 * parallel files never share sessions), sessions of a given size running a program with an
 * environment, keys in (send-keys), the screen out (capture-pane), and waits that poll the screen
 * with the shared `waitFor` (vi.waitFor) until it shows what the test expects, never a fixed sleep.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { packageRoot } from '../../src/config/paths.js';
import { RK8S_BIN } from './cli.js';
import { waitFor } from './sandbox.js';

/** What a screen must show: a string it contains, a pattern it matches, or a test. */
export type ScreenPredicate = string | RegExp | ((screen: string) => boolean);

/** One step of a key sequence: a key (or keys) to send, then what the screen must show before the next step. */
export type TerminalStep = readonly [key: string | readonly string[], until: ScreenPredicate];

/** How a session starts. */
export interface TerminalOptions {
  /** Columns and rows: 80x24 unless given. */
  width?: number;
  height?: number;
  /** Variables set for the program (on top of the environment of the process that started the tmux server). */
  env?: Record<string, string>;
  /** Where the program starts: the package root unless given. */
  cwd?: string;
  /** A file the program's pid is written to (the program replaces the shell that writes it). */
  pidFile?: string;
  /** Capture with wrapped lines joined (capture-pane -J). */
  joinLines?: boolean;
  /** How long a wait polls before it fails, unless the wait says otherwise: 30 s. */
  timeoutMs?: number;
}

/** A tmux session running one program. */
export interface Terminal {
  readonly name: string;
  /** The screen as it is now. */
  screen(): string;
  /** Sends tmux keys: key names (Enter, Escape, C-c, Up) or characters; each argument is one keypress. */
  key(...keys: string[]): void;
  /** Sends text literally (no key-name lookup). */
  type(text: string): void;
  /** Waits until the screen shows `predicate`; returns that screen, or fails with the last screen. */
  waitFor(predicate: ScreenPredicate, options?: { timeoutMs?: number }): Promise<string>;
  /** Sends each step's key and waits for its screen, in order; returns the last screen. */
  steps(...steps: TerminalStep[]): Promise<string>;
  /** The program's exit code once it has exited (read off the screen), else undefined. */
  exitCode(): number | undefined;
  /** Waits until the program has exited; its exit code and the screen at that moment. */
  exited(options?: { timeoutMs?: number }): Promise<{ code: number; screen: string }>;
  /** Ends the session. */
  close(): void;
}

/** A private tmux server. */
export interface TmuxServer {
  readonly socket: string;
  /** Runs a tmux command on this server; throws with tmux's stderr when it fails. */
  tmux(...args: string[]): string;
  /** Starts a detached session `name` running `argv` (a program and its arguments, never shell text). */
  open(name: string, argv: readonly string[], options?: TerminalOptions): Terminal;
  /** Kills the server and every session on it. */
  kill(): void;
}

/** The line the session's shell prints when the program exits (the pane then stays up to be read). */
const EXIT_MARKER = 'RK8S-E2E-EXIT=';
const EXITED = new RegExp(`${EXIT_MARKER}(\\d+)`);

/** A single-quoted shell word. */
export const shellQuote = (text: string): string => `'${text.replaceAll("'", "'\\''")}'`;

const toTest = (predicate: ScreenPredicate): ((screen: string) => boolean) =>
  typeof predicate === 'string' ? (screen) => screen.includes(predicate) : predicate instanceof RegExp ? (screen) => predicate.test(screen) : predicate;

let servers = 0;

/** Starts nothing yet: the server comes up with its first session. `label` names the socket (one per process and call). */
export function tmuxServer(label: string): TmuxServer {
  const socket = `rk8s-${label}-${process.pid}-${++servers}`;
  const tmux = (...args: string[]): string => {
    const result = spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };
  return {
    socket,
    tmux,
    open(name, argv, options = {}) {
      const environment = Object.entries(options.env ?? {}).map(([key, value]) => `${key}=${value}`);
      const program = [...(environment.length > 0 ? ['env', ...environment] : []), ...argv].map(shellQuote).join(' ');
      // The inner shell writes its pid (when asked), then becomes the program: that pid is the program's.
      const inner = `${options.pidFile ? `echo $$ > ${shellQuote(options.pidFile)}; ` : ''}exec ${program}`;
      const command = `sh -c ${shellQuote(inner)}; echo "${EXIT_MARKER}$?"; sleep 120`;
      tmux('new-session', '-d', '-s', name, '-x', String(options.width ?? 80), '-y', String(options.height ?? 24), '-c', options.cwd ?? packageRoot(), command);
      const screen = () => tmux('capture-pane', '-p', ...(options.joinLines ? ['-J'] : []), '-t', name);
      const defaultTimeoutMs = options.timeoutMs ?? 30_000;
      const terminal: Terminal = {
        name,
        screen,
        key: (...keys) => void tmux('send-keys', '-t', name, ...keys),
        type: (text) => void tmux('send-keys', '-t', name, '-l', text),
        async waitFor(predicate, waitOptions = {}) {
          const test = toTest(predicate);
          try {
            return await waitFor(() => {
              const text = screen();
              return test(text) ? text : undefined;
            }, { what: `the screen to show ${String(predicate)}`, timeoutMs: waitOptions.timeoutMs ?? defaultTimeoutMs, intervalMs: 50 });
          } catch (error) {
            throw new Error(`${(error as Error).message}; last screen:\n${screen()}`);
          }
        },
        async steps(...steps) {
          let text = screen();
          for (const [key, until] of steps) {
            terminal.key(...(typeof key === 'string' ? [key] : key));
            text = await terminal.waitFor(until);
          }
          return text;
        },
        exitCode() {
          const match = EXITED.exec(screen());
          return match ? Number(match[1]) : undefined;
        },
        async exited(waitOptions = {}) {
          const text = await terminal.waitFor(EXITED, waitOptions);
          return { code: Number(EXITED.exec(text)![1]), screen: text };
        },
        close: () => void spawnSync('tmux', ['-L', socket, 'kill-session', '-t', name], { stdio: 'ignore' }),
      };
      return terminal;
    },
    kill: () => void spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' }),
  };
}

/**
 * A tmux server for the enclosing describe block (or file), killed after it; with `perTest`, a new
 * server for each test, killed after that test (a server being killed cannot take a new session).
 */
export function useTmux(label: string, options: { perTest?: boolean } = {}): () => TmuxServer {
  let server: TmuxServer | undefined = options.perTest ? undefined : tmuxServer(label);
  if (options.perTest) {
    beforeEach(() => {
      server = tmuxServer(label);
    });
    afterEach(() => server?.kill());
  } else {
    afterAll(() => server?.kill());
  }
  return () => {
    if (!server) throw new Error('no tmux server: useTmux must be called in a describe block, and tests run after beforeEach');
    return server;
  };
}

/** The argv of the built rk8s with `args` (fails at once, saying how, when it is not built). */
export function rk8sArgv(...args: string[]): string[] {
  if (!existsSync(RK8S_BIN)) throw new Error(`${RK8S_BIN} is missing: run npm run build first (npm test does)`);
  return [process.execPath, RK8S_BIN, ...args];
}

/** The 1-9 key of a picker row labelled `label` on the screen (one or two columns: the number is right before the label). */
export function numberOf(screen: string, label: string): string {
  const match = new RegExp(`(?:^|\\s)[❯› ] (\\d) ${label}\\b`, 'm').exec(screen);
  if (!match) throw new Error(`no numbered row "${label}" on screen:\n${screen}`);
  return match[1]!;
}

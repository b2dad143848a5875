/**
 * What the real kubectl says about its flags, read two ways that need no cluster:
 *   - its help text (`kubectl <command> --help`, `kubectl options`): every flag line of the form
 *     `    -o, --output='':` gives the name, the shorthand and the default, and pflag prints a bool's
 *     default bare (`--watch=false:`), a string's quoted (`--dry-run='none':`), an int's as digits
 *     (`--tail=-1:`), a list's as `[]`, a duration's as `0s`;
 *   - a parse probe: `kubectl <command> --help --<flag>` makes pflag parse the flag before cobra
 *     prints help, so it fails with "flag needs an argument" for a flag that takes a value, "unknown
 *     flag" for one that does not exist, and succeeds for a bool or a string with a NoOptDefVal
 *     (--dry-run, --cascade); `--<flag>=not-a-bool` then tells those two apart. Probes also find
 *     hidden (deprecated) flags that the help text leaves out.
 */
import { execa } from 'execa';

/** One flag as kubectl's help prints it. */
export interface HelpFlag {
  name: string;
  short?: string;
  /** The default exactly as printed ("false", "''", "-1", "[]", "0s"). */
  defaultText: string;
  kind: 'boolean' | 'value';
}

/** How kubectl's flag parser treats a flag, from probes. */
export type ProbedKind = 'unknown' | 'value' | 'boolean' | 'optional';

const FLAG_LINE = /^ {4}(?:-([A-Za-z0-9]), )?--([A-Za-z0-9][A-Za-z0-9_-]*)=(.*):$/gm;

/** Parses every flag line of a help text. */
export function parseHelpFlags(text: string): Map<string, HelpFlag> {
  const flags = new Map<string, HelpFlag>();
  for (const match of text.matchAll(FLAG_LINE)) {
    const [, short, name, defaultText] = match;
    flags.set(name!, {
      name: name!,
      ...(short ? { short } : {}),
      defaultText: defaultText!,
      kind: defaultText === 'true' || defaultText === 'false' ? 'boolean' : 'value',
    });
  }
  return flags;
}

/** Runs kubectl with an empty environment for kubeconfig, so nothing ever reaches a cluster. */
export async function runKubectl(kubectl: string, args: readonly string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const result = await execa(kubectl, args, {
    reject: false,
    timeout: 20_000,
    env: { KUBECONFIG: '/nonexistent/rk8s-flag-table-test', HOME: '/nonexistent', PATH: process.env.PATH ?? '' },
    extendEnv: false,
  });
  return { exitCode: result.exitCode ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** The help text of a command (["get"], ["rollout", "undo"]), or of the global options (["options"]). */
export async function helpText(kubectl: string, words: readonly string[]): Promise<string> {
  const result = await runKubectl(kubectl, words[0] === 'options' ? ['options'] : [...words, '--help']);
  if (result.exitCode !== 0) throw new Error(`kubectl ${words.join(' ')} --help failed: ${result.stderr}`);
  return result.stdout;
}

/** How pflag parses `--name` for a command (see the module comment). */
export async function probeFlag(kubectl: string, words: readonly string[], name: string): Promise<ProbedKind> {
  const bare = await runKubectl(kubectl, [...words, '--help', `--${name}`]);
  if (/unknown flag/.test(bare.stderr)) return 'unknown';
  if (/flag needs an argument/.test(bare.stderr)) return 'value';
  if (bare.exitCode !== 0) throw new Error(`unexpected answer probing kubectl ${words.join(' ')} --${name}: ${bare.stderr}`);
  const notBool = await runKubectl(kubectl, [...words, '--help', `--${name}=rk8s-not-a-bool`]);
  if (/invalid argument/.test(notBool.stderr)) return 'boolean';
  if (notBool.exitCode !== 0) throw new Error(`unexpected answer probing kubectl ${words.join(' ')} --${name}=x: ${notBool.stderr}`);
  return 'optional';
}

/** How pflag parses the shorthand `-x` for a command: unknown, or the long flag it belongs to is probed separately. */
export async function shorthandExists(kubectl: string, words: readonly string[], letter: string): Promise<boolean> {
  const result = await runKubectl(kubectl, [...words, '--help', `-${letter}`]);
  return !/unknown shorthand flag/.test(result.stderr);
}

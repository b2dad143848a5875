/**
 * The shape of one parsed kubectl argv, shared by the parser and every rule that reads it, and the
 * two accessors the rules use to read flags the way kubectl does (the last occurrence wins).
 */
import { escapeUnsafe } from './unsafe-characters.js';
import type { ViolationCode } from '../schemas/verdict.js';

/** One flag as given, under its long name. */
export interface ParsedFlag {
  /** Long name without dashes, "_" normalised to "-" as kubectl does ("all-namespaces" for -A). */
  name: string;
  /** The value; "true" for a boolean flag given bare. */
  value: string;
  /** The argument(s) exactly as written, e.g. "-nprod" or "--namespace=prod". */
  spelling: string;
  /** False when kubectl would not know this flag for this command (its value-ness was guessed). */
  known: boolean;
  /** Given before the command word. */
  beforeVerb: boolean;
}

/** Why an argv is suspicious or malformed; the validator turns each into a violation. */
export interface ParseProblem {
  code: ViolationCode;
  message: string;
}

/** One object (or object type) the command addresses. */
export interface ParsedTarget {
  /** Canonical resource ("deployment"), or the spelling lower-cased when unknown. */
  resource: string;
  /** As written ("deploy", "deployments.apps"). */
  spelling: string;
  known: boolean;
  name?: string;
}

/** The parse of one kubectl argv. */
export interface ParsedCommand {
  args: readonly string[];
  /** The first word: "get", "rollout", "exec", or whatever unknown word came first. */
  verb?: string;
  /** The second word for commands that have subcommands ("restart", "pods", "can-i", "job"). */
  subcommand?: string;
  /** The verb the policy names ("get", "rollout restart", "top", "create job"), when the command is known. */
  command?: string;
  /** The parser's key for the command ("top pod"), when known. */
  commandKey?: string;
  known: boolean;
  /** Whether the command changes cluster state; true for unknown commands, to fail safe. */
  mutating: boolean;
  /** Every resource type addressed, canonical when known. */
  resources: string[];
  /** Every object name addressed. */
  names: string[];
  targets: ParsedTarget[];
  namespace?: string;
  flags: ParsedFlag[];
  /** Positional arguments after the command word(s), as given. */
  positionals: string[];
  /** For logs: the container named positionally. */
  container?: string;
  problems: ParseProblem[];
}

/** The last value of a flag (kubectl keeps the last), or undefined when absent. */
export function flagValue(parsed: ParsedCommand, name: string): string | undefined {
  let found: string | undefined;
  for (const flag of parsed.flags) if (flag.name === name) found = flag.value;
  return found;
}

/** How many times a flag was given (in any spelling). */
export function flagCount(parsed: ParsedCommand, name: string): number {
  let count = 0;
  for (const flag of parsed.flags) if (flag.name === name) count++;
  return count;
}

const FALSE_VALUES: ReadonlySet<string> = new Set(['false', '0', 'f', 'F', 'FALSE', 'False']);

/** True when a flag is present and not explicitly false (`--all`, `--all=true`, `-A`). */
export function flagIsSet(parsed: ParsedCommand, name: string): boolean {
  const found = flagValue(parsed, name);
  return found !== undefined && !FALSE_VALUES.has(found);
}

/**
 * An argument quoted for a message: cut to 60 characters so a huge argument cannot flood the output,
 * unsafe characters escaped so a bidi override cannot reorder what the human reads.
 */
export function describeArgument(argument: string): string {
  return JSON.stringify(escapeUnsafe(argument.length > 60 ? `${argument.slice(0, 60)}…` : argument));
}

/**
 * Parses the argv after `kubectl` the way kubectl (cobra + pflag) reads it: verb and subcommand,
 * resources in every spelling, names, namespace, every flag with its value, the positional rest.
 * Never throws: anything odd (unknown verb or flag, a control character, a flag before the verb that
 * is not global) becomes a problem in the result, which the policy denies.
 */
import {
  CLUSTER_SCOPED_RESOURCES,
  DNS1123_LABEL,
  DNS1123_SUBDOMAIN,
  normalizeResource,
  type Resource,
} from '../schemas/vocabulary.js';
import {
  COMMANDS,
  FORBIDDEN_VERBS,
  GLOBAL_FLAGS,
  SIMPLE_VERBS,
  SUBCOMMANDS,
  type CommandSpec,
  type FlagSpec,
} from './kubectl-commands.js';

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
  code: string;
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
  /** The second word for commands that have subcommands ("restart", "pods", "can-i"). */
  subcommand?: string;
  /** The verb the policy names ("get", "rollout restart", "top"), when the command is known. */
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

/** Kinds outside the public vocabulary that kubectl knows; recognised so the policy can name (or deny) them. */
const EXTRA_RESOURCE_ALIASES: Readonly<Record<string, readonly string[]>> = {
  secret: ['secret', 'secrets'],
  replicaset: ['replicaset', 'replicasets', 'rs', 'replicaset.apps', 'replicasets.apps'],
  persistentvolume: ['persistentvolume', 'persistentvolumes', 'pv'],
  poddisruptionbudget: ['poddisruptionbudget', 'poddisruptionbudgets', 'pdb', 'poddisruptionbudgets.policy'],
  serviceaccount: ['serviceaccount', 'serviceaccounts', 'sa'],
  networkpolicy: ['networkpolicy', 'networkpolicies', 'netpol', 'networkpolicies.networking.k8s.io'],
  storageclass: ['storageclass', 'storageclasses', 'sc', 'storageclasses.storage.k8s.io'],
  role: ['role', 'roles', 'roles.rbac.authorization.k8s.io'],
  rolebinding: ['rolebinding', 'rolebindings', 'rolebindings.rbac.authorization.k8s.io'],
  clusterrole: ['clusterrole', 'clusterroles', 'clusterroles.rbac.authorization.k8s.io'],
  clusterrolebinding: ['clusterrolebinding', 'clusterrolebindings', 'clusterrolebindings.rbac.authorization.k8s.io'],
  resourcequota: ['resourcequota', 'resourcequotas', 'quota'],
  limitrange: ['limitrange', 'limitranges', 'limits'],
  // Read by investigations (rk8s diagnose): endpoint readiness, ingress classes, rollout history.
  endpointslice: ['endpointslice', 'endpointslices', 'endpointslices.discovery.k8s.io'],
  ingressclass: ['ingressclass', 'ingressclasses', 'ingressclasses.networking.k8s.io'],
  controllerrevision: ['controllerrevision', 'controllerrevisions', 'controllerrevisions.apps'],
  all: ['all'],
};

const extraAliases = new Map<string, string>();
for (const [resource, aliases] of Object.entries(EXTRA_RESOURCE_ALIASES)) {
  for (const alias of aliases) extraAliases.set(alias, resource);
}

/** Every canonical resource the parser can produce (vocabulary plus the extra kinds and "all"). */
export const KNOWN_RESOURCES: ReadonlySet<string> = new Set<string>([
  ...(['deployment', 'pod', 'node', 'service', 'endpoints', 'statefulset', 'daemonset', 'job', 'cronjob', 'hpa', 'pvc', 'ingress', 'configmap', 'namespace', 'events'] satisfies Resource[]),
  ...Object.keys(EXTRA_RESOURCE_ALIASES),
]);

const EXTRA_CLUSTER_SCOPED: ReadonlySet<string> = new Set(['persistentvolume', 'storageclass', 'ingressclass', 'clusterrole', 'clusterrolebinding']);

/** True for resources that live outside namespaces (node, namespace, persistentvolume...). */
export function isClusterScoped(resource: string): boolean {
  return CLUSTER_SCOPED_RESOURCES.has(resource as Resource) || EXTRA_CLUSTER_SCOPED.has(resource);
}

const VERSION_SEGMENT = /^v\d+((alpha|beta)\d+)?$/;

/** Maps any kubectl spelling of a kind ("deploy", "deployments.v1.apps", "Pods") to its canonical name. */
export function normalizeKind(spelling: string): string | undefined {
  const lower = spelling.toLowerCase();
  const direct = normalizeResource(lower) ?? extraAliases.get(lower);
  if (direct) return direct;
  // kubectl also accepts resource.version.group ("deployments.v1.apps"); drop the version and retry.
  const segments = lower.split('.');
  if (segments.length >= 3 && VERSION_SEGMENT.test(segments[1]!)) {
    const withoutVersion = [segments[0]!, ...segments.slice(2)].join('.');
    return normalizeResource(withoutVersion) ?? extraAliases.get(withoutVersion);
  }
  return undefined;
}

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f\u2028\u2029]/;
/** Longest single argument accepted. */
export const MAX_ARGUMENT_LENGTH = 1024;
/** Most arguments accepted. */
export const MAX_ARGUMENTS = 64;
const BOOLEAN_VALUES = new Set(['true', 'false', '1', '0', 't', 'f', 'TRUE', 'FALSE', 'True', 'False', 'T', 'F']);
const TRUE_VALUES = new Set(['true', '1', 't', 'TRUE', 'True', 'T']);
const INTEGER_FLAGS = new Set([
  'replicas', 'current-replicas', 'to-revision', 'revision', 'tail', 'grace-period', 'limit-bytes',
  'max-log-requests', 'chunk-size',
]);

/** True when a boolean flag value means true (as strconv.ParseBool reads it). */
export function isTrueValue(value: string): boolean {
  return TRUE_VALUES.has(value);
}

interface FlagTable {
  long: Map<string, FlagSpec>;
  short: Map<string, FlagSpec>;
}

function tableOf(flags: readonly FlagSpec[]): FlagTable {
  const table: FlagTable = { long: new Map(), short: new Map() };
  for (const flag of flags) {
    table.long.set(flag.name, flag);
    if (flag.short) table.short.set(flag.short, flag);
  }
  return table;
}

const globalTable = tableOf(GLOBAL_FLAGS);
const commandTables = new Map<string, FlagTable>(
  [...COMMANDS.values()].map((spec) => [spec.key, tableOf([...GLOBAL_FLAGS, ...spec.flags])]),
);

function describeArgument(argument: string): string {
  return JSON.stringify(argument.length > 60 ? `${argument.slice(0, 60)}…` : argument);
}

/** Parses the argv after `kubectl`. Never throws. */
export function parseKubectlArgs(args: readonly string[]): ParsedCommand {
  const parsed: ParsedCommand = {
    args,
    known: false,
    mutating: true,
    resources: [],
    names: [],
    targets: [],
    flags: [],
    positionals: [],
    problems: [],
  };
  try {
    parseInto(parsed, args);
  } catch (error) {
    // Defensive: the parser is written not to throw; if it ever does, the command is refused, not crashed on.
    parsed.problems.push({ code: 'PARSE_FAILED', message: `cannot parse the command: ${(error as Error).message}` });
  }
  return parsed;
}

function parseInto(parsed: ParsedCommand, args: readonly string[]): void {
  if (!Array.isArray(args)) {
    parsed.problems.push({ code: 'ARG_INVALID', message: 'the command must be an array of strings' });
    return;
  }
  if (args.length > MAX_ARGUMENTS) {
    parsed.problems.push({ code: 'ARG_INVALID', message: `too many arguments (${args.length}, at most ${MAX_ARGUMENTS})` });
  }
  const problem = (code: string, message: string) => parsed.problems.push({ code, message });

  // Checked up front for every argument, flag values included (the loop below skips over those).
  args.forEach((argument: unknown, index) => {
    if (typeof argument !== 'string') return;
    if (CONTROL_CHARACTERS.test(argument)) {
      problem('ARG_CONTROL_CHARACTER', `argument ${index} contains a NUL, newline or other control character`);
    }
    if (argument.length > MAX_ARGUMENT_LENGTH) {
      problem('ARG_INVALID', `argument ${index} is longer than ${MAX_ARGUMENT_LENGTH} characters`);
    }
  });

  let spec: CommandSpec | undefined;
  let table = globalTable;
  /** The command word(s) are complete: flags now belong to the command. */
  let commandComplete = false;
  let afterSeparator = false;
  const rawPositionals: string[] = [];

  for (let index = 0; index < args.length; index++) {
    const argument: unknown = args[index];
    if (typeof argument !== 'string') {
      problem('ARG_INVALID', `argument ${index} is not a string`);
      continue;
    }

    if (afterSeparator || argument === '-' || !argument.startsWith('-') || argument.length === 1) {
      // A word: the verb, the subcommand, or a positional argument.
      if (parsed.verb === undefined) {
        parsed.verb = argument;
        const subcommands = SUBCOMMANDS[argument];
        if (subcommands === undefined) {
          commandComplete = true;
          if (SIMPLE_VERBS.has(argument)) spec = COMMANDS.get(argument);
          else if (!FORBIDDEN_VERBS.has(argument)) problem('VERB_UNKNOWN', `unknown or unsupported command ${describeArgument(argument)}`);
        }
      } else if (!commandComplete) {
        parsed.subcommand = argument;
        commandComplete = true;
        const key = SUBCOMMANDS[parsed.verb]?.[argument];
        if (key) spec = COMMANDS.get(key);
        else problem('SUBCOMMAND_UNKNOWN', `unknown or unsupported subcommand "${parsed.verb} ${argument}"`);
      } else {
        rawPositionals.push(argument);
      }
      if (spec) table = commandTables.get(spec.key) ?? globalTable;
      continue;
    }

    if (argument === '--') {
      afterSeparator = true;
      problem('ARG_SEPARATOR', '"--" is not accepted: everything after it would be passed on unchecked');
      continue;
    }

    const beforeVerb = !commandComplete;
    const lookupTable = beforeVerb ? globalTable : table;
    const strictFlags = beforeVerb || spec !== undefined;

    if (argument.startsWith('--')) {
      const body = argument.slice(2);
      const equals = body.indexOf('=');
      const name = (equals === -1 ? body : body.slice(0, equals)).replaceAll('_', '-');
      const inline = equals === -1 ? undefined : body.slice(equals + 1);
      const flag = lookupTable.long.get(name);
      const known = flag !== undefined;
      if (!flag && beforeVerb) {
        problem('FLAG_BEFORE_VERB', `flag --${name} before the command: only global flags such as -n may come first`);
      } else if (!flag && strictFlags) {
        problem('FLAG_UNKNOWN', `unknown flag --${name} for "${commandLabel(parsed)}"`);
      }
      let valueText: string;
      let spelling = argument;
      if (inline !== undefined) {
        valueText = inline;
      } else if (flag?.kind === 'value') {
        const next = args[index + 1];
        if (typeof next !== 'string') {
          problem('FLAG_MISSING_VALUE', `flag --${name} needs a value`);
          valueText = '';
        } else {
          valueText = next;
          spelling = `${argument} ${next}`;
          index++;
          if (looksLikeFlag(next)) problem('FLAG_VALUE_INVALID', `flag --${name} is followed by ${describeArgument(next)}, which looks like another flag`);
        }
      } else if (flag?.kind === 'optional') {
        valueText = flag.noValueDefault ?? 'true';
      } else {
        valueText = 'true';
      }
      parsed.flags.push({ name, value: valueText, spelling, known, beforeVerb });
      if (flag) checkFlagValue(parsed, flag, valueText);
      continue;
    }

    // One or more shorthand flags: -A, -nprod, -n=prod, -Aw, -n prod.
    for (let position = 1; position < argument.length; position++) {
      const letter = argument[position]!;
      const flag = lookupTable.short.get(letter);
      const rest = argument.slice(position + 1);
      if (!flag) {
        if (beforeVerb) problem('FLAG_BEFORE_VERB', `flag -${letter} before the command: only global flags such as -n may come first`);
        else if (strictFlags) problem('FLAG_UNKNOWN', `unknown flag -${letter} for "${commandLabel(parsed)}"`);
        // Value-ness is unknown: record the rest of the cluster as this flag's value so nothing hides in it.
        parsed.flags.push({ name: letter, value: rest.startsWith('=') ? rest.slice(1) : rest || 'true', spelling: argument, known: false, beforeVerb });
        break;
      }
      if (flag.kind === 'value') {
        let valueText: string;
        let spelling = argument;
        if (rest.length > 0) {
          valueText = rest.startsWith('=') ? rest.slice(1) : rest;
        } else {
          const next = args[index + 1];
          if (typeof next !== 'string') {
            problem('FLAG_MISSING_VALUE', `flag -${letter} (--${flag.name}) needs a value`);
            valueText = '';
          } else {
            valueText = next;
            spelling = `${argument} ${next}`;
            index++;
            if (looksLikeFlag(next)) problem('FLAG_VALUE_INVALID', `flag -${letter} is followed by ${describeArgument(next)}, which looks like another flag`);
          }
        }
        parsed.flags.push({ name: flag.name, value: valueText, spelling, known: true, beforeVerb });
        checkFlagValue(parsed, flag, valueText);
        break;
      }
      if (rest.startsWith('=')) {
        parsed.flags.push({ name: flag.name, value: rest.slice(1), spelling: argument, known: true, beforeVerb });
        checkFlagValue(parsed, flag, rest.slice(1));
        break;
      }
      parsed.flags.push({ name: flag.name, value: flag.kind === 'optional' ? (flag.noValueDefault ?? 'true') : 'true', spelling: argument, known: true, beforeVerb });
    }
  }

  if (parsed.verb === undefined) problem('VERB_MISSING', 'no kubectl command given');
  else if (!commandComplete) problem('SUBCOMMAND_MISSING', `"${parsed.verb}" needs a subcommand (${Object.keys(SUBCOMMANDS[parsed.verb] ?? {}).join(', ')})`);

  parsed.positionals = rawPositionals;
  resolveNamespace(parsed);
  if (spec) {
    parsed.known = true;
    parsed.command = spec.verb;
    parsed.commandKey = spec.key;
    parsed.mutating = spec.mutating;
    resolveTargets(parsed, spec, rawPositionals);
  }
}

function commandLabel(parsed: ParsedCommand): string {
  return [parsed.verb, parsed.subcommand].filter(Boolean).join(' ');
}

function looksLikeFlag(argument: string): boolean {
  return /^--?[A-Za-z_]/.test(argument);
}

function checkFlagValue(parsed: ParsedCommand, flag: FlagSpec, valueText: string): void {
  const problem = (message: string) => parsed.problems.push({ code: 'FLAG_VALUE_INVALID', message: `--${flag.name}: ${message}` });
  if (flag.kind === 'boolean') {
    if (!BOOLEAN_VALUES.has(valueText)) problem(`"${valueText}" is not true or false`);
    return;
  }
  if (INTEGER_FLAGS.has(flag.name) && !/^-?\d{1,9}$/.test(valueText)) {
    problem(`"${valueText}" is not an integer`);
    return;
  }
  if (flag.name === 'replicas' && Number(valueText) < 0) problem('must not be negative');
  if (flag.name === 'namespace' && !(valueText.length <= 63 && DNS1123_LABEL.test(valueText))) {
    problem(`"${valueText}" is not a valid namespace name (a DNS-1123 label such as "prod")`);
  }
  if (flag.name === 'dry-run' && !['none', 'client', 'server', 'unchanged', 'true', 'false'].includes(valueText)) {
    problem(`"${valueText}" must be none, client or server`);
  }
  if (flag.name === 'cascade' && !['background', 'foreground', 'orphan', 'true', 'false'].includes(valueText)) {
    problem(`"${valueText}" must be background, foreground or orphan`);
  }
}

function resolveNamespace(parsed: ParsedCommand): void {
  const values = parsed.flags.filter((flag) => flag.name === 'namespace').map((flag) => flag.value);
  if (values.length === 0) return;
  const distinct = new Set(values);
  if (distinct.size > 1) {
    parsed.problems.push({ code: 'NAMESPACE_CONFLICT', message: `the namespace is given more than once with different values (${[...distinct].join(', ')})` });
  }
  // kubectl keeps the last occurrence.
  parsed.namespace = values[values.length - 1];
}

function checkName(parsed: ParsedCommand, name: string): boolean {
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    parsed.problems.push({ code: 'NAME_INVALID', message: `${describeArgument(name)} is not a valid object name (lower-case letters, digits, "-" and ".")` });
    return false;
  }
  return true;
}

function addTarget(parsed: ParsedCommand, spelling: string, name: string | undefined): void {
  const resource = normalizeKind(spelling);
  if (!resource) {
    parsed.problems.push({ code: 'RESOURCE_UNKNOWN', message: `unknown resource type ${describeArgument(spelling)}` });
  }
  const canonical = resource ?? spelling.toLowerCase();
  parsed.targets.push({ resource: canonical, spelling, known: resource !== undefined, ...(name === undefined ? {} : { name }) });
  if (!parsed.resources.includes(canonical)) parsed.resources.push(canonical);
  if (name !== undefined) {
    checkName(parsed, name);
    parsed.names.push(name);
  }
}

function addTypeSlashName(parsed: ParsedCommand, argument: string): void {
  const slash = argument.indexOf('/');
  const type = argument.slice(0, slash);
  const name = argument.slice(slash + 1);
  if (type === '' || name === '' || name.includes('/')) {
    parsed.problems.push({ code: 'RESOURCE_UNKNOWN', message: `${describeArgument(argument)} is not TYPE/NAME` });
  }
  addTarget(parsed, type, name);
}

function resolveTargets(parsed: ParsedCommand, spec: CommandSpec, positionals: readonly string[]): void {
  const unexpected = (argument: string) =>
    parsed.problems.push({ code: 'ARGUMENT_UNEXPECTED', message: `unexpected argument ${describeArgument(argument)} for "${spec.key}"` });

  switch (spec.layout) {
    case 'resources': {
      const first = positionals[0];
      if (first === undefined) {
        // `get -l app=x` without a type is an error in kubectl; a missing type is never guessed.
        parsed.problems.push({ code: 'RESOURCE_MISSING', message: `"${spec.key}" needs a resource type, e.g. deployment/api` });
        return;
      }
      if (first.includes('/')) {
        for (const argument of positionals) {
          if (argument.includes('/')) addTypeSlashName(parsed, argument);
          else parsed.problems.push({ code: 'ARGUMENT_UNEXPECTED', message: `cannot mix TYPE/NAME and ${describeArgument(argument)}: write every object as TYPE/NAME` });
        }
        return;
      }
      const types = first.split(',');
      const names = positionals.slice(1);
      if (names.length > 0 && types.length > 1) {
        parsed.problems.push({ code: 'ARGUMENT_UNEXPECTED', message: 'names cannot follow several resource types; write TYPE/NAME for each' });
      }
      for (const name of names) {
        if (name.includes('/')) parsed.problems.push({ code: 'ARGUMENT_UNEXPECTED', message: `cannot mix a resource type with ${describeArgument(name)}` });
      }
      const plainNames = names.filter((name) => !name.includes('/'));
      for (const type of types) {
        if (type === '') {
          parsed.problems.push({ code: 'RESOURCE_UNKNOWN', message: `empty resource type in ${describeArgument(first)}` });
        } else if (plainNames.length === 0 || types.length > 1) {
          addTarget(parsed, type, undefined);
        } else {
          for (const name of plainNames) addTarget(parsed, type, name);
        }
      }
      return;
    }
    case 'logs': {
      const [first, container, ...rest] = positionals;
      if (first === undefined) {
        // kubectl logs -l app=x is valid: the pods are selected by label.
        addTarget(parsed, 'pod', undefined);
      } else if (first.includes('/')) {
        addTypeSlashName(parsed, first);
      } else {
        addTarget(parsed, 'pod', first);
      }
      if (container !== undefined) {
        parsed.container = container;
        checkName(parsed, container);
      }
      for (const argument of rest) unexpected(argument);
      return;
    }
    case 'nodes': {
      if (positionals.length === 0) addTarget(parsed, 'node', undefined);
      for (const argument of positionals) {
        if (argument.includes('/')) {
          addTypeSlashName(parsed, argument);
          const last = parsed.targets[parsed.targets.length - 1];
          if (last && last.resource !== 'node') {
            parsed.problems.push({ code: 'ARGUMENT_UNEXPECTED', message: `"${spec.key}" works on nodes only, not ${describeArgument(argument)}` });
          }
        } else {
          addTarget(parsed, 'node', argument);
        }
      }
      return;
    }
    case 'optional-name': {
      const [name, ...rest] = positionals;
      addTarget(parsed, spec.fixedResource ?? 'pod', name);
      for (const argument of rest) unexpected(argument);
      return;
    }
    case 'none': {
      if (spec.fixedResource) addTarget(parsed, spec.fixedResource, undefined);
      for (const argument of positionals) unexpected(argument);
      if (spec.key === 'events') {
        const target = parsed.flags.find((flag) => flag.name === 'for');
        if (target && !/^[A-Za-z.]+\/[a-z0-9.-]+$/.test(target.value)) {
          parsed.problems.push({ code: 'FLAG_VALUE_INVALID', message: `--for: "${target.value}" must be TYPE/NAME, e.g. pod/api-1` });
        } else if (target) {
          const kind = target.value.slice(0, target.value.indexOf('/'));
          if (!normalizeKind(kind)) parsed.problems.push({ code: 'FLAG_VALUE_INVALID', message: `--for: unknown resource type "${kind}"` });
        }
      }
      return;
    }
    case 'words': {
      if (positionals.length === 0 && !parsed.flags.some((flag) => flag.name === 'list')) {
        parsed.problems.push({ code: 'ARGUMENT_UNEXPECTED', message: '"auth can-i" needs VERB RESOURCE, e.g. auth can-i get pods' });
      }
      if (positionals.length > 3) for (const argument of positionals.slice(3)) unexpected(argument);
      for (const argument of positionals) {
        if (!/^[a-z*][a-z0-9*./-]*$/i.test(argument)) unexpected(argument);
      }
      return;
    }
  }
}

/** The last value of a flag (kubectl keeps the last), or undefined when absent. */
export function flagValue(parsed: ParsedCommand, name: string): string | undefined {
  let found: string | undefined;
  for (const flag of parsed.flags) if (flag.name === name) found = flag.value;
  return found;
}

/** True when a flag is present and not explicitly false (`--all`, `--all=true`, `-A`). */
export function flagIsSet(parsed: ParsedCommand, name: string): boolean {
  const found = flagValue(parsed, name);
  return found !== undefined && !['false', '0', 'f', 'F', 'FALSE', 'False'].includes(found);
}

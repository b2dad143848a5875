/**
 * Reads a command's positional arguments by its layout (TYPE NAME..., TYPE/NAME..., POD [CONTAINER],
 * NODE..., one NAME...) into targets: canonical resource plus object name. Every name is checked as a
 * DNS-1123 name and every type must be a kind kubectl knows, so nothing unexpected reaches kubectl.
 */
import { DNS1123_SUBDOMAIN } from '../schemas/vocabulary.js';
import type { CommandSpec } from './kubectl-commands.js';
import { describeArgument, type ParsedCommand } from './parsed-command.js';
import { normalizeKind } from './resource-kinds.js';

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

/** Resolves the positional arguments of a known command into targets, recording problems. */
export function resolveTargets(parsed: ParsedCommand, spec: CommandSpec, positionals: readonly string[]): void {
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
    case 'one-name': {
      const [name, ...rest] = positionals;
      if (name === undefined || name.includes('/')) {
        parsed.problems.push({ code: 'ARGUMENT_UNEXPECTED', message: `"${spec.key}" needs exactly one NAME for the new ${spec.fixedResource ?? 'object'}, e.g. ${spec.key} nightly-manual-1` });
        if (name !== undefined) unexpected(name);
      } else {
        addTarget(parsed, spec.fixedResource ?? 'pod', name);
      }
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

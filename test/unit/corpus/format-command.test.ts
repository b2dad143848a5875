/** formatCommand (display) and splitCommand (parse) are inverse for any argv. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCommand, quoteArgument, splitCommand } from '../../../src/corpus/format-command.js';

describe('formatCommand', () => {
  it.each<[string[], string]>([
    [['get', 'pods', '-n', 'prod'], 'kubectl get pods -n prod'],
    [['rollout', 'restart', 'deployment/api'], 'kubectl rollout restart deployment/api'],
    [['--field-selector=involvedObject.name=api,type=Warning'], 'kubectl --field-selector=involvedObject.name=api,type=Warning'],
    [['--field-selector=status.phase!=Running'], "kubectl '--field-selector=status.phase!=Running'"],
    [['two words'], "kubectl 'two words'"],
    [["it's"], "kubectl 'it'\\''s'"],
    [[''], "kubectl ''"],
    [['$HOME'], "kubectl '$HOME'"],
    [['a;b'], "kubectl 'a;b'"],
    [['`id`'], "kubectl '`id`'"],
    [['line\nbreak'], "kubectl 'line\nbreak'"],
  ])('%j -> %s', (args, expected) => {
    expect(formatCommand(args)).toBe(expected);
  });

  it('uses the program name it is given', () => {
    expect(formatCommand(['version'], 'rk8s')).toBe('rk8s version');
  });

  it('leaves safe arguments unquoted', () => {
    expect(quoteArgument('api-5d8f7c9b6-2xkqp')).toBe('api-5d8f7c9b6-2xkqp');
  });
});

describe('splitCommand', () => {
  it.each<[string, string[]]>([
    ['kubectl get pods', ['kubectl', 'get', 'pods']],
    ['  kubectl   get\tpods  ', ['kubectl', 'get', 'pods']],
    ["kubectl logs 'a b'", ['kubectl', 'logs', 'a b']],
    ['kubectl logs "a b"', ['kubectl', 'logs', 'a b']],
    ['kubectl logs "say \\"hi\\""', ['kubectl', 'logs', 'say "hi"']],
    ["kubectl logs 'it'\\''s'", ['kubectl', 'logs', "it's"]],
    ['kubectl logs a\\ b', ['kubectl', 'logs', 'a b']],
    ["kubectl ''", ['kubectl', '']],
    ['', []],
  ])('%j -> %j', (command, expected) => {
    expect(splitCommand(command)).toEqual(expected);
  });
});

describe('format/split round trip', () => {
  it('splitCommand(formatCommand(args)) gives back exactly the argv', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 8 }), (args) => {
        expect(splitCommand(formatCommand(args))).toEqual(['kubectl', ...args]);
      }),
      { numRuns: 500 },
    );
  });

  it('holds for argv made of typical kubectl tokens', () => {
    const token = fc.constantFrom('get', 'pods', '-n', 'prod', '--tail=100', "'", '"', '\\', ' ', '!', '=', ',', '{{name}}', '');
    fc.assert(
      fc.property(fc.array(fc.array(token, { maxLength: 4 }).map((parts) => parts.join('')), { maxLength: 8 }), (args) => {
        expect(splitCommand(formatCommand(args))).toEqual(['kubectl', ...args]);
      }),
      { numRuns: 500 },
    );
  });
});

/** renderCard: defaults, optional elements, boolean flags, and every kind of bad value. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkParamValue, placeholdersOf, renderCard } from '../../../src/corpus/render.js';
import { CardSchema, type ParamValue } from '../../../src/schemas/card.js';

const card = CardSchema.parse({
  id: 'logs-pod-render-test',
  title: 'Render test card',
  intent: 'logs',
  resource: 'pod',
  description: 'Exercises every parameter type.',
  command_template: [
    'logs', '{{name}}', '-n', '{{namespace}}', '--container={{container}}', '--tail={{tail}}',
    '--since={{since}}', '{{previous}}', '--output={{output}}', '--selector={{selector}}', '--field-selector={{field_selector}}',
  ],
  params: [
    { name: 'namespace', type: 'name', required: true, description: 'Namespace.' },
    { name: 'name', type: 'name', required: true, description: 'Pod.' },
    { name: 'container', type: 'name', description: 'Container.' },
    { name: 'tail', type: 'integer', default: 100, minimum: 1, maximum: 5000, description: 'Lines.' },
    { name: 'since', type: 'duration', description: 'Window.' },
    { name: 'previous', type: 'boolean', flag: '--previous', default: false, description: 'Previous instance.' },
    { name: 'output', type: 'enum', enum: ['wide', 'yaml'], description: 'Format.' },
    { name: 'selector', type: 'string', pattern: '[a-z]+=[a-z0-9-]+', description: 'Label selector.' },
    { name: 'field_selector', type: 'string', description: 'Field selector.' },
  ],
  risk_level: 'none',
  verbs: ['get'],
  dry_run: 'none',
  examples: [{ request: 'logs', params: { namespace: 'prod', name: 'api' }, command: 'kubectl logs api -n prod --tail=100' }],
});

const base = { namespace: 'prod', name: 'api' } as const;
type Values = Record<string, ParamValue | undefined>;

describe('renderCard: values that render', () => {
  it.each<[string, Values, string[]]>([
    ['defaults fill the gaps and optional elements are dropped', base, ['logs', 'api', '-n', 'prod', '--tail=100']],
    ['an optional value renders its element', { ...base, container: 'envoy' }, ['logs', 'api', '-n', 'prod', '--container=envoy', '--tail=100']],
    ['an explicit value overrides the default', { ...base, tail: 20 }, ['logs', 'api', '-n', 'prod', '--tail=20']],
    ['an integer given as text is accepted', { ...base, tail: '250' }, ['logs', 'api', '-n', 'prod', '--tail=250']],
    ['the integer bounds are inclusive', { ...base, tail: 5000 }, ['logs', 'api', '-n', 'prod', '--tail=5000']],
    ['boolean true renders its flag', { ...base, previous: true }, ['logs', 'api', '-n', 'prod', '--tail=100', '--previous']],
    ['boolean "true" as text renders its flag', { ...base, previous: 'true' }, ['logs', 'api', '-n', 'prod', '--tail=100', '--previous']],
    ['boolean false drops the element', { ...base, previous: false }, ['logs', 'api', '-n', 'prod', '--tail=100']],
    ['a compound duration', { ...base, since: '1h30m' }, ['logs', 'api', '-n', 'prod', '--tail=100', '--since=1h30m']],
    ['an enum value', { ...base, output: 'yaml' }, ['logs', 'api', '-n', 'prod', '--tail=100', '--output=yaml']],
    ['a string matching its pattern', { ...base, selector: 'app=web' }, ['logs', 'api', '-n', 'prod', '--tail=100', '--selector=app=web']],
    ['surrounding spaces are trimmed', { ...base, name: ' api ' }, ['logs', 'api', '-n', 'prod', '--tail=100']],
    ['an undefined optional value is ignored', { ...base, container: undefined }, ['logs', 'api', '-n', 'prod', '--tail=100']],
    ['a dotted object name', { ...base, name: 'api.v2' }, ['logs', 'api.v2', '-n', 'prod', '--tail=100']],
  ])('%s', (_label, values, expected) => {
    const rendered = renderCard(card, values);
    expect(rendered.missing).toEqual([]);
    expect(rendered.invalid).toEqual([]);
    expect(rendered.args).toEqual(expected);
    expect(rendered.command).toBe(['kubectl', ...expected].join(' '));
  });

  it('returns the normalised values it used (integers as numbers, booleans as booleans)', () => {
    const rendered = renderCard(card, { ...base, tail: '250', previous: 'true' });
    expect(rendered.params).toEqual({ namespace: 'prod', name: 'api', tail: 250, previous: true });
  });

  it('quotes an argument with shell-special characters in the display command only', () => {
    const rendered = renderCard(card, { ...base, field_selector: 'status.phase!=Running' });
    expect(rendered.args).toContain('--field-selector=status.phase!=Running');
    expect(rendered.command).toBe("kubectl logs api -n prod --tail=100 '--field-selector=status.phase!=Running'");
  });
});

describe('renderCard: values that are refused', () => {
  it.each<[string, Values, string, RegExp]>([
    ['a name starting with "-" (flag injection)', { ...base, name: '-A' }, 'name', /must not start with "-"/],
    ['a string starting with "--"', { ...base, field_selector: '--all-namespaces' }, 'field_selector', /must not start with "-"/],
    ['a namespace with a newline', { ...base, namespace: 'prod\nkube-system' }, 'namespace', /control characters or newlines/],
    ['a string with a NUL', { ...base, field_selector: 'a\u0000b' }, 'field_selector', /control characters or newlines/],
    ['a name with a shell metacharacter', { ...base, name: 'api;rm' }, 'name', /Kubernetes name/],
    ['an upper-case name', { ...base, name: 'API' }, 'name', /Kubernetes name/],
    ['a name longer than 253 characters', { ...base, name: 'a'.repeat(254) }, 'name', /Kubernetes name/],
    ['an integer below its minimum', { ...base, tail: 0 }, 'tail', /at least 1/],
    ['a negative integer', { ...base, tail: '-5' }, 'tail', /at least 1/],
    ['an integer above its maximum', { ...base, tail: 5001 }, 'tail', /at most 5000/],
    ['a fractional number for an integer', { ...base, tail: 1.5 }, 'tail', /whole number/],
    ['text for an integer', { ...base, tail: '12abc' }, 'tail', /whole number/],
    ['a duration without a unit', { ...base, since: '10' }, 'since', /duration/],
    ['a duration in words', { ...base, since: '10 minutes' }, 'since', /duration/],
    ['a value outside the enum', { ...base, output: 'jsonpath' }, 'output', /one of: wide, yaml/],
    ['a string not matching its pattern', { ...base, selector: 'app' }, 'selector', /must match/],
    ['a pattern match that is only partial (patterns are anchored)', { ...base, selector: 'app=web,tier=x' }, 'selector', /must match/],
    ['a non-boolean for a boolean', { ...base, previous: 'yes' }, 'previous', /true or false/],
    ['a parameter the card does not declare', { ...base, kubeconfig: '/tmp/x' }, 'kubeconfig', /not a parameter of card logs-pod-render-test/],
  ])('%s', (_label, values, param, message) => {
    const rendered = renderCard(card, values);
    expect(rendered.invalid).toEqual([{ param, message: expect.stringMatching(message) }]);
    expect(rendered.invalid[0]!.message.startsWith(`${param}: `)).toBe(true);
    expect(rendered.args).toEqual([]);
    expect(rendered.command).toBe('');
  });

  it.each<[string, Values, string[]]>([
    ['nothing given', {}, ['namespace', 'name']],
    ['only the namespace', { namespace: 'prod' }, ['name']],
    ['an empty string for a required value', { namespace: 'prod', name: '' }, ['name']],
  ])('reports missing required parameters: %s', (_label, values, missing) => {
    const rendered = renderCard(card, values);
    expect(rendered.missing).toEqual(missing);
    expect(rendered.invalid).toEqual([]);
    expect(rendered.args).toEqual([]);
  });

  it('does not report an invalid required value as missing too', () => {
    const rendered = renderCard(card, { namespace: 'prod', name: 'Bad Name' });
    expect(rendered.missing).toEqual([]);
    expect(rendered.invalid.map((problem) => problem.param)).toEqual(['name']);
  });

  it('collects every problem at once', () => {
    const rendered = renderCard(card, { namespace: 'prod', tail: 0, output: 'xml' });
    expect(rendered.missing).toEqual(['name']);
    expect(rendered.invalid.map((problem) => problem.param)).toEqual(['tail', 'output']);
  });
});

describe('renderCard: safety whatever the values', () => {
  const tricky = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.constantFrom('api', 'prod', '-A', ' -n', '--all', 'prod\n', '\nprod', 'a\u0000b', 'a\rb', 'x y', '$(id)', 'api;rm'),
  );
  it('never puts a control character in argv, and a value never becomes a flag', () => {
    fc.assert(
      fc.property(tricky, tricky, tricky, tricky, (namespace, name, container, fieldSelector) => {
        const rendered = renderCard(card, { namespace, name, container, field_selector: fieldSelector });
        for (const argument of rendered.args) expect(argument).not.toMatch(/[\u0000-\u001f\u007f]/);
        if (rendered.args.length > 0) {
          // Positions 1 and 3 are the bare {{name}} and {{namespace}} values.
          expect(rendered.args[1]!.startsWith('-')).toBe(false);
          expect(rendered.args[3]!.startsWith('-')).toBe(false);
          expect(rendered.args.filter((argument) => argument.startsWith('-') && !argument.startsWith('--')).every((argument) => argument === '-n')).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('placeholdersOf and checkParamValue', () => {
  it.each<[string, string[]]>([
    ['logs', []],
    ['{{name}}', ['name']],
    ['deployment/{{name}}', ['name']],
    ['--field-selector=involvedObject.kind={{kind}},involvedObject.name={{name}}', ['kind', 'name']],
    ['{{ spaced }}', ['spaced']],
    ['{single}', []],
  ])('%s -> %j', (element, expected) => {
    expect(placeholdersOf(element)).toEqual(expected);
  });

  it('normalises a boolean given as text and rejects anything else', () => {
    const param = { name: 'previous', type: 'boolean', flag: '--previous', description: 'x', required: false } as const;
    expect(checkParamValue(param, 'false')).toEqual({ value: false });
    expect(checkParamValue(param, 1)).toEqual({ error: 'must be true or false' });
  });
});

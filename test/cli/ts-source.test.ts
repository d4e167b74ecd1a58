import { printProperties, printSource, stringLiteral } from '../../cli/ts-source';
import { prettierFormat } from '../support/prettier';

const asFile = (value: Parameters<typeof printSource>[0]) => `const template: T = ${printSource(value, { prefix: 20, suffix: ';' })}\n`;

describe('printSource: data as prettier prints it', () => {
  it('keeps objects expanded, short arrays on one line, long ones one item per line', () => {
    const text = asFile({
      name: 'x',
      resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'services'], operations: ['CREATE', 'UPDATE'] }],
      long: Array.from({ length: 30 }, (_, i) => `item-${i}`),
      empty: [],
      none: {},
      nested: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] },
      numbers: [1, 2, 3],
      flag: false,
      timeout: 10,
    });
    expect(text).toBe(prettierFormat(text));
    expect(text).toContain('  numbers: [1, 2, 3],\n');
  });

  it("moves a long string to the next line unless its key is short (prettier's assignment layout)", () => {
    const long = 'a CEL expression that is long enough '.repeat(5);
    const text = asFile({ expression: long, key: long, name: long, fits: 'short' });
    expect(text).toBe(prettierFormat(text));
    expect(text).toContain(`  expression:\n    '${long}',`);
    expect(text).toContain(`  key: '${long}',`);
  });

  it('quotes as prettier does: single quotes, double when the text holds more single quotes, escapes kept', () => {
    const values = {
      plain: "object.metadata.?labels[?'team'].orValue('')",
      mixed: `'a' == "b" && 'c' != "d" || "e"`,
      both: `it's "quoted"`,
      escapes: 'line1\nline2\t\\ end',
      'quoted-key': 'x',
      'app.kubernetes.io/name': 'y',
      unicode: 'requiredApprovals ≥ 1 — ok',
    };
    const text = asFile(values);
    expect(text).toBe(prettierFormat(text));
    expect(stringLiteral("a 'b'")).toBe(`"a 'b'"`);
    expect(stringLiteral('say "hi"')).toBe(`'say "hi"'`);
  });

  it('prints properties to splice into a hand-written object at any depth', () => {
    const text = [
      'const t = {',
      '  body: () => ({',
      ...printProperties({ validations: [{ expression: 'true', message: 'm'.repeat(150) }], skipped: undefined }, 4),
      '  }),',
      '};',
      '',
    ].join('\n');
    expect(text).toBe(prettierFormat(text));
    expect(text).not.toContain('skipped');
  });
});

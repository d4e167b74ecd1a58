// The fast writer (lib/yaml-fast.ts fastDump) writes exactly what `yaml` writes with toYaml's options, or declines.
import { stringify } from 'yaml';
import { canonicalize, toYaml } from '../../lib/manifests';
import { fastDump, WRITE_OPTIONS } from '../../lib/yaml-fast';
import { renderManifests } from '../../synth/synth';
import { resolveFixture } from '../support/fixtures';

/** `yaml`'s text: the reference. */
const reference = (v: unknown): string => stringify(canonicalize(v), WRITE_OPTIONS);

/** Strings `yaml` writes in every style: plain, quoted for YAML 1.1 types or indicators, block literals, escapes. */
const STRINGS = [
  ...['', ' ', 'a', 'a b', 'a: b', 'a #b', 'a#b', '#a', '-', '-a', '- a', '?', '? a', ':', 'a:', 'a:b', 'a/b.c-d_e', '/orgs/x/policies'],
  ...[
    '---',
    '--- a',
    '---a',
    '...',
    '...a',
    '%a',
    '@a',
    '`a',
    "'a'",
    '"a"',
    "it's",
    'say "hi"',
    'a,b',
    '[a]',
    '{a}',
    'a]',
    '*a',
    '&a',
    '!a',
    '|',
    '>',
  ],
  ...[
    'yes',
    'Yes',
    'No',
    'on',
    'OFF',
    'y',
    'n',
    'Y',
    '~',
    'null',
    'Null',
    'true',
    'True',
    'FALSE',
    '0755',
    '0o17',
    '0x1F',
    '0b101',
    '1_000',
  ],
  ...[
    '190:20:30',
    '1e3',
    '1.5',
    '.5',
    '5.',
    '.inf',
    '-.Inf',
    '.nan',
    '+1',
    '-1',
    '2026-12-22',
    '2026-12-22T10:00:00Z',
    '2026-1-2 3:04:05',
    '<<',
    '=',
  ],
  ...['a\nb', 'a\n', 'a\n\n', '\na', ' a\nb', 'a \nb', 'a\n  b\n', 'line1\n\nline3', 'a\n---\nb', 'a\n...\nb', 'a\n%x', '---\na', '  lead'],
  ...[
    'trailing ',
    'tab\there',
    '\t',
    'x\u0007',
    '\u007f',
    'é',
    '日本',
    'emoji 😀',
    '\ud800',
    'nbsp\u00a0x',
    'ls\u2028x',
    'cr\rx',
    'crlf\r\nx',
  ],
  ...[
    "has(object.spec) && object.spec.x == 'y'",
    'object.spec.containers.all(c,\n  has(c.resources) &&\n    c.resources.limits != null)\n',
  ],
  ...['x'.repeat(1100), `${'word '.repeat(40)}end`],
];
const SCALARS: unknown[] = [...STRINGS, 0, -0, 1, -1, 1.5, 1e21, 1e-7, 2 ** 53, NaN, Infinity, -Infinity, true, false, null];

/** Every scalar in each position of a block layout: map value, nested map value, list item, nested list, list of maps, keys at several depths. */
function shapes(s: unknown): unknown[] {
  const key = typeof s === 'string' ? s : String(s);
  return [
    { k: s },
    { k: { k2: s, k3: 'x' } },
    { k: [s] },
    { k: [s, 'x'], m: { n: [s] } },
    { k: [[s, 1], []] },
    { k: [{ k2: s, k3: 1 }, { k4: [s] }] },
    { [key]: 1 },
    { o: { [key]: 'v', w: [{ [key]: s }] } },
    { l: [{ [key]: 'v' }, [{ a: { [key]: [s] } }]] },
    { e: [], m: {}, n: null, s },
  ];
}

describe('yaml fast writer', () => {
  it('writes every rendered manifest of the fixture configuration as yaml does', () => {
    const manifests = renderManifests(resolveFixture()).map((r) => r.manifest);
    const declined = manifests.filter((m) => fastDump(canonicalize(m)) === undefined);
    const differ = manifests.filter((m) => toYaml(m) !== reference(m)).map((m) => `${m.kind}/${m.metadata.name}`);
    expect(differ).toEqual([]);
    // The fast path is the one taken (else this proves nothing about it).
    expect(declined.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([]);
    expect(manifests.length).toBeGreaterThan(100);
  });

  it('writes every scalar in every position as yaml does, or declines', () => {
    const differ: string[] = [];
    let written = 0;
    for (const s of SCALARS) {
      for (const shape of shapes(s)) {
        const fast = fastDump(canonicalize(shape));
        if (fast !== undefined) written++;
        if (fast !== undefined && fast !== reference(shape)) differ.push(JSON.stringify(shape));
        if (toYaml(shape) !== reference(shape)) differ.push(`toYaml ${JSON.stringify(shape)}`);
      }
    }
    expect(differ).toEqual([]);
    expect(written).toBeGreaterThan(SCALARS.length * 8);
  });

  it('writes random nestings of those scalars as yaml does', () => {
    let seed = 4242;
    const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const build = (depth: number): unknown => {
      const pick = next(depth > 3 ? 2 : 6);
      if (pick < 2) return SCALARS[next(SCALARS.length)];
      const size = next(4);
      if (pick < 4) return Array.from({ length: size }, () => build(depth + 1));
      return Object.fromEntries(Array.from({ length: size }, () => [String(STRINGS[next(STRINGS.length)]), build(depth + 1)]));
    };
    const differ: string[] = [];
    let written = 0;
    for (let i = 0; i < 3000; i++) {
      const doc = { apiVersion: 'v1', kind: 'X', spec: build(0) };
      const fast = fastDump(canonicalize(doc));
      if (fast !== undefined) written++;
      if (fast !== undefined && fast !== reference(doc)) differ.push(JSON.stringify(doc));
    }
    expect(differ).toEqual([]);
    expect(written).toBeGreaterThan(1500);
  });

  it('declines what yaml writes in another layout: all-null maps, explicit keys, non-plain objects, empty documents', () => {
    expect(fastDump({ a: { b: null } })).toBeUndefined();
    expect(fastDump({ ['k'.repeat(1100)]: 1 })).toBeUndefined();
    expect(fastDump({ a: new Map([['b', 1]]) })).toBeUndefined();
    expect(fastDump({ a: [undefined] })).toBeUndefined();
    expect(fastDump({})).toBeUndefined();
    expect(fastDump([1])).toBeUndefined();
    // …and toYaml still writes them, through yaml.
    for (const v of [{ a: { b: null } }, { ['k'.repeat(1100)]: 1 }]) expect(toYaml(v)).toBe(reference(v));
    expect(fastDump({ a: 'b', c: [1, { d: 'it: s' }] })).toBe('a: b\nc:\n  - 1\n  - d: "it: s"\n');
  });
});

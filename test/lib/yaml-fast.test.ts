// The js-yaml fast path reads every document exactly as `yaml` does, or declines.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { blockLoadAll, declines, fastLoadAll } from '../../lib/yaml-fast';
import { parseManifests, toYaml } from '../../lib/manifests';
import { generateCorpus } from '../bench/scan';
import { REPO_ROOT } from '../../lib/paths';

/** `yaml`'s reading (the reference), or undefined when it reports an error. */
function reference(text: string): unknown[] | undefined {
  const docs = parseAllDocuments(text);
  if (docs.some((d) => d.errors.length > 0)) return undefined;
  return docs.map((d) => d.toJS());
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === '.git' || e.name === '.build' || e.name === '.tools') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) yamlFiles(p, out);
    else if (/\.(ya?ml|json)$/.test(e.name) && statSync(p).size < 5_000_000) out.push(p);
  }
  return out;
}

describe('yaml fast path', () => {
  it('reads every YAML file of the repository (and Kyverno’s published policies, when present) as yaml does', () => {
    const upstream = join(REPO_ROOT, '..', 'shared', 'upstream', 'kyverno-policies');
    const files = [...yamlFiles(REPO_ROOT), ...(existsSync(upstream) ? yamlFiles(upstream) : [])];
    let fast = 0;
    const differ: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const got = fastLoadAll(text);
      if (got === undefined) continue;
      fast++;
      const want = reference(text);
      if (want === undefined || !isDeepStrictEqual(got, want)) differ.push(f);
    }
    expect(differ).toEqual([]);
    // Most files take the fast path (the rest hold Helm templates, tags, or CEL `!` that looks like one).
    expect(fast).toBeGreaterThan(files.length / 2);
  });

  it('takes the fast path for workloads as kubectl, helm and synth write them', () => {
    const text = generateCorpus(600)
      .map((i) => toYaml(i.manifest))
      .join('---\n');
    const got = fastLoadAll(text);
    expect(got).toHaveLength(600);
    expect(isDeepStrictEqual(got, reference(text))).toBe(true);
  });

  const SCALARS = [
    ...['', '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'false', 'no', 'yes', 'on', 'off', 'y', 'n'],
    ...['0', '-0', '+0', '17', '+12', '-12', '017', '0o17', '0o8', '0x1F', '0x1g', '0b101', '1_000', '12345678901234567890'],
    ...[
      '.5',
      '-.5',
      '1.',
      '1.0',
      '1.50',
      '1e3',
      '1E+3',
      '1e-3',
      '0.1e-2',
      '1e999',
      '-1e999',
      '.inf',
      '-.Inf',
      '+.INF',
      '.nan',
      '.NaN',
      '+.nan',
    ],
    ...['2026-01-01', '2026-01-01T00:00:00Z', '12:30', '1:2:3', '=', '<<', '-', 'a b', 'infinity', 'NaN', '0.0.1', '1_0.5'],
  ];

  it.each(SCALARS.map((s) => [s]))('reads the plain scalar %j as a value and as a key as yaml does (or declines)', (s) => {
    for (const text of [`v: ${s}\n`, `- ${s}\n`, `{v: ${s}}\n`, `[${s}]\n`, `${s}: v\n`]) {
      const want = reference(text);
      const got = fastLoadAll(text);
      if (want === undefined || got === undefined) continue;
      expect([text, got]).toEqual([text, want]);
      expect(isDeepStrictEqual(got, want)).toBe(true);
    }
    // As a value it takes the fast path whenever yaml reads it.
    if (reference(`v: ${s}\n`) !== undefined) expect(fastLoadAll(`v: ${s}\n`)).toBeDefined();
  });

  it('reads strings, block scalars, flow collections, comments and document markers as yaml does', () => {
    const texts = [
      'a: "x\\ty\\u00e9\\n"\nb: \'it\'\'s\'\nc: "multi\n  line"\nd: plain\n  folded\n',
      'a: |\n  one\n  two\nb: >-\n  folded\n  text\n\n  para\nc: |+\n  keep\n\nd: |2\n    indented\n',
      'a: {x: 1, y: [1, 2, {z: null}]}\nb: []\nc: {}\n',
      '# c\n---\n# doc\na: 1 # trailing\n...\n---\n- 1\n- - 2\n  - 3\n',
      '\ufeffa: 1\r\nb:\r\n  - x\r\n',
      '__proto__: {polluted: true}\nconstructor: 1\ntoString: 2\n',
      'key with spaces: 1\n"quoted key": 2\n? \n',
      'a: 1\na: 2\n',
      'a: [1, 2\n',
    ];
    for (const text of texts) {
      const got = fastLoadAll(text);
      if (got === undefined) continue;
      expect([text, got]).toEqual([text, reference(text)]);
      expect(isDeepStrictEqual(got, reference(text))).toBe(true);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('declines anchors, aliases, tags, directives, Helm placeholders, complex and null keys, and tab indentation', () => {
    for (const text of [
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      'a: !Ref x\n',
      '%YAML 1.1\n---\na: yes\n',
      'name: {{ .Values.name }}\n',
      '? [a, b]\n: c\n',
      'a:\n\tb: 1\n',
      '~: a\n',
      'null: a\n',
      ': a\n',
      '{null: a}\n',
    ])
      expect([text, fastLoadAll(text)]).toEqual([text, undefined]);
  });

  describe('block reader', () => {
    /** The reference's reading when yaml reads the text without error; the block reader must agree or decline. */
    const agrees = (text: string): boolean => {
      const got = blockLoadAll(text);
      if (got === undefined) return true;
      const want = reference(text);
      return want !== undefined && isDeepStrictEqual(got, want);
    };

    it('reads every YAML file of the repository (and the upstream artifacts, when present) as yaml does, or declines', () => {
      const upstream = join(REPO_ROOT, '..', 'shared', 'upstream');
      const files = [...yamlFiles(REPO_ROOT), ...(existsSync(upstream) ? yamlFiles(upstream) : [])];
      const texts = files.map((f) => readFileSync(f, 'utf8'));
      expect(files.filter((_, i) => !agrees(texts[i]))).toEqual([]);
      // dist/, the charts' rendered output and the fixtures are block YAML: a large share takes this path.
      expect(texts.filter((t) => blockLoadAll(t) !== undefined).length).toBeGreaterThan(files.length * 0.4);
    });

    it('takes generated workloads as synth writes them, and fastLoadAll uses it', () => {
      const text = generateCorpus(600)
        .map((i) => toYaml(i.manifest))
        .join('---\n');
      const got = blockLoadAll(text);
      expect(got).toHaveLength(600);
      expect(isDeepStrictEqual(got, reference(text))).toBe(true);
    });

    const READS = [
      'a: 1\nb: two\nc:\n  d: [x]\n',
      'a:\n- x\n- y: 1\n  z: 2\n-\n- - ignored\n',
      'a:\n  - x\n  -\n    b: 1\n  - c: 1\n    d:\ne: ~\n',
      "a: \"x\\ty\\u00e9\\x41\\\\\\\"q\"\nb: 'it''s'\n\"k y\": 1\n'k''z': 2\n",
      'a: |\n  one\n\n  two\n\n\nb: |-\n  x\n    indented\nc: |+\n  keep\n\n',
      '# Source: chart/templates/a.yaml\n---\napiVersion: v1\nkind: ConfigMap # not a comment here? yes it is\n',
      '---\na: 1\n---\n---\n# only a comment\n',
      'url: http://example.com:8080/x\nempty: {}\nlist: []\nneg: -1\nfloat: 1.5e3\nbool: true\nnothing: ~\n',
      'a:   spaced   \nb: x  # comment\nc: "q"  # comment\nd:  # comment\n  e: 1\n',
      'a: -x\nb: x-y\nc: a,b[c]{d}\nd: don\'t\ne: "#not"\nf: 1:2\n',
    ];

    it.each(READS.map((t) => [t]))('reads %j as yaml does (or declines, then fastLoadAll still does)', (text) => {
      expect(agrees(text)).toBe(true);
      const fast = fastLoadAll(text);
      if (fast !== undefined) expect(isDeepStrictEqual(fast, reference(text))).toBe(true);
    });

    it('reads the common constructs itself rather than declining them', () => {
      for (const text of [READS[2], READS[3], READS[4], READS[6], READS[7], READS[9]])
        expect([text, blockLoadAll(text)]).toEqual([text, reference(text)]);
    });

    const DECLINES = [
      'a: {x: 1}\n', // flow mapping
      'a: [1, 2]\n', // flow sequence
      'a: >\n  folded\n', // folded scalar
      'a: |2\n  explicit\n', // indentation indicator
      'a: plain\n  continued\n', // multi-line plain scalar
      'a: "multi\n  line"\n', // multi-line quoted scalar
      'a: 1\na: 2\n', // duplicate key
      '1: a\n', // a key that is not a string
      'true: a\n',
      '- - a\n', // compact nested sequence
      'a: b: c\n', // an error in yaml
      'a: x #c\nb: y\n'.replace(' #c', ' #c'), // a comment after a plain value
      'a: |\n  x\n   \n  y\n', // a line of spaces inside a literal
      'a: 1', // no final newline
      'a: 1\r\n', // CRLF
      'a:\tb\n', // a tab
      '--- x\n', // content on the marker line
      'a: 1\n...\n', // document end marker
      'just a scalar\n',
      '{"apiVersion": "v1"}\n', // JSON
      '__proto__: x\n',
      'a: "\\q"\n', // an unknown escape
    ];

    it.each(DECLINES.map((t) => [t]))('declines %j, and fastLoadAll still reads it as yaml does', (text) => {
      expect(blockLoadAll(text)).toBeUndefined();
      const fast = fastLoadAll(text);
      const want = reference(text);
      if (fast !== undefined) expect(isDeepStrictEqual(fast, want)).toBe(true);
    });

    it('agrees with yaml on 4,000 random edits of manifests (or declines)', () => {
      const seeds = [
        ...generateCorpus(12).map((i) => toYaml(i.manifest)),
        ...READS,
        'spec:\n  validations:\n    - expression: "a == b"\n      message: |\n        line one\n        line two\n',
      ];
      const pieces = [
        ' ',
        '  ',
        '\n',
        '#',
        ' #',
        ':',
        ': ',
        '- ',
        '-',
        '"',
        "'",
        '|',
        '|-',
        '|+',
        '{}',
        '[]',
        '~',
        '1',
        'true',
        '---\n',
        'a: b\n',
        '\\',
      ];
      let seed = 424242;
      const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
      const bad: string[] = [];
      let taken = 0;
      for (let k = 0; k < 4000; k++) {
        let text = seeds[next() % seeds.length];
        for (let e = 1 + (next() % 3); e > 0; e--) {
          const at = next() % (text.length + 1);
          text =
            next() % 3 === 0
              ? text.slice(0, at) + text.slice(at + 1 + (next() % 3))
              : text.slice(0, at) + pieces[next() % pieces.length] + text.slice(at);
        }
        if (blockLoadAll(text) !== undefined) taken++;
        if (!agrees(text)) bad.push(text);
      }
      expect(bad.slice(0, 5)).toEqual([]);
      expect(taken).toBeGreaterThan(400);
    });
  });

  // The one regular expression `declines` replaced (it was a tenth of a large scan), kept as the specification it must match.
  const DECLINE_SPEC =
    /\{\{|(?:^|[\s[{,])(?:[&*][^\s,[\]{}&*'"]|!)|^%|^[ \t]*\?(?:\s|$)|(?:^|[\s[{,-])(?:~|null|Null|NULL)?[ \t]*:(?:\s|$)|^ *\t/m;

  it('declines exactly the texts the specification expression matches: every repository file and 20,000 generated ones', () => {
    const files = yamlFiles(REPO_ROOT).map((f) => readFileSync(f, 'utf8'));
    // Random texts over the characters that matter, seeded so a failure reproduces.
    const alphabet = [
      '{',
      '}',
      '[',
      ']',
      ',',
      '&',
      '*',
      '!',
      '%',
      '?',
      ':',
      '-',
      '~',
      'null',
      'Null',
      'NULL',
      'l',
      'L',
      'a',
      ' ',
      '\t',
      '\n',
      '\r',
      '\u00a0',
      '\u2028',
      "'",
      '"',
    ];
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const random = Array.from({ length: 20_000 }, () =>
      Array.from({ length: 1 + (next() % 12) }, () => alphabet[next() % alphabet.length]).join(''),
    );
    const differ = [...files, ...random].filter((t) => declines(t) !== DECLINE_SPEC.test(t));
    expect(differ).toEqual([]);
    expect(random.filter((t) => declines(t)).length).toBeGreaterThan(1000);
    expect(random.filter((t) => !declines(t)).length).toBeGreaterThan(1000);
  });

  it('reads YAML 1.1 plain scalars as yaml 1.1 does (booleans, octal, sexagesimal, underscores), or declines', () => {
    const scalars = [
      ...['yes', 'Yes', 'YES', 'no', 'No', 'y', 'Y', 'n', 'N', 'on', 'On', 'ON', 'off', 'Off', 'OFF', 'true', 'False', 'yEs', 'onn'],
      ...[
        '0755',
        '0o17',
        '0x1F',
        '0b101',
        '-0b11',
        '1_000',
        '+1_0',
        '190:20:30',
        '-1:20.5',
        '1e3',
        '1.5e-3',
        '+12',
        '-0',
        '0',
        '012345',
        '089',
      ],
      ...[
        '0.1',
        '.5',
        '5.',
        '1_0.5',
        '.inf',
        '-.Inf',
        '+.INF',
        '.NaN',
        '.nan',
        '~',
        'null',
        'Null',
        'NULL',
        '2001-12-14',
        '2001-12-14t21:59:43.10-05:00',
      ],
      ...['<<', '<', '=', 'o', 'O', 'oN', 'nO', 'name', 'v1.2.3', '1.2.3', '1:2:3:4', '0x', '0b', '_1', 'yes please', 'ofF'],
      ...Array.from({ length: 94 }, (_, i) => `${String.fromCharCode(33 + i)}x`),
    ];
    const differ: string[] = [];
    let fast = 0;
    for (const s of scalars) {
      for (const text of [`a: ${s}\n`, `- ${s}\n`, `${s}: a\n`, `a: [${s}, b]\n`, `m:\n  ${s}: [1]\n  k: {x: ${s}}\n`]) {
        const docs = parseAllDocuments(text, { version: '1.1' });
        if (docs.some((d) => d.errors.length > 0)) continue;
        const got = fastLoadAll(text, '1.1');
        if (got === undefined) continue;
        fast++;
        const want = docs.map((d) => d.toJS());
        if (!isDeepStrictEqual(got, want)) differ.push(`${JSON.stringify(text)}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
      }
    }
    expect(differ).toEqual([]);
    expect(fast).toBeGreaterThan(scalars.length * 3);
    // Where 1.1 and 1.2 read the same text differently, each version is read as yaml reads it.
    expect(fastLoadAll('a: yes\nb: 0755\nc: 1_000\n', '1.1')).toEqual([{ a: true, b: 493, c: 1000 }]);
    expect(fastLoadAll('a: yes\nb: 0755\n')).toEqual([{ a: 'yes', b: 755 }]);
    // A timestamp (a Date in yaml 1.1) and the merge key are yaml's to read.
    expect(fastLoadAll('a: 2001-12-14\n', '1.1')).toBeUndefined();
    expect(fastLoadAll('<<: {a: 1}\n', '1.1')).toBeUndefined();
  });

  it('leaves every error to yaml, so messages do not change', () => {
    expect(fastLoadAll('a: 1\na: 2\n')).toBeUndefined();
    expect(fastLoadAll('a: [1, 2\n')).toBeUndefined();
    expect(() => parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nmetadata: {name: b}\n', 'x.yaml')).toThrow(
      'x.yaml: document 0: YAML error: Map keys must be unique',
    );
  });
});

/** Deep equality that tells -0 from 0 and compares NaN with itself (Object.is at the leaves). */
function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => isDeepStrictEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

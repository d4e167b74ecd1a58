// The js-yaml fast path reads every document exactly as `yaml` does, or declines.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { declines, fastLoadAll } from '../../lib/yaml-fast';
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

// A fast path for reading manifests: js-yaml, several times faster than `yaml` on large inputs
// (20,000 resources, 11 MB: ≈0.4 s against ≈4.5 s of CPU here), with a schema that reads scalars and
// mapping keys exactly as `yaml`'s YAML 1.2 core schema does. It declines whatever it could read
// differently (anchors and aliases, tags, directives, complex keys, tab indentation, Helm
// placeholders) and any error: the caller then parses with `yaml`, which stays the reference for
// every value and every message. test/lib/yaml-fast.test.ts checks both agree on every YAML file
// of the repository and on each construct below.
import { FAILSAFE_SCHEMA, loadAll, Type } from 'js-yaml';
import { Document, isScalar, stringify } from 'yaml';

const NOT_CORE = Symbol('not a core-schema scalar');

/** Which first characters (by char code, below 128) a non-empty core-schema scalar can have. */
const CORE_FIRST: readonly boolean[] = Array.from({ length: 128 }, (_, c) => '~nNtTfF+-.0123456789'.includes(String.fromCharCode(c)));

/** `yaml`'s core-schema scalar (schema/core/*.js, common/null.js), in its order: null, bool, int (oct, dec, hex), float (nan/inf, exp, plain). */
function coreScalar(s: string): unknown {
  // Every core scalar but the empty one starts with one of `~nNtTfF+-.` or a digit: most plain
  // scalars (names, images, keys) are strings, decided here without running the expressions below.
  if (s.length > 0 && !CORE_FIRST[s.charCodeAt(0)]) return NOT_CORE;
  if (/^(?:~|[Nn]ull|NULL)?$/.test(s)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s)) return s[0] === 't' || s[0] === 'T';
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s))
    return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return parseFloat(s);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
  return NOT_CORE;
}

/** Plain scalars that are not strings, resolved by coreScalar (the only implicit type: js-yaml's own do not apply). */
let lastSource = '';
let lastValue: unknown = null;
/** coreScalar, remembered for the one scalar js-yaml resolves and then constructs (two variables: no allocation per scalar). */
function resolved(s: string): unknown {
  if (lastSource !== s) {
    lastValue = coreScalar(s);
    lastSource = s;
  }
  return lastValue;
}

const core = new Type('tag:krate.a5c.ai,2026:yaml-core', {
  kind: 'scalar',
  resolve: (s: string) => resolved(s) !== NOT_CORE,
  construct: (s: string) => resolved(s),
});

const SCHEMA = FAILSAFE_SCHEMA.extend({ implicit: [core] });

/**
 * Constructs js-yaml and `yaml` may read differently, or that need `yaml`'s own messages:
 * a Helm placeholder, an anchor, alias or tag at the start of a node, a directive, an explicit
 * (complex) key, an empty, `~` or `null` key (js-yaml names it 'null', yaml ''), a tab in
 * indentation. Matched anywhere, in block scalars too (a CEL `!has(…)` or `a ? b : c` declines):
 * a false match only costs speed. Each construct is found from its one rare character with
 * indexOf, not with one regular expression over the whole text: that was a tenth of a large scan.
 */
export function declines(text: string): boolean {
  if (text.includes('{{')) return true;
  // An anchor or alias (`&x`, `*x`) or a tag (`!x`) where a node starts.
  for (const ch of ['&', '*', '!']) {
    for (let i = text.indexOf(ch); i >= 0; i = text.indexOf(ch, i + 1)) {
      if (i > 0 && !isSpace(text.charCodeAt(i - 1)) && !'[{,'.includes(text[i - 1])) continue;
      if (ch === '!') return true;
      if (i + 1 < text.length && !isSpace(text.charCodeAt(i + 1)) && !',[]{}&*\'"'.includes(text[i + 1])) return true;
    }
  }
  // A directive: `%` first on a line.
  for (let i = text.indexOf('%'); i >= 0; i = text.indexOf('%', i + 1)) if (i === 0 || isLineBreak(text.charCodeAt(i - 1))) return true;
  // An explicit key: `?` first on a line after blanks, then a space or the end.
  for (let i = text.indexOf('?'); i >= 0; i = text.indexOf('?', i + 1)) {
    if (i + 1 < text.length && !isSpace(text.charCodeAt(i + 1))) continue;
    let j = i;
    while (j > 0 && (text[j - 1] === ' ' || text[j - 1] === '\t')) j--;
    if (j === 0 || isLineBreak(text.charCodeAt(j - 1))) return true;
  }
  // A tab in indentation: after spaces only, first on a line.
  for (let i = text.indexOf('\t'); i >= 0; i = text.indexOf('\t', i + 1)) {
    let j = i;
    while (j > 0 && text[j - 1] === ' ') j--;
    if (j === 0 || isLineBreak(text.charCodeAt(j - 1))) return true;
  }
  // An empty, `~` or `null` key: `:` then a space or the end, with nothing but such a key (and
  // blanks) since a node boundary (the start, a space, `[`, `{`, `,` or `-`).
  for (let i = text.indexOf(':'); i >= 0; i = text.indexOf(':', i + 1)) {
    if (i + 1 < text.length && !isSpace(text.charCodeAt(i + 1))) continue;
    if (keyBoundary(text, i)) return true;
    const last = text[i - 1];
    if (last !== 'l' && last !== 'L' && last !== '~') continue;
    for (const token of NULL_KEYS) if (text.endsWith(token, i) && keyBoundary(text, i - token.length)) return true;
  }
  return false;
}

const NULL_KEYS = ['~', 'null', 'Null', 'NULL'];

/** Whether a key may start at `i`: the start of the text, or after a space, `[`, `{`, `,` or `-`. */
function keyBoundary(text: string, i: number): boolean {
  return i === 0 || isSpace(text.charCodeAt(i - 1)) || '[{,-'.includes(text[i - 1]);
}

/** Where `^` matches in a multi-line regular expression: after \n, \r, U+2028 or U+2029. */
function isLineBreak(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

/** JavaScript's `\s`: ASCII blanks and line breaks, NBSP, BOM and the Unicode spaces. */
function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Every document's value, as `parseAllDocuments(text, { version }).map((d) => d.toJS())` would give
 * them, or undefined when this path declines the text (then parse it with `yaml`). Block YAML as
 * synth, kubectl and helm write it goes through blockLoadAll; what that declines, through js-yaml
 * (with plain scalars resolved by coreScalar, or for YAML 1.1 by yaml11Scalar).
 */
export function fastLoadAll(text: string, version: '1.1' | '1.2' = '1.2'): unknown[] | undefined {
  if (declines(text)) return undefined;
  const block = blockLoadAll(text, version);
  if (block) return block;
  try {
    return loadAll(text, null, { schema: version === '1.1' ? SCHEMA_11 : SCHEMA });
  } catch {
    return undefined; // a js-yaml error, or a 1.1 scalar yaml11Scalar declined
  }
}

interface TestedTag {
  readonly default?: boolean | 'key';
  readonly test: RegExp;
  resolve(value: string, onError: (message: string) => void, options: object): unknown;
}
let yaml11Tags: readonly TestedTag[] | undefined;

/**
 * A plain scalar as `yaml`'s YAML 1.1 schema reads it (yes/no/on/off booleans, 0755 octal,
 * 1_000, sexagesimal numbers), by the schema's own tags: the first default tag whose test
 * matches resolves it (as yaml's composer does), NOT_CORE for a string. What does not resolve to
 * null, a boolean or a number (timestamps, the `<<` merge key) is declined, so `yaml` reads it.
 */
function yaml11Scalar(s: string): unknown {
  if (s.length > 0 && !CORE_FIRST[s.charCodeAt(0)] && !YAML11_FIRST.test(s[0])) return NOT_CORE;
  yaml11Tags ??= new Document(null, { version: '1.1' }).schema.tags.flatMap((t) =>
    t.default && 'test' in t && t.test instanceof RegExp ? [t as unknown as TestedTag] : [],
  );
  const tag = yaml11Tags.find((t) => t.test.test(s));
  if (!tag) return NOT_CORE;
  if (tag.default !== true) decline();
  let failed = false;
  const res = tag.resolve(s, () => (failed = true), {});
  // A tag may resolve to a Scalar node (booleans keep their source text), as yaml's composer accepts.
  const v = isScalar(res) ? res.value : res;
  if (failed || !(v === null || typeof v === 'boolean' || typeof v === 'number')) decline();
  return v;
}
/** First characters of YAML 1.1 booleans besides core's (y, Y, yes, on, ON, no, off…), and `<` of the merge key. */
const YAML11_FIRST = /^[yYnNoO<]$/;

/** yaml11Scalar, remembered for the one scalar js-yaml resolves and then constructs (as `resolved`). */
let last11Source = '';
let last11Value: unknown = null;
function resolved11(s: string): unknown {
  if (last11Source !== s) {
    last11Value = yaml11Scalar(s);
    last11Source = s;
  }
  return last11Value;
}

const SCHEMA_11 = FAILSAFE_SCHEMA.extend({
  implicit: [
    new Type('tag:krate.a5c.ai,2026:yaml-1.1', {
      kind: 'scalar',
      resolve: (s: string) => resolved11(s) !== NOT_CORE,
      construct: (s: string) => resolved11(s),
    }),
  ],
});

const DECLINED: unique symbol = Symbol('declined');
const decline = (): never => {
  throw DECLINED;
};

/**
 * The documents of `text` read by the block reader, or undefined when it declines. Only for text
 * that `declines` accepted (no anchors, tags, directives, complex or null keys, tabs, placeholders).
 */
export function blockLoadAll(text: string, version: '1.1' | '1.2' = '1.2'): unknown[] | undefined {
  if (text.includes('\r') || text.includes('\t') || text.charCodeAt(0) === 0xfeff || (text.length > 0 && !text.endsWith('\n')))
    return undefined;
  try {
    return new BlockReader(text.split('\n'), version === '1.1' ? yaml11Scalar : resolved).documents();
  } catch (e) {
    if (e === DECLINED) return undefined;
    throw e;
  }
}

/** Leading spaces of a line. */
function indentOf(line: string): number {
  let i = 0;
  while (line.charCodeAt(i) === 32) i++;
  return i;
}

/** Characters a plain scalar or plain key cannot start with (YAML's indicators); `-` is checked apart. */
const INDICATOR = new Set(['?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);

/** `\x` escapes of double-quoted scalars that stand for one character. */
const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};
const HEX_ESCAPES: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

class BlockReader {
  private i = 0;
  private end = 0;
  /** Each line's indentation, or -1 for a blank or comment line (worked out once: every level asks). */
  private readonly indents: Int32Array;

  constructor(
    private readonly lines: string[],
    /** A plain scalar's value, NOT_CORE for a string: the schema of the YAML version read. */
    private readonly scalar: (s: string) => unknown,
  ) {
    this.indents = new Int32Array(lines.length);
    for (let l = 0; l < lines.length; l++) {
      const line = lines[l];
      const n = indentOf(line);
      this.indents[l] = n === line.length || line.charCodeAt(n) === 35 /* # */ ? -1 : n;
    }
  }

  documents(): unknown[] {
    const docs: unknown[] = [];
    // The final '' after the last newline is not a line.
    const last = this.lines.length - 1;
    let start = 0;
    let first = true;
    for (let l = 0; l <= last; l++) {
      const line = this.lines[l];
      if (l < last && !line.startsWith('---') && !line.startsWith('...')) continue;
      if (l < last && line !== '---') decline();
      // Content before the first `---` is a document only when it holds something (as in `yaml`).
      const doc = this.document(start, l);
      if (!first || doc.content) docs.push(doc.value);
      first = false;
      start = l + 1;
    }
    return docs;
  }

  private document(start: number, end: number): { readonly content: boolean; readonly value: unknown } {
    this.i = start;
    this.end = end;
    if (!this.skipBlank()) return { content: false, value: null };
    const value = this.node(this.indents[this.i]);
    if (this.skipBlank()) decline();
    return { content: true, value };
  }

  /** Moves to the next line with content (not blank, not a comment); false at the document's end. */
  private skipBlank(): boolean {
    while (this.i < this.end && this.indents[this.i] < 0) this.i++;
    return this.i < this.end;
  }

  /** The block node starting on the current line, at indentation n. */
  private node(n: number): unknown {
    const line = this.lines[this.i];
    return line.charCodeAt(n) === 45 /* - */ && (line.length === n + 1 || line.charCodeAt(n + 1) === 32)
      ? this.sequence(n)
      : this.mapping(n);
  }

  /** A value on the following lines (after `key:` or `-` with nothing after it); null when there is none. */
  private nested(n: number, sameIndentSequence: boolean): unknown {
    if (!this.skipBlank()) return null;
    const line = this.lines[this.i];
    const m = this.indents[this.i];
    if (m > n) return this.node(m);
    if (m === n && sameIndentSequence && line.charCodeAt(n) === 45 && (line.length === n + 1 || line.charCodeAt(n + 1) === 32))
      return this.sequence(n);
    return null;
  }

  private sequence(n: number): unknown[] {
    const out: unknown[] = [];
    while (this.skipBlank()) {
      const line = this.lines[this.i];
      const m = this.indents[this.i];
      if (m < n) break;
      if (m > n) decline();
      if (line.charCodeAt(n) !== 45 || (line.length > n + 1 && line.charCodeAt(n + 1) !== 32)) break;
      let col = n + 1;
      while (line.charCodeAt(col) === 32) col++;
      if (col >= line.length || line.charCodeAt(col) === 35) {
        this.i++;
        out.push(this.nested(n, false));
        continue;
      }
      const c = line.charCodeAt(col);
      if (c === 45 /* - */ && (col + 1 === line.length || line.charCodeAt(col + 1) === 32)) decline();
      if (c !== 34 && c !== 39 && mappingIndicator(line, col) >= 0) {
        // `- key: value`: a mapping whose keys sit at the item's column (this line's indentation, as far as it is concerned).
        this.indents[this.i] = col;
        out.push(this.mapping(col));
        continue;
      }
      this.i++;
      out.push(this.inline(line, col, n));
    }
    return out;
  }

  private mapping(n: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    while (this.skipBlank()) {
      const line = this.lines[this.i];
      const m = this.indents[this.i];
      if (m < n) break;
      if (m > n) decline();
      const c = line.charCodeAt(n);
      let key: string;
      let from: number; // where the value starts: after the mapping indicator
      if (c === 34 /* " */ || c === 39 /* ' */) {
        const q = quoted(line, n);
        if (line.charCodeAt(q.end) !== 58 /* : */ || (q.end + 1 < line.length && line.charCodeAt(q.end + 1) !== 32)) decline();
        key = q.value;
        from = q.end + 1;
      } else {
        if (c === 45 /* - */) break; // a sequence at this indentation ends the mapping (its parent decides)
        const at = mappingIndicator(line, n);
        if (at < 0) decline();
        key = line.slice(n, at);
        // Plain keys that are not plain strings (numbers, booleans, `a #b`) are `yaml`'s to read.
        if (INDICATOR.has(key[0]) || key.includes(' #') || key.endsWith(' ') || this.scalar(key) !== NOT_CORE) decline();
        from = at + 1;
      }
      if (key === '__proto__' || Object.prototype.hasOwnProperty.call(out, key)) decline();
      while (line.charCodeAt(from) === 32) from++;
      this.i++;
      out[key] = from >= line.length || line.charCodeAt(from) === 35 ? this.nested(n, true) : this.inline(line, from, n);
    }
    return out;
  }

  /** A value that starts on the line just read at `from` (after `key: ` or `- `), for a node at indentation n. */
  private inline(line: string, from: number, n: number): unknown {
    const c = line[from];
    if (c === '"' || c === "'") {
      const q = quoted(line, from);
      let k = q.end;
      while (line.charCodeAt(k) === 32) k++;
      if (k < line.length && (line[k] !== '#' || k === q.end)) decline();
      return q.value;
    }
    if (c === '|') return this.literal(line.slice(from), n);
    let e = line.length;
    while (e > from && line.charCodeAt(e - 1) === 32) e--;
    if (c === '{' || c === '[') {
      if (e === from + 2 && line[from + 1] === (c === '{' ? '}' : ']')) return c === '{' ? {} : [];
      decline();
    }
    if (INDICATOR.has(c) || (c === '-' && (e === from + 1 || line.charCodeAt(from + 1) === 32))) decline();
    if (mappingIndicator(line, from) >= 0) decline();
    const s = from === 0 && e === line.length ? line : line.slice(from, e);
    if (s.includes(' #')) decline();
    const v = this.scalar(s);
    return v === NOT_CORE ? s : v;
  }

  /** A `|`, `|-` or `|+` literal block whose header is `header`, more indented than n. */
  private literal(header: string, n: number): string {
    const h = header.trimEnd();
    if (h !== '|' && h !== '|-' && h !== '|+') decline();
    const lines: string[] = [];
    let m = -1;
    for (; this.i < this.end; this.i++) {
      const line = this.lines[this.i];
      if (line === '') {
        lines.push('');
        continue;
      }
      const k = indentOf(line);
      if (k === line.length) decline(); // a line of spaces only: how much of it is content is subtle
      if (m < 0) {
        if (k <= n) break;
        m = k;
      } else if (k < m) break;
      lines.push(line.slice(m));
    }
    if (m < 0) decline();
    let trailing = 0;
    while (lines.length > 0 && lines[lines.length - 1] === '') {
      lines.pop();
      trailing++;
    }
    // Trailing empty lines up to the document's end are the scalar's only if the text goes on (yaml keeps them for |+).
    const body = lines.join('\n');
    if (h === '|-') return body;
    if (h === '|') return `${body}\n`;
    return `${body}\n${'\n'.repeat(trailing)}`;
  }
}

/** Where the line has its mapping indicator at or after `from` (`:` then a space or the end), or -1. Never given quoted text. */
function mappingIndicator(line: string, from: number): number {
  for (let at = line.indexOf(':', from); at >= 0; at = line.indexOf(':', at + 1)) {
    if (at + 1 === line.length || line.charCodeAt(at + 1) === 32) return at;
  }
  return -1;
}

/** A single-line quoted scalar starting at `start` of `s`: its value and the index after its closing quote. */
function quoted(s: string, start: number): { readonly value: string; readonly end: number } {
  const q = s[start];
  let out = '';
  let from = start + 1;
  for (let i = start + 1; i < s.length; i++) {
    const c = s[i];
    if (q === "'") {
      if (c !== "'") continue;
      if (s[i + 1] === "'") {
        out += s.slice(from, i + 1);
        from = ++i + 1;
        continue;
      }
      return { value: out + s.slice(from, i), end: i + 1 };
    }
    if (c === '"') return { value: out + s.slice(from, i), end: i + 1 };
    if (c !== '\\') continue;
    out += s.slice(from, i);
    const e = s[i + 1];
    const single = ESCAPES[e];
    if (single !== undefined) {
      out += single;
      i++;
    } else if (HEX_ESCAPES[e] !== undefined) {
      const digits = s.slice(i + 2, i + 2 + HEX_ESCAPES[e]);
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== HEX_ESCAPES[e]) decline();
      const code = parseInt(digits, 16);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) decline();
      out += String.fromCodePoint(code);
      i += 1 + digits.length;
    } else decline();
    from = i + 1;
  }
  // Not closed on this line: a multi-line scalar, `yaml`'s to fold.
  return decline();
}

// ---------------------------------------------------------------------------------------------
// The fast path for writing: toYaml's output (lib/manifests.ts) without building a `yaml`
// Document per manifest. The block layout of maps and lists is laid out here; every scalar and
// every key is written by `yaml` itself (in the same indentation), once per distinct text and
// remembered, except the plain names that no `yaml` schema rule could read as anything else.
// Whatever else `yaml` could write differently (non-plain objects, all-null maps, explicit keys),
// the writer declines and toYaml falls back to `yaml`. test/lib/yaml-fast.test.ts compares both.
// ---------------------------------------------------------------------------------------------

/** The options toYaml writes with (lib/manifests.ts): no line folding, YAML 1.1 quoting. */
export const WRITE_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' } as const;

const STEP = '  ';
/** Letters, digits and `_./-`, starting with neither `.` nor `-`: no indicator, no `: `/` #`, no document marker. */
const SAFE_PLAIN = /^[A-Za-z0-9_/][A-Za-z0-9_./-]*$/;

let notStrings: readonly RegExp[] | undefined;
/** Whether `yaml`'s 1.1 schema reads a plain scalar as a string: no non-string tag's test matches it (as `yaml` checks before writing plain). */
function readsAsString(s: string): boolean {
  if (!notStrings) {
    const { tags, compat } = new Document(null, WRITE_OPTIONS).schema;
    notStrings = [...tags, ...(compat ?? [])]
      .filter((t) => t.default && t.tag !== 'tag:yaml.org,2002:str')
      .flatMap((t) => ('test' in t && t.test instanceof RegExp ? [t.test] : []));
  }
  return !notStrings.some((re) => re.test(s));
}

/** A plain `a:` map nesting `depth` levels deep: `yaml` writes its innermost value at STEP × depth. */
function nest(value: unknown, depth: number): unknown {
  let v = value;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

function nestPrefix(depth: number): string {
  return Array.from({ length: depth }, (_, i) => `${STEP.repeat(i)}a:`).join('\n');
}

const scalars = new Map<string, string | null>();
/** How `yaml` writes a scalar whose indentation is STEP × depth (a map value or list item there); null when it is not on the key's line. */
function scalarAt(value: string | number | boolean | null, depth: number): string | null {
  const id = `${depth}\0${typeof value}\0${Object.is(value, -0) ? '-0' : String(value)}`;
  let text = scalars.get(id);
  if (text === undefined) {
    const out = stringify(nest(value, depth), WRITE_OPTIONS);
    const prefix = `${nestPrefix(depth)} `;
    text = out.startsWith(prefix) && out.endsWith('\n') && out.length > prefix.length + 1 ? out.slice(prefix.length, -1) : null;
    if (text !== null && text[0] === '\n') text = null;
    scalars.set(id, text);
  }
  return text;
}

const keys = new Map<string, string | null>();
/** How `yaml` writes a key of a map indented STEP × depth; null for an explicit (`? `) key. */
function keyAt(key: string, depth: number): string | null {
  if (key.length <= 1024 && SAFE_PLAIN.test(key) && readsAsString(key)) return key;
  const id = `${depth}\0${key}`;
  let text = keys.get(id);
  if (text === undefined) {
    const out = stringify(nest({ [key]: 0 }, depth), WRITE_OPTIONS);
    const prefix = depth === 0 ? '' : `${nestPrefix(depth)}\n${STEP.repeat(depth)}`;
    const rest = out.startsWith(prefix) && out.endsWith(': 0\n') ? out.slice(prefix.length, -': 0\n'.length) : '';
    text = rest === '' || rest.includes('\n') || rest.startsWith('? ') ? null : rest;
    keys.set(id, text);
  }
  return text;
}

/** Thrown inside the writer when `yaml` might write the value differently; caught by fastDump. */
const DECLINE = Symbol('decline');

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A value as `yaml` writes it after `key:` or `- ` at STEP × depth (collections start on the next line when not empty). */
function value(v: unknown, depth: number, after: 'pair' | 'item'): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return ' []';
    const body = seq(v, depth);
    return after === 'pair' ? `\n${STEP.repeat(depth)}${body}` : ` ${body}`;
  }
  if (isPlainObject(v)) {
    if (Object.keys(v).length === 0) return ' {}';
    const body = map(v, depth);
    return after === 'pair' ? `\n${STEP.repeat(depth)}${body}` : ` ${body}`;
  }
  let text: string | null;
  if (typeof v === 'string') text = SAFE_PLAIN.test(v) && readsAsString(v) ? v : scalarAt(v, depth);
  else if (typeof v === 'number' || typeof v === 'boolean' || v === null) text = scalarAt(v, depth);
  else throw DECLINE;
  if (text === null) throw DECLINE;
  return ` ${text}`;
}

/** A non-empty list whose `- ` lines start at STEP × depth (after the first line's own start). */
function seq(items: readonly unknown[], depth: number): string {
  const lines: string[] = [];
  for (const item of items) {
    if (item === undefined) throw DECLINE;
    lines.push(`-${value(item, depth + 1, 'item')}`);
  }
  return lines.join(`\n${STEP.repeat(depth)}`);
}

/** A non-empty map whose keys start at STEP × depth (after the first line's own start). */
function map(obj: Readonly<Record<string, unknown>>, depth: number): string {
  const lines: string[] = [];
  let allNull = true;
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (v === undefined) throw DECLINE;
    if (v !== null) allNull = false;
    const key = keyAt(k, depth);
    if (key === null) throw DECLINE;
    lines.push(`${key}:${value(v, depth + 1, 'pair')}`);
  }
  // `yaml` writes a map of nothing but nulls as a set (`? key`) in places: leave it to `yaml`.
  if (allNull) throw DECLINE;
  return lines.join(`\n${STEP.repeat(depth)}`);
}

/**
 * `stringify(value, WRITE_OPTIONS)` for a non-empty map of plain JSON data, or undefined when this
 * path declines the value (then write it with `yaml`).
 */
export function fastDump(v: unknown): string | undefined {
  if (!isPlainObject(v) || Object.keys(v).length === 0) return undefined;
  try {
    return `${map(v, 0)}\n`;
  } catch (e) {
    if (e === DECLINE) return undefined;
    throw e;
  }
}

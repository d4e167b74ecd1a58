// Plain data printed as TypeScript source exactly as prettier formats it with the repository's
// settings (.prettierrc.json: printWidth 140, singleQuote, trailingComma all), so generated files
// (`krate-policy import`'s template.ts) pass `prettier --check` without running prettier:
// objects are always expanded (prettier keeps an object expanded when its first key is on a new
// line), arrays of plain values stay on one line when they fit, and a string property that does not
// fit moves to the next line unless its key is short (prettier's assignment layout).
// test/cli/ts-source.test.ts checks the output against prettier itself.

/** What can be printed: JSON-like data. */
export type SourceValue = string | number | boolean | null | readonly SourceValue[] | { readonly [key: string]: SourceValue | undefined };

const PRINT_WIDTH = 140;
const TAB = 2;
/** Prettier's isObjectPropertyWithShortKey: a key narrower than tabWidth + 3 keeps a long string on its line. */
const SHORT_KEY = TAB + 3;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const escapes: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
  '\v': '\\v',
};

/**
 * A string literal as prettier prints it: single quotes unless the text holds more single than
 * double quotes (prettier's preferred-quote rule), only the chosen quote escaped.
 */
export function stringLiteral(value: string): string {
  const singles = value.split("'").length - 1;
  const doubles = value.split('"').length - 1;
  const quote = singles > doubles ? '"' : "'";
  let out = '';
  for (const ch of value) {
    if (ch === quote) out += `\\${ch}`;
    else if (ch in escapes) out += escapes[ch];
    else if (ch < ' ' || ch === '\u2028' || ch === '\u2029' || ch === '\u007f')
      out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}

const key = (k: string): string => (IDENTIFIER.test(k) ? k : stringLiteral(k));
const isPlain = (v: SourceValue): boolean => v === null || typeof v !== 'object';

function scalar(v: string | number | boolean | null): string {
  if (typeof v === 'string') return stringLiteral(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot print ${v} as TypeScript`);
    return String(v);
  }
  return String(v);
}

/**
 * `value` printed at `indent` spaces, as the rest of a line that already holds `prefix`
 * characters and is followed by `suffix` characters (`,` or `;`): the lines, the first without indentation.
 */
function print(value: SourceValue, indent: number, prefix: number, suffix: number): string[] {
  if (isPlain(value)) return [scalar(value as string | number | boolean | null)];
  const pad = ' '.repeat(indent + TAB);
  const close = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return ['[]'];
    if (value.every(isPlain)) {
      const flat = `[${value.map((v) => scalar(v as string | number | boolean | null)).join(', ')}]`;
      if (indent + prefix + flat.length + suffix <= PRINT_WIDTH) return [flat];
    }
    const lines = ['['];
    for (const item of value) {
      const printed = print(item, indent + TAB, 0, 1);
      lines.push(`${pad}${printed[0]}`, ...printed.slice(1));
      lines[lines.length - 1] += ',';
    }
    lines.push(`${close}]`);
    return lines;
  }
  const entries = Object.entries(value as Record<string, SourceValue | undefined>).filter(([, v]) => v !== undefined) as Array<
    [string, SourceValue]
  >;
  if (entries.length === 0) return ['{}'];
  const lines = ['{'];
  for (const [k, v] of entries) lines.push(...property(k, v, indent + TAB));
  lines.push(`${close}}`);
  return lines;
}

/** One `key: value,` property at `indent`, as lines. */
function property(k: string, v: SourceValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const head = `${key(k)}: `;
  if (typeof v === 'string') {
    const literal = stringLiteral(v);
    const fits = indent + head.length + literal.length + 1 <= PRINT_WIDTH;
    if (fits || key(k).length < SHORT_KEY) return [`${pad}${head}${literal},`];
    return [`${pad}${key(k)}:`, `${pad}${' '.repeat(TAB)}${literal},`];
  }
  const printed = print(v, indent, head.length, 1);
  const lines = [`${pad}${head}${printed[0]}`, ...printed.slice(1)];
  lines[lines.length - 1] += ',';
  return lines;
}

/** `value` as an expression starting after `prefix` characters on a line at `indent` (e.g. after `const x: T = `), ending in `suffix`. */
export function printSource(value: SourceValue, options: { indent?: number; prefix?: number; suffix?: string } = {}): string {
  const suffix = options.suffix ?? '';
  const lines = print(value, options.indent ?? 0, options.prefix ?? 0, suffix.length);
  lines[lines.length - 1] += suffix;
  return lines.join('\n');
}

/** The lines of an object's properties at `indent` (to splice into a hand-written object literal). */
export function printProperties(value: { readonly [key: string]: SourceValue | undefined }, indent: number): string[] {
  return Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .flatMap(([k, v]) => property(k, v as SourceValue, indent));
}

// The CEL environment Kyverno v1.19 compiles ValidatingPolicies with (pkg/cel/compiler/env.go),
// minus what cel-js already ships: the Kubernetes libraries (lists, regex, quantity, url, ip, cidr,
// semver, format; `sets` lives in lib/cel/kubernetes.ts) and the cel-go extensions Kubernetes
// enables (strings v2, lists v3, math, encoders, regex). Kyverno's own libraries are in
// kyverno-libs.ts. Namespaced functions (`math.greatest`, `strings.quote`) are receiver calls on
// a constant, as lib/cel/kubernetes.ts does for `sets`.
import { Optional, type Environment } from '@marcbachmann/cel-js';
import { CelURL, CIDR, IPAddr, Quantity, Semver, checkInt, fail, re2, re2Replacement } from './cel-types';

/**
 * A CEL function's implementation. Its parameters (the receiver first) are typed as the values
 * cel-js passes for the declared CEL types (string → string, int → bigint, double → number,
 * list → unknown[], a registered type → its class): cel-js calls it only with arguments of the
 * types `params` declares.
 */
export type Handler<A extends unknown[]> = (...args: A) => unknown;

/** Registers `[receiver.]name(params): returns`. */
export function fn<A extends unknown[]>(
  env: Environment,
  receiver: string | null,
  name: string,
  params: readonly string[],
  returns: string,
  handler: Handler<A>,
): void {
  env.registerFunction({
    name,
    ...(receiver ? { receiverType: receiver } : {}),
    returnType: returns,
    params: params.map((type, i) => ({ name: `a${i}`, type })),
    handler,
  } as never);
}

/** A constant that namespaces functions: `ns.f(x)` is a receiver call on it. */
export function namespace(env: Environment, name: string, typeName: string): string {
  const Ctor = { [typeName]: class {} }[typeName];
  env.registerType(typeName, Ctor);
  env.registerConstant(name, typeName, new Ctor());
  return typeName;
}

const isOptional = (v: unknown): v is Optional => v instanceof Optional;
const isPlainMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && (v.constructor === Object || v.constructor === undefined);

/** CEL equality (heterogeneous numbers compare by value; lists and maps deeply). */
export function celEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const ta = typeof a;
  const tb = typeof b;
  if ((ta === 'bigint' || ta === 'number') && (tb === 'bigint' || tb === 'number'))
    return Number(a) === Number(b) && (ta === tb || Number.isSafeInteger(Number(a)));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => celEqual(x, b[i]));
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, i) => x === b[i]);
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (isPlainMap(a) && isPlainMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && celEqual(a[k], b[k]));
  }
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && a.constructor === b.constructor)
    return String(a) === String(b);
  return false;
}

/** Ordering of comparable CEL values (numbers, strings, bools, bytes, timestamps, durations). */
export function celCompare(a: unknown, b: unknown): number {
  const num = (v: unknown) => typeof v === 'bigint' || typeof v === 'number';
  if (num(a) && num(b)) {
    if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
    const x = Number(a);
    const y = Number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    // Code point order, as Go compares strings (UTF-8 byte order).
    const x = Array.from(a);
    const y = Array.from(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
      if (d !== 0) return d < 0 ? -1 : 1;
    }
    return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Date && b instanceof Date) return Math.sign(a.getTime() - b.getTime());
  if (a instanceof Uint8Array && b instanceof Uint8Array)
    return celCompare(Buffer.from(a).toString('latin1'), Buffer.from(b).toString('latin1'));
  const da = durationNanos(a);
  const db = durationNanos(b);
  if (da !== undefined && db !== undefined) return da < db ? -1 : da > db ? 1 : 0;
  if (typeof a === 'object' && a !== null && 'unwrappedType' in a) return 0;
  return fail(`no such overload: cannot compare ${typeName(a)} and ${typeName(b)}`);
}

/** A cel-js Duration as nanoseconds, or undefined for anything else. */
export function durationNanos(v: unknown): bigint | undefined {
  if (typeof v !== 'object' || v === null || (v as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] !== 'google.protobuf.Duration')
    return undefined;
  const d = v as unknown as { seconds: bigint; nanos: number };
  return d.seconds * 1_000_000_000n + BigInt(d.nanos);
}

export function typeName(v: unknown): string {
  if (v === null) return 'null_type';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'double';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof Date) return 'google.protobuf.Timestamp';
  if (isPlainMap(v)) return 'map';
  return (v as object).constructor?.name ?? 'dyn';
}

const codePoints = (s: string) => Array.from(s);

/** The zero value of its type (optional.ofNonZeroValue). */
function isZeroValue(v: unknown): boolean {
  if (v === null || v === false || v === 0n || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof Uint8Array) return v.length === 0;
  if (isPlainMap(v)) return Object.keys(v).length === 0;
  return false;
}

// ---------------------------------------------------------------------------------------------
// strings: ext.Strings(version 2) and Kubernetes' string helpers.

function formatValue(v: unknown, verb: string, precision: number | undefined): string {
  switch (verb) {
    case 's':
      return formatString(v);
    case 'd':
      if (typeof v === 'bigint') return `${v}`;
      if (typeof v === 'object' && v !== null && 'value' in v && typeof (v as { value: unknown }).value === 'bigint')
        return `${(v as { value: bigint }).value}`;
      if (typeof v === 'number' && Number.isInteger(v)) return `${v}`;
      return fail(`error during formatting: decimal clause can only be used on integers, was given ${typeName(v)}`);
    case 'f':
    case 'e': {
      const x =
        typeof v === 'bigint'
          ? Number(v)
          : typeof v === 'number'
            ? v
            : fail(`error during formatting: fixed-point clause can only be used on doubles, was given ${typeName(v)}`);
      if (Number.isNaN(x)) return 'NaN';
      if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
      if (verb === 'f') return x.toFixed(precision ?? 6);
      const [m, e] = x.toExponential(precision ?? 6).split('e');
      const exp = Number(e);
      return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
    }
    case 'b':
    case 'o':
    case 'x':
    case 'X': {
      const radix = verb === 'b' ? 2 : verb === 'o' ? 8 : 16;
      let out: string;
      if (typeof v === 'bigint') out = v < 0n ? `-${(-v).toString(radix)}` : v.toString(radix);
      else if (typeof v === 'boolean' && verb === 'b') out = v ? '1' : '0';
      else if (typeof v === 'string' && radix === 16) out = Buffer.from(v, 'utf8').toString('hex');
      else if (v instanceof Uint8Array && radix === 16) out = Buffer.from(v).toString('hex');
      else
        return fail(
          `error during formatting: only integers${radix === 16 ? ', strings and bytes' : ''} can be formatted with %${verb}, was given ${typeName(v)}`,
        );
      return verb === 'X' ? out.toUpperCase() : out;
    }
    default:
      return fail(`could not parse formatting clause: unrecognized formatting clause "${verb}"`);
  }
}

function formatString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null) return 'null';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
    return `${v}`;
  }
  if (Array.isArray(v)) return `[${v.map(formatString).join(', ')}]`;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (v instanceof Date) return v.toISOString().replace('.000Z', 'Z');
  if (isPlainMap(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${formatString(k)}: ${formatString(v[k])}`).join(', ')}}`;
  }
  return String(v);
}

/** `"%s is %d".format([a, b])` (cel-go ext strings). */
export function celFormat(template: string, args: readonly unknown[]): string {
  let out = '';
  let next = 0;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    if (template[i + 1] === '%') {
      out += '%';
      i++;
      continue;
    }
    const m = /^(?:\.(\d+))?([a-zA-Z])/.exec(template.slice(i + 1));
    if (!m) return fail('could not parse formatting clause: unexpected end of format string');
    if (next >= args.length) return fail(`index ${next} out of range`);
    out += formatValue(args[next++], m[2], m[1] === undefined ? undefined : Number(m[1]));
    i += m[0].length;
  }
  return out;
}

/** Go's strconv.Quote. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function registerStrings(env: Environment): void {
  fn(env, 'string', 'charAt', ['int'], 'string', (s: string, i: bigint) => {
    const cps = codePoints(s);
    const n = Number(i);
    if (n < 0 || n > cps.length) return fail(`index out of range: ${i}`);
    return cps[n] ?? '';
  });
  const replace = (s: string, from: string, to: string, n: number) => {
    if (n === 0) return s;
    if (n < 0) return s.split(from).join(to);
    let out = '';
    let rest = s;
    for (let k = 0; k < n; k++) {
      const at = from === '' ? (k === 0 ? 0 : 1) : rest.indexOf(from);
      if (at < 0 || (from === '' && k > 0 && rest === '')) break;
      out += rest.slice(0, at) + to;
      rest = rest.slice(at + from.length);
      if (from === '' && rest !== '') {
        out += rest[0];
        rest = rest.slice(1);
      }
    }
    return out + rest;
  };
  fn(env, 'string', 'replace', ['string', 'string'], 'string', (s: string, a: string, b: string) => replace(s, a, b, -1));
  fn(env, 'string', 'replace', ['string', 'string', 'int'], 'string', (s: string, a: string, b: string, n: bigint) =>
    replace(s, a, b, Number(n)),
  );
  fn(env, 'string', 'reverse', [], 'string', (s: string) => codePoints(s).reverse().join(''));
  fn(env, 'string', 'format', ['list'], 'string', (s: string, args: unknown[]) => celFormat(s, args));
  const strings = namespace(env, 'strings', 'kubernetes.StringsLibrary');
  fn(env, strings, 'quote', ['string'], 'string', (_self: unknown, s: string) => goQuote(s));
  // Kubernetes regex library: find / findAll.
  fn(env, 'string', 'find', ['string'], 'string', (s: string, p: string) => re2(p).exec(s)?.[0] ?? '');
  fn(env, 'string', 'findAll', ['string'], 'list<string>', (s: string, p: string) => Array.from(s.matchAll(re2(p, true)), (m) => m[0]));
  fn(env, 'string', 'findAll', ['string', 'int'], 'list<string>', (s: string, p: string, n: bigint) => {
    const all = Array.from(s.matchAll(re2(p, true)), (m) => m[0]);
    return n < 0n ? all : all.slice(0, Number(n));
  });
  // ext.Regex: regex.replace / extract / extractAll.
  const regex = namespace(env, 'regex', 'kubernetes.RegexLibrary');
  const regexReplace = (s: string, p: string, r: string, n: number) => {
    if (n === 0) return s;
    let count = 0;
    return s.replace(re2(p, true), (...m: unknown[]) => {
      const whole = m[0] as string;
      if (n >= 0 && count >= n) return whole;
      count++;
      const groups = m.slice(1, -2) as (string | undefined)[];
      return re2Replacement(r).replace(/\$(\d+)|\$<(\w+)>|\$\$/g, (t, i?: string, name?: string) => {
        if (t === '$$') return '$';
        if (i !== undefined) return Number(i) === 0 ? whole : (groups[Number(i) - 1] ?? '');
        const named = m[m.length - 1] as Record<string, string> | undefined;
        return named && typeof named === 'object' ? (named[name!] ?? '') : '';
      });
    });
  };
  fn(env, regex, 'replace', ['string', 'string', 'string'], 'string', (_r: unknown, s: string, p: string, r: string) =>
    regexReplace(s, p, r, -1),
  );
  fn(env, regex, 'replace', ['string', 'string', 'string', 'int'], 'string', (_r: unknown, s: string, p: string, r: string, n: bigint) =>
    regexReplace(s, p, r, Number(n)),
  );
  const extract = (m: RegExpMatchArray) => {
    if (m.length > 2) return fail(`too many capture groups: ${m.length - 1}`);
    return m.length === 2 ? (m[1] ?? '') : m[0];
  };
  fn(env, regex, 'extract', ['string', 'string'], 'optional<string>', (_r: unknown, s: string, p: string) => {
    const m = re2(p).exec(s);
    return m ? Optional.of(extract(m)) : Optional.none();
  });
  fn(env, regex, 'extractAll', ['string', 'string'], 'list<string>', (_r: unknown, s: string, p: string) =>
    Array.from(s.matchAll(re2(p, true)), extract),
  );
}

// ---------------------------------------------------------------------------------------------
// lists: Kubernetes' lists library and ext.Lists(version 3).

function numericSum(list: readonly unknown[]): unknown {
  if (list.length === 0) return 0n;
  if (list.every((x) => typeof x === 'bigint')) return checkInt((list as bigint[]).reduce((a, b) => a + b, 0n));
  if (list.every((x) => typeof x === 'number')) return (list as number[]).reduce((a, b) => a + b, 0);
  return fail(`no such overload: sum() of ${typeName(list[0])} elements`);
}

function flatten(list: readonly unknown[], depth: number): unknown[] {
  if (depth < 0) return fail('level must be non-negative');
  const out: unknown[] = [];
  for (const x of list) {
    if (Array.isArray(x) && depth > 0) out.push(...flatten(x, depth - 1));
    else out.push(x);
  }
  return out;
}

function registerLists(env: Environment): void {
  fn(env, 'list', 'isSorted', [], 'bool', (l: unknown[]) => l.every((x, i) => i === 0 || celCompare(l[i - 1], x) <= 0));
  fn(env, 'list', 'sum', [], 'dyn', (l: unknown[]) => numericSum(l));
  const extreme = (l: unknown[], sign: number) =>
    l.length === 0 ? fail(`${sign < 0 ? 'min' : 'max'}() of empty list`) : l.reduce((a, b) => (celCompare(b, a) * sign > 0 ? b : a));
  fn(env, 'list', 'min', [], 'dyn', (l: unknown[]) => extreme(l, -1));
  fn(env, 'list', 'max', [], 'dyn', (l: unknown[]) => extreme(l, 1));
  fn(env, 'list', 'indexOf', ['dyn'], 'int', (l: unknown[], x: unknown) => BigInt(l.findIndex((e) => celEqual(e, x))));
  fn(env, 'list', 'lastIndexOf', ['dyn'], 'int', (l: unknown[], x: unknown) => {
    for (let i = l.length - 1; i >= 0; i--) if (celEqual(l[i], x)) return BigInt(i);
    return -1n;
  });
  fn(env, 'list', 'slice', ['int', 'int'], 'list', (l: unknown[], a: bigint, b: bigint) => {
    if (a < 0n || b < 0n) return fail(`cannot slice(${a}, ${b}), negative indexes not supported`);
    if (a > b) return fail(`cannot slice(${a}, ${b}), start index must be less than or equal to end index`);
    if (b > BigInt(l.length)) return fail(`cannot slice(${a}, ${b}), list is length ${l.length}`);
    return l.slice(Number(a), Number(b));
  });
  fn(env, 'list', 'flatten', [], 'list', (l: unknown[]) => flatten(l, 1));
  fn(env, 'list', 'flatten', ['int'], 'list', (l: unknown[], d: bigint) => flatten(l, Number(d)));
  fn(env, 'list', 'distinct', [], 'list', (l: unknown[]) => l.filter((x, i) => l.findIndex((y) => celEqual(x, y)) === i));
  fn(env, 'list', 'reverse', [], 'list', (l: unknown[]) => [...l].reverse());
  fn(env, 'list', 'sort', [], 'list', (l: unknown[]) => [...l].sort(celCompare));
  fn(env, 'list', 'first', [], 'optional', (l: unknown[]) => (l.length ? Optional.of(l[0]) : Optional.none()));
  fn(env, 'list', 'last', [], 'optional', (l: unknown[]) => (l.length ? Optional.of(l[l.length - 1]) : Optional.none()));
  fn(env, 'list', 'kyvernoSortByAssociatedKeys', ['list'], 'list', (l: unknown[], keys: unknown[]) => {
    if (keys.length !== l.length) return fail('sortBy: keys and list lengths differ');
    return l
      .map((x, i) => [x, keys[i]] as const)
      .sort((a, b) => celCompare(a[1], b[1]))
      .map(([x]) => x);
  });
  const lists = namespace(env, 'lists', 'kubernetes.ListsLibrary');
  fn(env, lists, 'range', ['int'], 'list<int>', (_l: unknown, n: bigint) =>
    Array.from({ length: Math.max(0, Number(n)) }, (_, i) => BigInt(i)),
  );
  // list.sortBy(e, key): sorts by the key expression (ext.Lists), expanded into map() + a helper.
  env.registerType('kubernetes.SortByMacro', class SortByMacro {});
  env.registerFunction('kubernetes.SortByMacro.sortBy(ast, ast): list', ((m: MacroArgs) => {
    const mapMacro = m.parser.registry.findMacro('map', true, 2);
    const rcall = { name: 'rcall', check: m.ast.meta.check, evaluate: m.ast.meta.evaluate };
    const mapAst = m.ast.clone(rcall, ['map', m.receiver, m.args]);
    const mapped = mapMacro.handler({ ast: mapAst, args: m.args, receiver: m.receiver, methodName: 'map', parser: m.parser });
    return {
      callAst: m.ast.clone(rcall, [
        'kyvernoSortByAssociatedKeys',
        m.receiver,
        [mapped.callAst ? mapAst.setMeta('alternate', mapped.callAst) : mapAst],
      ]),
    };
  }) as never);
}

// Shape of the object cel-js hands a macro handler (see node_modules/@marcbachmann/cel-js/lib/parser.js).
interface AstNode {
  readonly meta: { readonly check: unknown; readonly evaluate: unknown };
  clone(op: unknown, args: unknown): AstNode;
  setMeta(key: string, value: unknown): AstNode;
}
interface MacroArgs {
  readonly ast: AstNode;
  readonly args: readonly AstNode[];
  readonly receiver: AstNode;
  readonly parser: {
    readonly registry: { findMacro(name: string, receiver: boolean, n: number): { handler(a: unknown): { callAst?: AstNode } } };
  };
}
interface Checker {
  check(node: AstNode, ctx: unknown): CheckedType;
  getType(name: string): CheckedType;
  readonly registry: unknown;
}
interface CheckedType {
  readonly kind: string;
  readonly valueType?: CheckedType;
  unify(registry: unknown, other: CheckedType): CheckedType | undefined;
}
interface Evaluator {
  run(node: AstNode, ctx: unknown): unknown;
}

/**
 * Kyverno's `orValue` compatibility (pkg/cel/compiler/env.go OrValueCompatEnvOptions): on an
 * optional it is optional.orValue; on a plain value it returns the value, as cel-go 0.27 did, so
 * `container.volumeMounts.orValue([])` works when volumeMounts is present. cel-js picks the last
 * macro registered for `.orValue(x)`, whatever the receiver type, so this one replaces its own.
 */
function registerOrValueCompat(env: Environment): void {
  env.registerType('kyverno.OrValueCompat', class OrValueCompat {});
  env.registerFunction('kyverno.OrValueCompat.orValue(ast): dyn', ((m: MacroArgs) => ({
    typeCheck(chk: Checker, _macro: unknown, ctx: unknown) {
      const l = chk.check(m.receiver, ctx);
      const r = chk.check(m.args[0], ctx);
      if (l.kind === 'optional' && l.valueType) return l.valueType.unify(chk.registry, r) ?? chk.getType('dyn');
      if (l.kind === 'dyn') return l;
      return l.unify(chk.registry, r) ?? l;
    },
    evaluate(ev: Evaluator, _macro: unknown, ctx: unknown) {
      const v = ev.run(m.receiver, ctx);
      if (isOptional(v)) return v.hasValue() ? v.value() : ev.run(m.args[0], ctx);
      return v;
    },
  })) as never);
}

/**
 * `s.matches(re)` with RE2 syntax (`(?i)…` and friends, see re2()): cel-js's own `matches` is
 * JavaScript's RegExp. Replaces cel-js's overload the same way as orValue above.
 */
function registerMatches(env: Environment): void {
  env.registerType('kyverno.MatchesRE2', class MatchesRE2 {});
  env.registerFunction('kyverno.MatchesRE2.matches(ast): bool', ((m: MacroArgs) => ({
    typeCheck(chk: Checker, _macro: unknown, ctx: unknown) {
      chk.check(m.receiver, ctx);
      chk.check(m.args[0], ctx);
      return chk.getType('bool');
    },
    evaluate(ev: Evaluator, _macro: unknown, ctx: unknown) {
      const s = ev.run(m.receiver, ctx);
      const p = ev.run(m.args[0], ctx);
      if (typeof s !== 'string' || typeof p !== 'string') return fail(`no such overload: ${typeName(s)}.matches(${typeName(p)})`);
      return re2(p).test(s);
    },
  })) as never);
}

// ---------------------------------------------------------------------------------------------
// math: ext.Math.

function registerMath(env: Environment): string {
  const math = namespace(env, 'math', 'kubernetes.MathLibrary');
  const pick = (values: readonly unknown[], sign: number) => {
    if (values.length === 0) return fail(`math.${sign > 0 ? 'greatest' : 'least'}() requires at least one argument`);
    for (const v of values)
      if (typeof v !== 'bigint' && typeof v !== 'number' && !(typeof v === 'object' && v !== null && 'value' in v))
        return fail(`no such overload: math.${sign > 0 ? 'greatest' : 'least'}(${typeName(v)})`);
    return values.reduce((a, b) => (celCompare(b, a) * sign > 0 ? b : a));
  };
  for (const [name, sign] of [
    ['greatest', 1],
    ['least', -1],
  ] as const) {
    fn(env, math, name, ['dyn'], 'dyn', (_m: unknown, x: unknown) => pick(Array.isArray(x) ? x : [x], sign));
    for (let n = 2; n <= 8; n++) fn(env, math, name, new Array(n).fill('dyn'), 'dyn', (_m: unknown, ...xs: unknown[]) => pick(xs, sign));
  }
  const dbl = (v: unknown): number => (typeof v === 'number' ? v : fail(`no such overload: expected double, got ${typeName(v)}`));
  fn(env, math, 'ceil', ['double'], 'double', (_m: unknown, x: number) => Math.ceil(x));
  fn(env, math, 'floor', ['double'], 'double', (_m: unknown, x: number) => Math.floor(x));
  fn(env, math, 'round', ['double'], 'double', (_m: unknown, x: number) => (x < 0 ? -Math.round(-x) : Math.round(x)));
  fn(env, math, 'trunc', ['double'], 'double', (_m: unknown, x: number) => Math.trunc(x));
  fn(env, math, 'isInf', ['double'], 'bool', (_m: unknown, x: number) => x === Infinity || x === -Infinity);
  fn(env, math, 'isNaN', ['double'], 'bool', (_m: unknown, x: number) => Number.isNaN(x));
  fn(env, math, 'isFinite', ['double'], 'bool', (_m: unknown, x: number) => Number.isFinite(x));
  fn(env, math, 'sqrt', ['dyn'], 'double', (_m: unknown, x: unknown) => Math.sqrt(typeof x === 'bigint' ? Number(x) : dbl(x)));
  fn(env, math, 'abs', ['dyn'], 'dyn', (_m: unknown, x: unknown) => {
    if (typeof x === 'bigint') return x === -9223372036854775808n ? fail('integer overflow') : x < 0n ? -x : x;
    return Math.abs(dbl(x));
  });
  fn(env, math, 'sign', ['dyn'], 'dyn', (_m: unknown, x: unknown) =>
    typeof x === 'bigint' ? (x > 0n ? 1n : x < 0n ? -1n : 0n) : Math.sign(dbl(x)),
  );
  const int = (v: unknown): bigint => (typeof v === 'bigint' ? v : fail(`no such overload: expected int, got ${typeName(v)}`));
  const wrap = (v: bigint) => BigInt.asIntN(64, v);
  fn(env, math, 'bitAnd', ['int', 'int'], 'int', (_m: unknown, a: bigint, b: bigint) => int(a) & int(b));
  fn(env, math, 'bitOr', ['int', 'int'], 'int', (_m: unknown, a: bigint, b: bigint) => int(a) | int(b));
  fn(env, math, 'bitXor', ['int', 'int'], 'int', (_m: unknown, a: bigint, b: bigint) => int(a) ^ int(b));
  fn(env, math, 'bitNot', ['int'], 'int', (_m: unknown, a: bigint) => ~int(a));
  fn(env, math, 'bitShiftLeft', ['int', 'int'], 'int', (_m: unknown, a: bigint, b: bigint) =>
    b < 0n ? fail('math.bitShiftLeft() negative offset') : b > 63n ? 0n : wrap(a << b),
  );
  fn(env, math, 'bitShiftRight', ['int', 'int'], 'int', (_m: unknown, a: bigint, b: bigint) =>
    b < 0n ? fail('math.bitShiftRight() negative offset') : b > 63n ? 0n : BigInt.asUintN(64, a) >> b,
  );
  return math;
}

// ---------------------------------------------------------------------------------------------
// encoders, quantity, semver, ip, cidr, url, format.

function registerEncoders(env: Environment): void {
  const base64 = namespace(env, 'base64', 'kubernetes.Base64Library');
  fn(env, base64, 'encode', ['bytes'], 'string', (_b: unknown, v: Uint8Array) => Buffer.from(v).toString('base64'));
  fn(env, base64, 'decode', ['string'], 'bytes', (_b: unknown, s: string) => {
    const padded = s.length % 4 === 0 ? s : s + '='.repeat(4 - (s.length % 4));
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(padded)) return fail(`illegal base64 data at input byte ${s.search(/[^A-Za-z0-9+/=]/)}`);
    return new Uint8Array(Buffer.from(padded, 'base64'));
  });
}

function registerQuantity(env: Environment): void {
  const Q = 'kubernetes.Quantity';
  env.registerType(Q, Quantity);
  fn(env, null, 'quantity', ['string'], Q, (s: string) => Quantity.parse(s));
  fn(env, Q, 'isInteger', [], 'bool', (q: Quantity) => q.isInteger());
  fn(env, Q, 'asInteger', [], 'int', (q: Quantity) => q.asInteger());
  fn(env, Q, 'asApproximateFloat', [], 'double', (q: Quantity) => q.asApproximateFloat());
  fn(env, Q, 'sign', [], 'int', (q: Quantity) => q.sign());
  fn(env, Q, 'isGreaterThan', [Q], 'bool', (a: Quantity, b: Quantity) => a.compare(b) > 0);
  fn(env, Q, 'isLessThan', [Q], 'bool', (a: Quantity, b: Quantity) => a.compare(b) < 0);
  fn(env, Q, 'compareTo', [Q], 'int', (a: Quantity, b: Quantity) => BigInt(a.compare(b)));
  fn(env, Q, 'add', [Q], Q, (a: Quantity, b: Quantity) => a.add(b));
  fn(env, Q, 'add', ['int'], Q, (a: Quantity, b: bigint) => a.add(Quantity.of(b, 1n)));
  fn(env, Q, 'sub', [Q], Q, (a: Quantity, b: Quantity) => a.sub(b));
  fn(env, Q, 'sub', ['int'], Q, (a: Quantity, b: bigint) => a.sub(Quantity.of(b, 1n)));
}

function registerSemver(env: Environment): void {
  const S = 'kubernetes.Semver';
  env.registerType(S, Semver);
  fn(env, null, 'semver', ['string'], S, (s: string) => Semver.parse(s));
  fn(env, null, 'semver', ['string', 'bool'], S, (s: string, n: boolean) => Semver.parse(s, n));
  fn(env, null, 'isSemver', ['string'], 'bool', (s: string) => Semver.is(s));
  fn(env, null, 'isSemver', ['string', 'bool'], 'bool', (s: string, n: boolean) => Semver.is(s, n));
  fn(env, S, 'major', [], 'int', (v: Semver) => v.major);
  fn(env, S, 'minor', [], 'int', (v: Semver) => v.minor);
  fn(env, S, 'patch', [], 'int', (v: Semver) => v.patch);
  fn(env, S, 'isGreaterThan', [S], 'bool', (a: Semver, b: Semver) => a.compare(b) > 0);
  fn(env, S, 'isLessThan', [S], 'bool', (a: Semver, b: Semver) => a.compare(b) < 0);
  fn(env, S, 'compareTo', [S], 'int', (a: Semver, b: Semver) => BigInt(a.compare(b)));
}

function parseIP(s: string): IPAddr {
  const ip = IPAddr.parse(s);
  if (!ip) return fail(`IP Address '${s}' parse error during conversion from string: ParseAddr(${goQuote(s)}): unable to parse IP`);
  if (ip.isIPv4Mapped()) return fail(`IPv4-mapped IPv6 address '${s}' is not allowed`);
  return ip;
}

function parseCIDR(s: string): CIDR {
  const c = CIDR.parse(s);
  if (!c) return fail(`network address parse error during conversion from string: netip.ParsePrefix(${goQuote(s)}): invalid prefix`);
  if (c.addr.isIPv4Mapped()) return fail(`IPv4-mapped IPv6 address '${s}' is not allowed`);
  return c;
}

function registerNet(env: Environment): void {
  const IP = 'net.IP';
  const C = 'net.CIDR';
  env.registerType(IP, IPAddr);
  env.registerType(C, CIDR);
  fn(env, null, 'ip', ['string'], IP, (s: string) => parseIP(s));
  fn(env, null, 'isIP', ['string'], 'bool', (s: string) => {
    const ip = IPAddr.parse(s);
    return !!ip && !ip.isIPv4Mapped();
  });
  const ipNs = namespace(env, 'ip', 'kubernetes.IPLibrary');
  fn(env, ipNs, 'isCanonical', ['string'], 'bool', (_n: unknown, s: string) => parseIP(s).toString() === s);
  fn(env, null, 'string', [IP], 'string', (ip: IPAddr) => ip.toString());
  fn(env, IP, 'family', [], 'int', (ip: IPAddr) => BigInt(ip.family));
  fn(env, IP, 'isUnspecified', [], 'bool', (ip: IPAddr) => ip.isUnspecified());
  fn(env, IP, 'isLoopback', [], 'bool', (ip: IPAddr) => ip.isLoopback());
  fn(env, IP, 'isLinkLocalMulticast', [], 'bool', (ip: IPAddr) => ip.isLinkLocalMulticast());
  fn(env, IP, 'isLinkLocalUnicast', [], 'bool', (ip: IPAddr) => ip.isLinkLocalUnicast());
  fn(env, IP, 'isGlobalUnicast', [], 'bool', (ip: IPAddr) => ip.isGlobalUnicast());
  fn(env, null, 'cidr', ['string'], C, (s: string) => parseCIDR(s));
  fn(env, null, 'isCIDR', ['string'], 'bool', (s: string) => {
    const c = CIDR.parse(s);
    return !!c && !c.addr.isIPv4Mapped();
  });
  fn(env, null, 'string', [C], 'string', (c: CIDR) => c.toString());
  fn(env, C, 'containsIP', [IP], 'bool', (c: CIDR, ip: IPAddr) => c.containsIP(ip));
  fn(env, C, 'containsIP', ['string'], 'bool', (c: CIDR, s: string) => c.containsIP(parseIP(s)));
  fn(env, C, 'containsCIDR', [C], 'bool', (c: CIDR, o: CIDR) => c.containsCIDR(o));
  fn(env, C, 'containsCIDR', ['string'], 'bool', (c: CIDR, s: string) => c.containsCIDR(parseCIDR(s)));
  fn(env, C, 'ip', [], IP, (c: CIDR) => c.addr);
  fn(env, C, 'masked', [], C, (c: CIDR) => c.masked());
  fn(env, C, 'prefixLength', [], 'int', (c: CIDR) => BigInt(c.bits));
}

function registerURL(env: Environment): void {
  const U = 'net.URL';
  env.registerType(U, CelURL);
  fn(
    env,
    null,
    'url',
    ['string'],
    U,
    (s: string) => CelURL.parse(s) ?? fail(`URL parse error during conversion from string: parse ${goQuote(s)}: invalid URI for request`),
  );
  fn(env, null, 'isURL', ['string'], 'bool', (s: string) => CelURL.parse(s) !== undefined);
  fn(env, U, 'getScheme', [], 'string', (u: CelURL) => u.scheme);
  fn(env, U, 'getHost', [], 'string', (u: CelURL) => u.host);
  fn(env, U, 'getHostname', [], 'string', (u: CelURL) => u.hostname());
  fn(env, U, 'getPort', [], 'string', (u: CelURL) => u.port());
  fn(env, U, 'getEscapedPath', [], 'string', (u: CelURL) => u.escapedPath());
  fn(env, U, 'getQuery', [], 'map<string, list<string>>', (u: CelURL) => u.query());
}

// k8s.io/apimachinery/pkg/util/validation, as the format library reports it.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
import { LABEL_VALUE } from '../../lib/kubernetes-names';
const maxLen = (n: number) => `must be no more than ${n} characters`;

function dns1123Label(s: string): string[] {
  const out: string[] = [];
  if (s.length > 63) out.push(maxLen(63));
  if (!DNS1123_LABEL.test(s))
    out.push(
      `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    );
  return out;
}
function dns1123Subdomain(s: string): string[] {
  const out: string[] = [];
  if (s.length > 253) out.push(maxLen(253));
  if (!DNS1123_SUBDOMAIN.test(s))
    out.push(
      `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
  return out;
}
function dns1035Label(s: string): string[] {
  const out: string[] = [];
  if (s.length > 63) out.push(maxLen(63));
  if (!DNS1035_LABEL.test(s))
    out.push(
      `a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
    );
  return out;
}
function qualifiedName(s: string): string[] {
  const parts = s.split('/');
  const out: string[] = [];
  let name = s;
  if (parts.length === 2) {
    const [prefix] = parts;
    name = parts[1];
    if (prefix.length === 0) out.push('prefix part must be non-empty');
    else out.push(...dns1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else if (parts.length > 2) {
    return [
      `a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) out.push('name part must be non-empty');
  else if (name.length > 63) out.push(`name part ${maxLen(63)}`);
  if (name.length > 0 && !QUALIFIED_NAME.test(name))
    out.push(
      `name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    );
  return out;
}
function labelValue(s: string): string[] {
  const out: string[] = [];
  if (s.length > 63) out.push(maxLen(63));
  if (!LABEL_VALUE.test(s))
    out.push(
      `a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    );
  return out;
}
const prefix = (check: (s: string) => string[]) => (s: string) => check(s.endsWith('-') ? `${s.slice(0, -1)}a` : s);

export const FORMATS: Readonly<Record<string, (s: string) => string[]>> = {
  dns1123Label,
  dns1123Subdomain,
  dns1035Label,
  qualifiedName,
  dns1123LabelPrefix: prefix(dns1123Label),
  dns1123SubdomainPrefix: prefix(dns1123Subdomain),
  dns1035LabelPrefix: prefix(dns1035Label),
  labelValue,
  uri: (s) => (CelURL.parse(s) ? [] : ['invalid URI']),
  uuid: (s) =>
    /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s) ? [] : ['does not match the UUID format'],
  byte: (s) => (/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s) ? [] : ['invalid base64']),
  date: (s) =>
    /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s)
      ? []
      : ['invalid date'],
  datetime: (s) =>
    /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s))
      ? []
      : ['invalid datetime'],
};

class NamedFormat {
  constructor(readonly name: string) {}
}

function registerFormat(env: Environment): void {
  const F = 'kubernetes.NamedFormat';
  env.registerType(F, NamedFormat);
  const format = namespace(env, 'format', 'kubernetes.FormatLibrary');
  for (const name of Object.keys(FORMATS)) fn(env, format, name, [], F, () => new NamedFormat(name));
  fn(env, format, 'named', ['string'], 'optional', (_f: unknown, name: string) =>
    FORMATS[name] ? Optional.of(new NamedFormat(name)) : Optional.none(),
  );
  fn(env, F, 'validate', ['string'], 'optional', (f: NamedFormat, s: string) => {
    const errors = FORMATS[f.name](s);
    return errors.length ? Optional.of(errors) : Optional.none();
  });
}

/** Registers every Kubernetes and cel-go extension library listed in this file's header. */
export function registerKubernetesLibraries(env: Environment): void {
  registerOrValueCompat(env);
  registerMatches(env);
  registerStrings(env);
  registerLists(env);
  registerMath(env);
  registerEncoders(env);
  registerQuantity(env);
  registerSemver(env);
  registerNet(env);
  registerURL(env);
  registerFormat(env);
  env.registerFunction('OptionalNamespace.ofNonZeroValue(dyn): optional<dyn>', (_o: unknown, v: unknown) =>
    isZeroValue(v) ? Optional.none() : Optional.of(v),
  );
}

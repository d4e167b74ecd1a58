// A fast path for the CEL the policies use: the checked cel-js AST compiled once into plain
// closures. It handles only well-typed, unsurprising cases and gives up ("bails") on anything else:
// a missing field, a type it does not know, mixed-type comparisons, overflow, a value that is not
// plain data. The caller then evaluates the same expression with cel-js, which stays the reference
// for every result and every error message. So the fast path can only ever be faster, never
// different: test/analysis/cel/fast.test.ts checks both agree on every template and fixture.
import type { ASTNode } from '@marcbachmann/cel-js';
import { isQuantity, setsContains, setsEquivalent, setsIntersects, type CelContext } from '../../lib/cel';

/** Thrown by compiled closures to hand the whole expression back to cel-js. */
const BAIL: unique symbol = Symbol('bail');
const bail = (): never => {
  throw BAIL;
};

/** An optional value inside the fast path (never returned: a top-level optional bails). */
class Opt {
  constructor(readonly v: unknown) {}
}
const NONE = new Opt(undefined);

type Scope = unknown[];
type Fn = (ctx: CelContext, s: Scope) => unknown;
/** A cel-js AST node: a union discriminated by `op`, whose `args` shape depends on it (`'.'`: [Node, string], ...). */
type Node = ASTNode;

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const MAX_INT = 9223372036854775807n;
const MIN_INT = -9223372036854775808n;

type Getter = (o: Record<string, unknown>) => unknown;
const getters = new Map<string, Getter>();

/**
 * `o[key]` when it is o's own property, undefined otherwise (no prototype lookups), specialised for
 * a key known when compiling: only keys Object.prototype also has (toString, constructor, ...) need
 * the own-property check. Other keys get generated code with the key as a literal (as ajv does), so
 * each field name has its own inline cache instead of one megamorphic lookup shared by every field.
 */
function ownGetter(key: string): Getter {
  let get = getters.get(key);
  if (!get) {
    get =
      key in Object.prototype
        ? (o) => (hasOwn(o, key) ? o[key] : undefined)
        : (new Function('o', `return o[${JSON.stringify(key)}];`) as Getter);
    getters.set(key, get);
  }
  return get;
}

/** What a Walker returns when a key along the chain is absent. */
const MISSING: unique symbol = Symbol('missing');
type Walker = (o: unknown) => unknown;
const walkers = new Map<string, Walker>();

/**
 * Reads `o.k1.k2...kn` as the fast path reads fields: every value the chain reads a key of must be a
 * map (else bail), an absent key (own properties only, see ownGetter) gives MISSING, and the value
 * found must be data() (else bail). Generated per
 * chain, as ownGetter is per key, so each step has its own inline cache and no call per step.
 */
function chainWalker(keys: readonly string[]): Walker {
  const id = JSON.stringify(keys);
  let walk = walkers.get(id);
  if (!walk) {
    const steps = keys.map((key) => {
      const k = JSON.stringify(key);
      const read = key in Object.prototype ? `(hasOwn(o, ${k}) ? o[${k}] : undefined)` : `o[${k}]`;
      // isMap() spelled out: here each step reads `constructor` at its own site, seeing only the shapes found at that path.
      const map = `typeof o === 'object' && o !== null && ((c = o.constructor) === Object || c === undefined)`;
      return `if (!(${map})) return bail(); o = ${read}; if (o === undefined) return MISSING;`;
    });
    // The value found must be data(), checked here too for the same reason.
    const last = `switch (typeof o) { case 'string': case 'bigint': case 'boolean': case 'number': return o; case 'object': if (o === null || Array.isArray(o) || (c = o.constructor) === Object || c === undefined) return o; } return bail();`;
    const make = new Function('hasOwn', 'bail', 'MISSING', `return (o) => { let c; ${steps.join(' ')} ${last} };`) as (
      ...deps: unknown[]
    ) => Walker;
    walk = make(hasOwn, bail, MISSING);
    walkers.set(id, walk);
  }
  return walk;
}

/** A plain CEL map as toCelValue builds it (not an Array, Map, Optional or class instance). */
function isMap(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const c = (v as object).constructor;
  return c === Object || c === undefined;
}

/** Values cel-js accepts as-is from data: primitives, null, arrays and plain maps. */
function data(v: unknown): unknown {
  switch (typeof v) {
    case 'string':
    case 'bigint':
    case 'boolean':
    case 'number':
      return v;
    case 'object':
      if (v === null || Array.isArray(v) || isMap(v)) return v;
  }
  return bail();
}

const isPrimitive = (t: string) => t === 'string' || t === 'boolean' || t === 'bigint';

/** Equality where both sides have the same primitive type; anything else is left to cel-js. */
function eq(l: unknown, r: unknown): boolean {
  const t = typeof l;
  if (t === typeof r && (isPrimitive(t) || (t === 'number' && !Number.isNaN(l) && !Number.isNaN(r)))) return l === r;
  if (l === null && r === null) return true;
  return bail();
}

function bool(v: unknown): boolean {
  return typeof v === 'boolean' ? v : bail();
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : bail();
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : bail();
}

function int(v: bigint): bigint {
  return v <= MAX_INT && v >= MIN_INT ? v : bail();
}

/** Receiver of a comprehension: a list, or a map's keys (as cel-js iterates them). */
function items(v: unknown): readonly unknown[] {
  if (Array.isArray(v)) return v;
  if (isMap(v)) return Object.keys(v);
  return bail();
}

const CONTEXT = new Set(['object', 'oldObject', 'request', 'params', 'namespaceObject', 'variables']);
const SETS: Readonly<Record<string, (a: readonly unknown[], b: readonly unknown[]) => boolean>> = {
  contains: setsContains,
  intersects: setsIntersects,
  equivalent: setsEquivalent,
};

class Unsupported extends Error {}
const unsupported = (what: string): never => {
  throw new Unsupported(what);
};

/** The value of a list literal whose elements are all scalar literals; undefined otherwise. */
function constantList(n: Node): readonly unknown[] | undefined {
  if (n.op !== 'list') return undefined;
  const elements = n.args;
  if (!elements.every((e) => e.op === 'value' && e.args !== undefined && (e.args === null || typeof e.args !== 'object'))) return undefined;
  return elements.map((e) => e.args);
}

/** Compiles one node; `vars` maps comprehension variables in scope to their slot. */
function compileNode(n: Node, vars: ReadonlyMap<string, number>, slots: { n: number }): Fn {
  const c = (x: Node, v = vars) => compileNode(x, v, slots);
  const { op, args: a } = n;
  switch (op) {
    case 'value': {
      const v = a;
      if (v !== null && typeof v === 'object') return unsupported('value');
      if (v === undefined) return unsupported('value');
      return () => v;
    }
    case 'id': {
      const name = a;
      const slot = vars.get(name);
      if (slot !== undefined) return (_ctx, s) => s[slot];
      if (!CONTEXT.has(name)) return unsupported(`id ${name}`);
      // A getter per name (see ownGetter): `ctx[name]` here would be one lookup shared by every name.
      const get = ownGetter(name);
      return (ctx) => {
        const v = get(ctx);
        return v === undefined ? bail() : data(v);
      };
    }
    case '.': {
      // `a.b.c`: one walk reads the chain. Only the last value needs data(): every value before it
      // must be a map, which isMap checks more strictly (whatever data() lets through and isMap does not bails either way).
      // An absent key anywhere bails: cel-js reports it.
      const keys: string[] = [a[1]];
      let node: Node = a[0];
      while (node.op === '.') {
        keys.unshift(node.args[1]);
        node = node.args[0];
      }
      const base = c(node);
      const walk = chainWalker(keys);
      return (ctx, s) => {
        const v = walk(base(ctx, s));
        return v === MISSING ? bail() : v;
      };
    }
    case '.?': {
      const left = c(a[0]);
      const get = ownGetter(a[1]);
      return (ctx, s) => {
        let o = left(ctx, s);
        if (o instanceof Opt) {
          if (o === NONE) return NONE;
          o = o.v;
        }
        if (!isMap(o)) return bail();
        const v = get(o);
        return v === undefined ? NONE : new Opt(data(v));
      };
    }
    case '[]': {
      const left = c(a[0]);
      const index = c(a[1]);
      return (ctx, s) => {
        const o = left(ctx, s);
        const k = index(ctx, s);
        if (Array.isArray(o) && typeof k === 'bigint' && k >= 0n && k < BigInt(o.length)) return data(o[Number(k)]);
        if (isMap(o) && typeof k === 'string' && hasOwn(o, k) && o[k] !== undefined) return data(o[k]);
        return bail();
      };
    }
    case '[?]': {
      const left = c(a[0]);
      const index = c(a[1]);
      return (ctx, s) => {
        let o = left(ctx, s);
        const k = index(ctx, s);
        if (o instanceof Opt) {
          if (o === NONE) return NONE;
          o = o.v;
        }
        // Maps with string keys only; optional list indexing is left to cel-js.
        if (!isMap(o) || typeof k !== 'string') return bail();
        const v = hasOwn(o, k) ? o[k] : undefined;
        return v === undefined ? NONE : new Opt(data(v));
      };
    }
    case '!_': {
      const x = c(a);
      return (ctx, s) => !bool(x(ctx, s));
    }
    case '&&':
    case '||': {
      const left = c(a[0]);
      const right = c(a[1]);
      const stop = n.op === '||';
      return (ctx, s) => {
        const l = left(ctx, s);
        if (l === stop) return stop;
        if (l !== !stop) return bail();
        return bool(right(ctx, s));
      };
    }
    case '==':
    case '!=': {
      const negate = n.op === '!=';
      const left = c(a[0]);
      const literal = a[1].op === 'value' ? a[1].args : undefined;
      if (typeof literal === 'string' || typeof literal === 'boolean' || typeof literal === 'bigint') {
        // `x == 'literal'`: when x has the literal's type this is eq() without its checks; otherwise eq() decides.
        const type = typeof literal;
        return (ctx, s) => {
          const l = left(ctx, s);
          return (typeof l === type ? l === literal : eq(l, literal)) !== negate;
        };
      }
      const right = c(a[1]);
      return (ctx, s) => eq(left(ctx, s), right(ctx, s)) !== negate;
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const left = c(a[0]);
      const right = c(a[1]);
      const op = n.op;
      return (ctx, s) => {
        const l = left(ctx, s);
        const r = right(ctx, s);
        // Numbers only: strings compare by code point in CEL, by UTF-16 unit in JS.
        if (typeof l !== 'bigint' || typeof r !== 'bigint') return bail();
        return op === '<' ? l < r : op === '<=' ? l <= r : op === '>' ? l > r : l >= r;
      };
    }
    case '+': {
      const left = c(a[0]);
      const right = c(a[1]);
      return (ctx, s) => {
        const l = left(ctx, s);
        const r = right(ctx, s);
        if (typeof l === 'string' && typeof r === 'string') return l + r;
        if (Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
        if (typeof l === 'bigint' && typeof r === 'bigint') return int(l + r);
        return bail();
      };
    }
    case 'in': {
      const left = c(a[0]);
      const constant = constantList(a[1]);
      if (constant && constant.length > 0 && constant.every((e) => typeof e === 'string')) {
        // `x in ['a', 'b']`: a set lookup; a non-string x meets a string first and bails, as below.
        const set = new Set(constant);
        return (ctx, s) => {
          const x = left(ctx, s);
          return typeof x === 'string' ? set.has(x) : bail();
        };
      }
      const right = c(a[1]);
      return (ctx, s) => {
        const x = left(ctx, s);
        const coll = right(ctx, s);
        if (Array.isArray(coll)) {
          const t = typeof x;
          if (!isPrimitive(t)) return bail();
          for (const e of coll) {
            if (typeof e !== t) return bail();
            if (e === x) return true;
          }
          return false;
        }
        if (isMap(coll) && typeof x === 'string') return hasOwn(coll, x) && coll[x] !== undefined;
        return bail();
      };
    }
    case '?:': {
      const cond = c(a[0]);
      const yes = c(a[1]);
      const no = c(a[2]);
      return (ctx, s) => (bool(cond(ctx, s)) ? yes(ctx, s) : no(ctx, s));
    }
    case 'list': {
      // A literal list of literals is built once: CEL values are immutable and nothing here mutates one.
      const constant = constantList(n);
      if (constant) return () => constant;
      const elements = a.map((x) => c(x));
      return (ctx, s) => elements.map((e) => e(ctx, s));
    }
    case 'map': {
      const entries = a.map(([k, v]) => [c(k), c(v)] as const);
      return (ctx, s) => {
        const out: Record<string, unknown> = {};
        for (const [k, v] of entries) {
          const key = k(ctx, s);
          // Duplicate or reserved keys: cel-js decides.
          if (typeof key !== 'string' || key === '__proto__' || key === 'constructor' || key === 'prototype' || hasOwn(out, key))
            return bail();
          out[key] = v(ctx, s);
        }
        return out;
      };
    }
    case 'call':
      return compileCall(a[0], a[1], c);
    case 'rcall':
      return compileReceiverCall(a[0], a[1], a[2], vars, slots, c);
    default:
      return unsupported(n.op);
  }
}

function compileCall(name: string, args: readonly Node[], c: (x: Node) => Fn): Fn {
  if (name === 'has') {
    const field = args[0];
    if (args.length !== 1 || field.op !== '.') return unsupported('has');
    const left = c(field.args[0]);
    const key = field.args[1];
    return (ctx, s) => {
      const o = left(ctx, s);
      return isMap(o) ? hasOwn(o, key) && o[key] !== undefined : bail();
    };
  }
  if (args.length !== 1) return unsupported(name);
  const x = c(args[0]);
  switch (name) {
    case 'size':
      return (ctx, s) => size(x(ctx, s));
    case 'string':
      return (ctx, s) => {
        const v = x(ctx, s);
        return typeof v === 'string' ? v : typeof v === 'bigint' ? `${v}` : bail();
      };
    case 'isQuantity':
      return (ctx, s) => isQuantity(str(x(ctx, s)));
    default:
      return unsupported(name);
  }
}

function size(v: unknown): bigint {
  if (typeof v === 'string') {
    let count = 0;
    for (const _ of v) count++; // code points, as CEL counts them
    return BigInt(count);
  }
  if (Array.isArray(v)) return BigInt(v.length);
  if (isMap(v)) return BigInt(Object.keys(v).length);
  return bail();
}

const MACROS = new Set(['all', 'exists', 'filter', 'map']);

function compileReceiverCall(
  name: string,
  receiver: Node,
  args: readonly Node[],
  vars: ReadonlyMap<string, number>,
  slots: { n: number },
  c: (x: Node, v?: ReadonlyMap<string, number>) => Fn,
): Fn {
  if (MACROS.has(name)) {
    if (args.length !== 2 || args[0].op !== 'id') return unsupported(name);
    const slot = slots.n++;
    const inner = new Map(vars).set(args[0].args, slot);
    const range = c(receiver);
    const body = c(args[1], inner);
    switch (name) {
      case 'all':
        return (ctx, s) => {
          const xs = items(range(ctx, s));
          for (let i = 0; i < xs.length; i++) {
            const e = xs[i];
            s[slot] = e;
            if (!bool(body(ctx, s))) return false;
          }
          return true;
        };
      case 'exists':
        return (ctx, s) => {
          const xs = items(range(ctx, s));
          for (let i = 0; i < xs.length; i++) {
            const e = xs[i];
            s[slot] = e;
            if (bool(body(ctx, s))) return true;
          }
          return false;
        };
      case 'filter':
        return (ctx, s) => {
          const out: unknown[] = [];
          const xs = items(range(ctx, s));
          for (let i = 0; i < xs.length; i++) {
            const e = xs[i];
            s[slot] = e;
            if (bool(body(ctx, s))) out.push(e);
          }
          return out;
        };
      default:
        return (ctx, s) => {
          const out: unknown[] = [];
          const xs = items(range(ctx, s));
          for (let i = 0; i < xs.length; i++) {
            const e = xs[i];
            s[slot] = e;
            out.push(body(ctx, s));
          }
          return out;
        };
    }
  }
  if (receiver.op === 'id' && receiver.args === 'sets' && !vars.has('sets') && SETS[name] && args.length === 2) {
    const fn = SETS[name];
    const [x, y] = args.map((arg) => c(arg));
    return (ctx, s) => fn(list(x(ctx, s)), list(y(ctx, s)));
  }
  if (name === 'orValue' && receiver.op === '.?' && args.length === 1) {
    // `a.?b.?c.orValue(d)`: walk the chain without building optionals (same semantics as below).
    const keys: string[] = [];
    let node: Node = receiver;
    while (node.op === '.?') {
      keys.unshift(node.args[1]);
      node = node.args[0];
    }
    const base = c(node);
    const otherwise = c(args[0]);
    const walk = chainWalker(keys);
    return (ctx, s) => {
      let o = base(ctx, s);
      const fallback = otherwise(ctx, s); // function arguments are strict in CEL
      if (o instanceof Opt) {
        if (o === NONE) return fallback;
        o = o.v;
      }
      // As in `.`, but an absent key gives the fallback.
      const v = walk(o);
      return v === MISSING ? fallback : v;
    };
  }
  const self = c(receiver);
  const [x] = args.map((arg) => c(arg));
  const arity = (k: number) => (args.length === k ? true : unsupported(`${name}/${args.length}`));
  switch (name) {
    case 'orValue':
      arity(1);
      return (ctx, s) => {
        const o = self(ctx, s);
        const fallback = x(ctx, s); // function arguments are strict in CEL
        if (!(o instanceof Opt)) return bail();
        return o === NONE ? fallback : o.v;
      };
    case 'startsWith':
      arity(1);
      return (ctx, s) => str(self(ctx, s)).startsWith(str(x(ctx, s)));
    case 'endsWith':
      arity(1);
      return (ctx, s) => str(self(ctx, s)).endsWith(str(x(ctx, s)));
    case 'contains':
      arity(1);
      return (ctx, s) => str(self(ctx, s)).includes(str(x(ctx, s)));
    case 'matches': {
      arity(1);
      const patterns = new Map<string, RegExp>();
      return (ctx, s) => {
        const subject = str(self(ctx, s));
        const pattern = str(x(ctx, s));
        let re = patterns.get(pattern);
        if (!re) patterns.set(pattern, (re = new RegExp(pattern))); // an invalid pattern throws: cel-js reports it
        return re.test(subject);
      };
    }
    case 'lowerAscii':
      arity(0);
      return (ctx, s) => str(self(ctx, s)).toLowerCase(); // as cel-js implements it
    case 'trim':
      arity(0);
      return (ctx, s) => str(self(ctx, s)).trim();
    case 'size':
      arity(0);
      return (ctx, s) => size(str(self(ctx, s)));
    case 'join':
      if (args.length > 1) return unsupported('join');
      return (ctx, s) => {
        const l = list(self(ctx, s));
        const sep = x ? str(x(ctx, s)) : '';
        for (const e of l) str(e);
        return l.join(sep);
      };
    default:
      return unsupported(name);
  }
}

/**
 * Compiles a checked cel-js AST into a fast evaluator that returns the result, or `fallback(ctx)`
 * whenever it cannot be sure to agree with cel-js. Returns undefined when the expression uses
 * anything the fast path does not implement (then cel-js evaluates it every time).
 */
export function compileFast(ast: Node, fallback: (ctx: CelContext) => unknown): ((ctx: CelContext) => unknown) | undefined {
  const slots = { n: 0 };
  let fn: Fn;
  try {
    fn = compileNode(ast, new Map(), slots);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
  // Evaluation is synchronous and never re-enters a program, so one scope array per program serves.
  const scope: Scope = new Array(slots.n);
  // Only these can give an optional at the top; every other node gives a bool, string, number, list or map (or bails).
  const optional =
    ast.op === '.?' || ast.op === '[?]' || ast.op === '?:' || ast.op === 'id' || (ast.op === 'rcall' && ast.args[0] === 'orValue');
  if (!optional)
    return (ctx) => {
      try {
        return fn(ctx, scope);
      } catch {
        return fallback(ctx);
      }
    };
  return (ctx) => {
    try {
      const v = fn(ctx, scope);
      if (v instanceof Opt) return fallback(ctx);
      return v;
    } catch {
      return fallback(ctx);
    }
  };
}

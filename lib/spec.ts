// Typed configuration specs: one definition per config type, from which its TypeScript type
// (InputOf / OutputOf), its validation (unknown fields, types, ranges) and its documentation
// (describeFields, rendered into the README) all derive, so none of them can drift.
import { Problems, show } from './errors';
import { isDnsLabel, LABEL_KEY, LABEL_VALUE } from './kubernetes-names';
import { didYouMean } from './suggest';

/** Returned by a spec's parse when the value was reported as a problem. */
export const INVALID: unique symbol = Symbol('invalid');
export type Invalid = typeof INVALID;

/** Where problems go and what every message appends: how to fix it. */
export interface ParseContext {
  readonly problems: Problems;
  /** E.g. `edit environments/prod.ts`. */
  readonly fix: string;
}

/** Parses one value of a config type: the resolved value, or INVALID after reporting why. */
export interface Spec<In, Out = In> {
  /** How the docs name the accepted values, e.g. `string`, `'a' | 'b'`, `list of string`. */
  readonly type: string;
  parse(value: unknown, path: string, ctx: ParseContext): Out | Invalid;
  /** Phantom: the input type, for InputOf. */
  readonly input?: In;
}

const fail = (ctx: ParseContext, path: string, message: string): Invalid => {
  ctx.problems.add(path, `${message} (${ctx.fix})`);
  return INVALID;
};

/** A spec from a predicate and the message for values that fail it. */
export function leaf<T>(type: string, accepts: (v: unknown) => v is T, message: (v: unknown) => string): Spec<T> {
  return { type, parse: (v, path, ctx) => (accepts(v) ? v : fail(ctx, path, message(v))) };
}

/** Narrows a spec with a further rule; `problem` returns the message, or undefined when the value is fine. */
export function refine<In, Out>(spec: Spec<In, Out>, problem: (v: Out) => string | undefined): Spec<In, Out> {
  return {
    type: spec.type,
    parse(v, path, ctx) {
      const out = spec.parse(v, path, ctx);
      if (out === INVALID) return out;
      const message = problem(out);
      return message === undefined ? out : fail(ctx, path, message);
    },
  };
}

const isString = (v: unknown): v is string => typeof v === 'string';

export const bool: Spec<boolean> = leaf(
  'true | false',
  (v): v is boolean => typeof v === 'boolean',
  (v) => `${show(v)} must be true or false`,
);

export const nonEmptyString: Spec<string> = leaf(
  'string',
  (v): v is string => isString(v) && v.trim() !== '',
  (v) => `${show(v)} must be a non-empty string`,
);

export const dnsLabel: Spec<string> = leaf(
  'DNS label',
  isDnsLabel,
  (v) => `${show(v)} is not a DNS label (lowercase letters, digits and '-', at most 63 characters)`,
);

export const semver: Spec<string> = leaf(
  'exact version (x.y.z)',
  (v): v is string => isString(v) && /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(v),
  (v) => `${show(v)} is not an exact version like 3.9.0 (ranges are not allowed: pin it)`,
);

export const duration: Spec<string> = leaf(
  "duration ('10s', '5m', '1h')",
  (v): v is string => isString(v) && /^\d+(s|m|h)$/.test(v),
  (v) => `${JSON.stringify(v)} is not a duration like '10s', '5m' or '1h'`,
);

export const labelKey: Spec<string> = leaf(
  'label key',
  (v): v is string => isString(v) && LABEL_KEY.test(v) && v.split('/').pop()!.length <= 63 && v.length <= 317,
  (v) =>
    `${show(v)} is not a valid label key (an optional DNS-subdomain prefix and '/', then a name of 1–63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit)`,
);

export const labelValue: Spec<string> = leaf(
  'label value',
  (v): v is string => isString(v) && v !== '' && v.length <= 63 && LABEL_VALUE.test(v),
  (v) =>
    `${show(v)} is not a valid label value (1–63 characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit)`,
);

/** A URL with one of the schemes; scp-like git remotes (git@host:org/repo.git) too when ssh is allowed. */
export function url(schemes: readonly string[] = ['https:', 'http:', 'ssh:', 'git:']): Spec<string> {
  const accepts = (v: unknown): v is string => {
    if (!isString(v)) return false;
    if (schemes.includes('ssh:') && /^[\w.-]+@[\w.-]+:[\w./-]+$/.test(v)) return true;
    try {
      return schemes.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  };
  return leaf(`URL (${schemes.join(' ')})`, accepts, (v) => `${show(v)} is not a URL (${schemes.join(' ')})`);
}

export function int(min: number, max: number): Spec<number> {
  return leaf(
    `whole number ${min}–${max}`,
    (v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max,
    (v) => `${show(v)} must be a whole number from ${min} to ${max}`,
  );
}

export function oneOf<const T extends string>(values: readonly T[]): Spec<T> {
  return leaf(
    values.map((v) => `'${v}'`).join(' | '),
    (v): v is T => isString(v) && (values as readonly string[]).includes(v),
    (v) => `${show(v)} is not one of ${values.join('|')}`,
  );
}

export interface ListOptions {
  /** What the list holds, for the "must be a list of …" message. @default the item type */
  readonly of?: string;
  /** Refuse an item listed twice. @default false */
  readonly unique?: boolean;
  /** @default 0 */
  readonly minItems?: number;
  /** One item, for the "must list at least one …" message. @default 'item' */
  readonly item?: string;
}

export interface ListSpec<In, Out> extends Spec<readonly In[], Out[]> {
  readonly item: Spec<In, Out>;
}

export function list<In, Out>(item: Spec<In, Out>, options: ListOptions = {}): ListSpec<In, Out> {
  const of = options.of ?? item.type;
  return {
    type: `list of ${of}`,
    item,
    parse(v, path, ctx) {
      if (!Array.isArray(v)) return fail(ctx, path, `${show(v)} must be a list of ${of}`);
      if (v.length < (options.minItems ?? 0))
        return fail(
          ctx,
          path,
          options.minItems === 1 ? `must list at least one ${options.item ?? 'item'}` : `must list at least ${options.minItems} ${of}`,
        );
      const out: Out[] = [];
      const seen = new Set<string>();
      let ok = true;
      v.forEach((raw: unknown, i) => {
        const parsed = item.parse(raw, `${path}[${i}]`, ctx);
        if (parsed === INVALID) return void (ok = false);
        const key = JSON.stringify(parsed);
        if (options.unique && seen.has(key)) {
          fail(ctx, `${path}[${i}]`, `${show(parsed)} is listed twice`);
          ok = false;
        }
        seen.add(key);
        out.push(parsed);
      });
      return ok ? out : INVALID;
    },
  };
}

/** A map with keys checked by `key` and values by `value`. */
export function record<In, Out>(
  key: Spec<string>,
  value: Spec<In, Out>,
  of = `${key.type} → ${value.type}`,
): Spec<Readonly<Record<string, In>>, Record<string, Out>> {
  return {
    type: `map of ${of}`,
    parse(v, path, ctx) {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return fail(ctx, path, `${show(v)} must be a map of ${of}`);
      const out: Record<string, Out> = {};
      let ok = true;
      for (const [k, raw] of Object.entries(v)) {
        if (key.parse(k, `${path}.${k}`, ctx) === INVALID) {
          ok = false;
          continue;
        }
        const parsed = value.parse(raw, `${path}.${k}`, ctx);
        if (parsed === INVALID) ok = false;
        else out[k] = parsed;
      }
      return ok ? out : INVALID;
    },
  };
}

export const labelMap = record(labelKey, labelValue, 'label keys to string values');

/** Any JSON object, passed through as it is (e.g. upstream chart values). */
export const anyObject: Spec<Readonly<Record<string, unknown>>, Record<string, unknown>> = {
  type: 'object',
  parse: (v, path, ctx) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? { ...(v as Record<string, unknown>) }
      : fail(ctx, path, `${show(v)} must be an object`),
};

/** One field of an object spec. */
export interface Field<In, Out, Req extends boolean, Def extends boolean> {
  readonly spec: Spec<In, Out>;
  /** One sentence for editors and the README. */
  readonly doc: string;
  readonly required: Req;
  readonly hasDefault: Def;
  /** The value an absent optional field resolves to. */
  readonly default?: Out;
  /** How the docs describe the default (e.g. one computed from other fields). */
  readonly defaultDoc?: string;
}

type AnyField = Field<unknown, unknown, boolean, boolean>;
export type Fields = Readonly<Record<string, AnyField>>;

export function required<In, Out>(spec: Spec<In, Out>, doc: string): Field<In, Out, true, false> {
  return { spec, doc, required: true, hasDefault: false };
}

/** An optional field whose absence resolves to `value` (documented as `defaultDoc` when given). */
export function withDefault<In, Out>(
  spec: Spec<In, Out>,
  value: NoInfer<Out>,
  doc: string,
  defaultDoc?: string,
): Field<In, Out, false, true> {
  return { spec, doc, required: false, hasDefault: true, default: value, ...(defaultDoc ? { defaultDoc } : {}) };
}

/** An optional field without a static default: resolve code fills it in (described by `defaultDoc`). */
export function optional<In, Out>(spec: Spec<In, Out>, doc: string, defaultDoc: string): Field<In, Out, false, false> {
  return { spec, doc, required: false, hasDefault: false, defaultDoc };
}

type ReqKeys<F extends Fields> = { [K in keyof F]: F[K]['required'] extends true ? K : never }[keyof F];
type OptKeys<F extends Fields> = Exclude<keyof F, ReqKeys<F>>;
type FieldIn<F> = F extends Field<infer I, infer _O, boolean, boolean> ? I : never;
type FieldOut<F> =
  F extends Field<infer _I, infer O, boolean, infer D>
    ? F extends Field<infer _I2, infer _O2, true, boolean>
      ? O
      : D extends true
        ? O
        : O | undefined
    : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** What a config file may write: required fields, optional ones may be left out. */
export type InputOf<F extends Fields> = Simplify<
  { readonly [K in ReqKeys<F>]: FieldIn<F[K]> } & { readonly [K in OptKeys<F>]?: FieldIn<F[K]> }
>;
/** What parsing gives: every defaulted field present. */
export type OutputOf<F extends Fields> = Simplify<{ [K in keyof F]: FieldOut<F[K]> }>;

export interface ObjectSpec<F extends Fields> extends Spec<InputOf<F>, OutputOf<F>> {
  readonly fields: F;
}

/**
 * Reports every key of `value` that `fields` does not declare, naming the known ones and the
 * closest match (false when there is any, or when `value` is not an object).
 */
export function knownFields(value: unknown, fields: Fields, path: string, ctx: ParseContext): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return fail(ctx, path, `${show(value)} must be an object`) !== INVALID;
  const keys = Object.keys(fields);
  let ok = true;
  for (const k of Object.keys(value)) {
    if (keys.includes(k)) continue;
    fail(ctx, `${path}.${k}`, `unknown field; expected one of ${keys.join('|')}${didYouMean(k, keys)}`);
    ok = false;
  }
  return ok;
}

/**
 * An object with exactly these fields: an unknown field is an error naming the field, the known
 * ones and the closest match, so a typo in plain data is never silently ignored.
 */
export function object<F extends Fields>(fields: F, type = 'object'): ObjectSpec<F> {
  return {
    type,
    fields,
    parse(v, path, ctx) {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return fail(ctx, path, `${show(v)} must be an object`);
      let ok = knownFields(v, fields, path, ctx);
      const out: Record<string, unknown> = {};
      for (const [k, field] of Object.entries(fields)) {
        const raw = (v as Record<string, unknown>)[k];
        if (raw === undefined) {
          if (field.required) {
            fail(ctx, `${path}.${k}`, `missing: ${field.doc.charAt(0).toLowerCase()}${field.doc.slice(1).replace(/\.$/, '')}`);
            ok = false;
          } else out[k] = field.hasDefault ? structuredClone(field.default) : undefined;
          continue;
        }
        const parsed = field.spec.parse(raw, `${path}.${k}`, ctx);
        if (parsed === INVALID) ok = false;
        else out[k] = parsed;
      }
      return ok ? (out as OutputOf<F>) : INVALID;
    },
  };
}

/** Parses a value, throwing a ConfigError with every problem found. */
export function parseOrThrow<In, Out>(spec: Spec<In, Out>, value: unknown, path: string, fix: string): Out {
  const problems = new Problems();
  const out = spec.parse(value, path, { problems, fix });
  problems.throwIfAny();
  return out as Out;
}

/** One documented field, for reference tables. */
export interface FieldDoc {
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  readonly default?: string;
  readonly doc: string;
}

/** Every field of an object spec, nested objects (and lists of objects) flattened into dotted paths. */
export function describeFields(fields: Fields, prefix = ''): FieldDoc[] {
  const out: FieldDoc[] = [];
  for (const [k, field] of Object.entries(fields)) {
    const path = `${prefix}${k}`;
    const nested = nestedFields(field.spec);
    const def =
      field.defaultDoc ??
      (field.hasDefault ? (nested && !nested.list ? '{} (every field at its default)' : JSON.stringify(field.default)) : undefined);
    out.push({ path, type: field.spec.type, required: field.required, ...(def !== undefined ? { default: def } : {}), doc: field.doc });
    if (nested) out.push(...describeFields(nested.fields, `${path}${nested.list ? '[]' : ''}.`));
  }
  return out;
}

function nestedFields(spec: Spec<unknown, unknown>): { fields: Fields; list: boolean } | undefined {
  const s = spec as Partial<ObjectSpec<Fields>> & Partial<ListSpec<unknown, unknown>>;
  if (s.fields) return { fields: s.fields, list: false };
  const inner = s.item as Partial<ObjectSpec<Fields>> | undefined;
  return inner?.fields ? { fields: inner.fields, list: true } : undefined;
}

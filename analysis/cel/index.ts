import type { Environment } from '@marcbachmann/cel-js';
import { celEvaluationEnvironment, registerResourceLibrary, type CelContext } from '../../lib/cel';
import { compileFast } from './fast';

export type { CelContext } from '../../lib/cel';

/** A compiled expression: evaluate it against a context any number of times. */
export type CelProgram = (context: CelContext) => unknown;

/** A CEL expression that does not compile; names the expression and the parser's reason. */
export class CelCompileError extends Error {
  constructor(
    readonly expression: string,
    reason: string,
  ) {
    super(`CEL expression does not compile: ${reason}\n  expression: ${expression}`);
    this.name = 'CelCompileError';
  }
}

export interface CelEngineOptions {
  /**
   * Evaluate through the compiled fast path (analysis/cel/fast.ts), which hands anything unusual back
   * to cel-js. Off: cel-js evaluates everything (the reference the tests compare against).
   * @default true
   */
  readonly fastPath?: boolean;
  /**
   * Registers further variables, types, constants and functions on the environment before
   * anything compiles (e.g. the Kyverno CEL libraries `krate-policy test` needs). Identifiers the
   * fast path does not know send an expression to cel-js, so extensions never change its results.
   */
  readonly extend?: (env: Environment) => void;
  /**
   * Declare Kyverno's resource library (`resource.Get` / `resource.List`), every call throwing
   * ClusterReadError (lib/cel.ts): context-aware policies compile, and `scan` reports them as
   * skipped. Off for an `extend` that registers its own (`krate-policy test` answers from a Context file).
   * @default true
   */
  readonly resourceLibrary?: boolean;
}

/**
 * Kyverno's CEL (lib/cel.ts: its options and the Kubernetes extension functions) on
 * `@marcbachmann/cel-js`, every expression compiled once (programs are cached by source text).
 */
export class CelEngine {
  private readonly env: Environment;
  private readonly programs = new Map<string, CelProgram>();
  private readonly fastPath: boolean;

  constructor(options: CelEngineOptions = {}) {
    this.fastPath = options.fastPath ?? true;
    this.env = celEvaluationEnvironment();
    if (options.resourceLibrary ?? true) registerResourceLibrary(this.env);
    options.extend?.(this.env);
  }

  /** Compiles (or returns the cached program for) one expression; throws CelCompileError. */
  compile(expression: string): CelProgram {
    const cached = this.programs.get(expression);
    if (cached) return cached;
    let program: CelProgram;
    try {
      const parsed = this.env.parse(expression);
      // Type-checking the parsed AST once annotates it; unchecked ASTs are re-checked on every evaluation.
      const checked = parsed.check();
      if (!checked.valid) throw checked.error ?? new Error('type check failed');
      const reference = parsed as unknown as CelProgram;
      program = (this.fastPath && compileFast(parsed.ast, reference)) || reference;
    } catch (e) {
      throw new CelCompileError(expression, (e as Error).message.split('\n')[0]);
    }
    this.programs.set(expression, program);
    return program;
  }

  /** Number of distinct expressions compiled so far (each is compiled exactly once). */
  get compiledCount(): number {
    return this.programs.size;
  }
}

/**
 * Converts parsed YAML/JSON to CEL values: whole numbers become BigInt (CEL int), other numbers
 * stay doubles. Kubernetes decodes integer fields as int64, so `hostPort == 0` must compare ints.
 * A map or list with no whole number and no undefined value anywhere below it is returned as it is
 * (CEL never writes to its data), so converting a manifest copies only the paths to its numbers.
 */
export function toCelValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : value;
  return convertObject(value);
}

// Leaves (mostly strings) are converted inline: a call per leaf was most of a manifest's conversion.
function convertObject(value: object): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const c = typeof v === 'object' && v !== null ? convertObject(v) : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v;
      if (c !== v && out === undefined) out = value.slice(0, i);
      if (out !== undefined) out.push(c);
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | undefined;
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    const c =
      v === undefined
        ? v
        : typeof v === 'object' && v !== null
          ? convertObject(v)
          : typeof v === 'number' && Number.isInteger(v)
            ? BigInt(v)
            : v;
    if ((c !== v || v === undefined) && out === undefined) {
      // The first change: copy the keys before it, then keep building the copy.
      out = {};
      for (const before in value) {
        if (before === k) break;
        out[before] = (value as Record<string, unknown>)[before];
      }
    }
    if (out !== undefined && c !== undefined) out[k] = c;
  }
  return out ?? value;
}

export { isQuantity, setsContains, setsIntersects, setsEquivalent } from '../../lib/cel';

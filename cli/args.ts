import { ConfigError } from '../lib/errors';
import { didYouMean } from '../lib/suggest';

export interface ParsedArgs {
  /** Single-value (`--name value`) and boolean (`--name`) flags. */
  readonly flags: ReadonlyMap<string, string | true>;
  /** Repeatable flags, every value in the order given (absent when not given). */
  readonly lists: ReadonlyMap<string, readonly string[]>;
  readonly positional: readonly string[];
}

export interface ArgSpec {
  /** Flags that take one value; given twice they are an error, never "last wins". */
  readonly values?: readonly string[];
  /** Flags without a value. */
  readonly booleans?: readonly string[];
  /** Flags that take a value and may be given more than once (`--policy a --policy b`). */
  readonly repeatable?: readonly string[];
}

/**
 * Parses `--name value`, `--name=value` and boolean `--name`. Every mistake is an error that names
 * the flag and shows the usage: an unknown flag (with the closest known one), a single-value flag
 * given twice, a missing or empty value, a value on a boolean flag.
 */
export function parseArgs(args: readonly string[], spec: ArgSpec, usage: string): ParsedArgs {
  const flags = new Map<string, string | true>();
  const lists = new Map<string, string[]>();
  const positional: string[] = [];
  const values = spec.values ?? [];
  const booleans = spec.booleans ?? [];
  const repeatable = spec.repeatable ?? [];
  const fail = (message: string): never => {
    throw new ConfigError([`${message}\nusage: ${usage}`]);
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-' || !arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    const [name, inline] = arg.replace(/^--?/, '').split(/=(.*)/s, 2);
    if (booleans.includes(name)) {
      if (inline !== undefined) fail(`--${name}: takes no value (got '${inline}'); write --${name} alone`);
      flags.set(name, true);
      continue;
    }
    if (!values.includes(name) && !repeatable.includes(name)) {
      const hint = didYouMean(name, [...values, ...repeatable, ...booleans], (s) => `--${s}`);
      fail(`${arg.split('=')[0]}: unknown option${hint}`);
    }
    const value = inline ?? args[++i];
    if (value === undefined) fail(`--${name}: needs a value`);
    if (value === '') fail(`--${name}: needs a value, got an empty string`);
    if (inline === undefined && value.startsWith('--'))
      fail(`--${name}: needs a value, got the option '${value}' (write --${name}=<value> if the value starts with --)`);
    if (repeatable.includes(name)) {
      lists.set(name, [...(lists.get(name) ?? []), value]);
    } else if (flags.has(name)) {
      fail(`--${name}: given twice ('${flags.get(name)}', then '${value}'); give it once`);
    } else {
      flags.set(name, value);
    }
  }
  return { flags, lists, positional };
}

/** A flag's value restricted to a closed set. */
export function enumFlag<T extends string>(parsed: ParsedArgs, name: string, allowed: readonly T[], fallback: T): T {
  const v = parsed.flags.get(name);
  if (v === undefined) return fallback;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  throw new ConfigError([`--${name}: '${String(v)}' is not one of ${allowed.join('|')}`]);
}

/** A flag the command cannot run without; the error shows an example and the usage. */
export function requiredFlag(parsed: ParsedArgs, name: string, example: string, usage: string): string {
  const v = parsed.flags.get(name);
  if (typeof v === 'string' && v !== '') return v;
  throw new ConfigError([`--${name}: required (e.g. --${name} ${example})\nusage: ${usage}`]);
}

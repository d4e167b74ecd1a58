import { ConfigError } from '../lib/errors';

export interface ParsedArgs {
  readonly flags: ReadonlyMap<string, string | true>;
  readonly positional: readonly string[];
}

/**
 * Parses `--name value`, `--name=value` and boolean `--name`. Unknown flags are an error that
 * names the flag and the usage, never silently ignored.
 */
export function parseArgs(
  args: readonly string[],
  spec: { readonly values?: readonly string[]; readonly booleans?: readonly string[] },
  usage: string,
): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  const values = spec.values ?? [];
  const booleans = spec.booleans ?? [];
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
      flags.set(name, true);
    } else if (values.includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new ConfigError([`--${name}: needs a value\nusage: ${usage}`]);
      flags.set(name, value);
    } else {
      throw new ConfigError([`${arg}: unknown option\nusage: ${usage}`]);
    }
  }
  return { flags, positional };
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

// `krate-policy check`: every configuration rule, including the ones that need today's date
// (expired exceptions, dates in the future). npm test runs it with the real date; synth never does.
import { daysBetween } from '../lib/dates';
import { ConfigError } from '../lib/errors';
import { exceptionFindings } from './exceptions';
import { resolveConfig, type ConfigSources } from './resolve';
import { compareRollouts, formatFinding } from './rollout';

/** How many days ahead `check` warns about exceptions that are about to expire. */
export const DEFAULT_EXPIRY_WARNING_DAYS = 14;

export interface CheckOptions {
  /** Warn about exceptions expiring within this many days. @default 14 */
  readonly warnDays?: number;
}

export interface CheckResult {
  /** Problems that fail the check. */
  readonly problems: readonly string[];
  /** Warnings that do not fail it (exceptions expiring within warnDays). */
  readonly warnings: readonly string[];
}

/** Runs every check for `today`. */
export function runChecks(today: string, sources: ConfigSources, options: CheckOptions = {}): CheckResult {
  let config;
  try {
    config = resolveConfig(sources);
  } catch (e) {
    if (e instanceof ConfigError) return { problems: e.problems, warnings: [] };
    throw e;
  }
  // Comparing the rollout with itself leaves only the date rules: missing or in the future.
  const problems = compareRollouts(config.rollout, config.rollout, today).map((f) => `rollout.${formatFinding(f)}`);
  for (const f of exceptionFindings(config.exceptions, config.environments, today)) {
    problems.push(`exceptions.${f.name} (${f.environment}): ${f.message}`);
  }
  const warnDays = options.warnDays ?? DEFAULT_EXPIRY_WARNING_DAYS;
  const warnings = config.exceptions
    .filter((e) => e.expiresAt > today && daysBetween(today, e.expiresAt) <= warnDays)
    .map(
      (e) =>
        `exceptions.${e.name} (${e.environment}): expires on ${e.expiresAt}, in ${daysBetween(today, e.expiresAt)} day(s): renew it with a new request or remove it`,
    );
  return { problems, warnings };
}

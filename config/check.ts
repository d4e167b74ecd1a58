// `krate-policy check`: every configuration rule, including the ones that need today's date
// (expired exceptions, dates in the future). npm test runs it with the real date; synth never does.
import { ENVIRONMENTS } from '../environments';
import { EXCEPTIONS, type ExceptionRequest } from '../environments/exceptions';
import { ROLLOUT } from '../environments/rollout';
import type { EnvironmentConfig } from '../environments/types';
import { resolveEnvironments } from './resolve';
import { daysBetween } from '../lib/dates';
import { ConfigError } from '../lib/errors';
import { exceptionFindings } from './exceptions';
import { compareRollouts, formatFinding, stageOf, type Rollout } from './rollout';

export interface CheckInput {
  /** @default ENVIRONMENTS */
  readonly environments?: readonly EnvironmentConfig[];
  /** @default ROLLOUT */
  readonly rollout?: Rollout;
  /** @default EXCEPTIONS */
  readonly exceptions?: readonly ExceptionRequest[];
}

export interface CheckResult {
  /** Problems that fail the check. */
  readonly problems: readonly string[];
  /** Heads-up lines (exceptions expiring within a week). */
  readonly notices: readonly string[];
}

/** Runs every check for `today`. */
export function runChecks(today: string, input: CheckInput = {}): CheckResult {
  const rollout = input.rollout ?? ROLLOUT;
  const exceptions = input.exceptions ?? EXCEPTIONS;
  let envs;
  try {
    envs = resolveEnvironments(input.environments ?? ENVIRONMENTS, { rollout, exceptions });
  } catch (e) {
    if (e instanceof ConfigError) return { problems: e.problems, notices: [] };
    throw e;
  }
  // Comparing the rollout with itself leaves only the date rules: missing or in the future.
  const problems = compareRollouts(rollout, rollout, today).map((f) => `rollout.${formatFinding(f)}`);
  for (const f of exceptionFindings(exceptions, envs, today, (t) => stageOf(rollout, t))) {
    problems.push(`exceptions.${f.name} (${f.environment}): ${f.message}`);
  }
  const notices = exceptions
    .filter((e) => e.expiresAt > today && daysBetween(today, e.expiresAt) <= 7)
    .map((e) => `exceptions.${e.name} (${e.environment}): expires on ${e.expiresAt}, in ${daysBetween(today, e.expiresAt)} day(s)`);
  return { problems, notices };
}

import { ENVIRONMENTS, type EnvironmentConfig } from '../support/fixtures';
import { resolveEnvironments } from '../support/fixtures';
import { ConfigError } from '../../lib/errors';

export type Mutable = Record<string, any>;

/** A JSON copy of a shipped environment, as untyped data: what a bad hand edit produces. */
export function editableEnvironment(name = 'prod'): Mutable {
  return JSON.parse(JSON.stringify(ENVIRONMENTS.find((e) => e.name === name)!)) as Mutable;
}

/** The ConfigError message resolving these environments gives (fails the test when none is thrown). */
export function configErrorOf(configs: readonly unknown[]): string {
  try {
    resolveEnvironments(configs as EnvironmentConfig[]);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

/** The error for a copy of one environment (prod by default) after one edit. */
export function errorFor(patch: (e: Mutable) => unknown, name = 'prod'): string {
  const bad = editableEnvironment(name);
  patch(bad);
  return configErrorOf([bad]);
}

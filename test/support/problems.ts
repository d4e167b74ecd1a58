import { ConfigError } from '../../lib/errors';

/** The problems of the ConfigError `fn` throws (fails the test when it throws nothing or another error). */
export function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

import { ConfigError } from '../lib/errors';

/** Exit codes every command shares. */
export const EXIT = { ok: 0, findings: 1, badInput: 2 } as const;

/**
 * Runs a command body: a ConfigError prints its problems and exits 2; any other error is a bug
 * and prints its stack. Nothing the body did not finish is written (bodies write last).
 */
export function runMain(body: () => number | void | Promise<number | void>): void {
  Promise.resolve()
    .then(body)
    .then((code) => {
      process.exitCode = typeof code === 'number' ? code : EXIT.ok;
    })
    .catch((e: unknown) => {
      if (e instanceof ConfigError) {
        for (const p of e.problems) console.error(`error: ${p}`);
        console.error(`${e.problems.length} problem(s); nothing was written.`);
        process.exitCode = EXIT.badInput;
      } else {
        console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
        process.exitCode = EXIT.badInput;
      }
    });
}

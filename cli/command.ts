/** One `krate-policy` subcommand (its one-line summary lives in cli/main.ts's registry, which lists commands without loading them). */
export interface Command {
  /** Word(s) after `krate-policy`, e.g. 'validate' or 'rollout check'. */
  readonly name: string;
  /** Usage line(s) shown by `krate-policy <command> --help` and on bad arguments. */
  readonly usage: string;
  /** Runs with the arguments after the command name; returns the exit code. */
  run(args: readonly string[]): Promise<number>;
}

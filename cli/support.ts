import { existsSync, mkdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { ConfigError } from '../lib/errors';

/**
 * Exit codes every command shares: 0 clean, 1 findings or a refusal, 2 bad input or usage (and
 * internal errors, which say so).
 */
export const EXIT = { ok: 0, findings: 1, badInput: 2 } as const;

/** `--debug` anywhere before a `--`: internal errors print their stack trace. */
export const DEBUG_FLAG = '--debug';

/** The arguments without the global `--debug` (which every command accepts; it is not the command's). */
export function withoutDebug(argv: readonly string[]): { args: string[]; debug: boolean } {
  const end = argv.indexOf('--') === -1 ? argv.length : argv.indexOf('--');
  const args = argv.filter((a, i) => !(i < end && a === DEBUG_FLAG));
  return { args, debug: args.length !== argv.length };
}

/** The message for an error that is not the user's: never a bare stack unless asked for. */
export function internalError(e: unknown, debug: boolean): string {
  const message = e instanceof Error ? e.message : String(e);
  if (debug) return `krate-policy: internal error: ${e instanceof Error && e.stack ? e.stack : message}`;
  return `krate-policy: internal error: ${message} (this is a bug; rerun with --debug for the stack trace)`;
}

/**
 * Writes a large output piece by piece, waiting whenever the reader is behind (a pipe to a slow
 * consumer): memory holds one piece at a time, not the whole output. A closed or failed stream
 * ends the wait (quietOnClosedPipe drops the rest).
 */
export async function writeChunks(chunks: Iterable<string>, stream: Writable = process.stdout): Promise<void> {
  for (const chunk of chunks) {
    if (stream.destroyed) return;
    if (stream.write(chunk)) continue;
    await new Promise<void>((resolve) => {
      const done = () => {
        for (const event of ['drain', 'close', 'error']) stream.off(event, done);
        resolve();
      };
      for (const event of ['drain', 'close', 'error']) stream.once(event, done);
    });
  }
}

/**
 * A reader that stops early (`krate-policy status | head -1`) closes stdout: further output is
 * dropped quietly and the command still finishes with its own exit code.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    stream.write = (() => true) as typeof stream.write;
  });
}

/**
 * Runs a command body: a ConfigError prints its problems and exits 2; any other error is an
 * internal error: one line saying so (the stack only with --debug), exit 2. Nothing the body did
 * not finish is written (bodies write last).
 */
export function runMain(body: () => number | void | Promise<number | void>): void {
  const debug = withoutDebug(process.argv.slice(2)).debug;
  const fail = (e: unknown): void => {
    if (e instanceof ConfigError) {
      for (const p of e.problems) console.error(`error: ${p}`);
      console.error(`${e.problems.length} problem(s); nothing was written.`);
    } else {
      console.error(internalError(e, debug));
    }
    process.exitCode = EXIT.badInput;
  };
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  // Errors outside the body's promise chain (a stream or timer callback) are reported the same way.
  process.on('uncaughtException', (e) => {
    fail(e);
    process.exit();
  });
  process.on('unhandledRejection', (e) => {
    fail(e);
    process.exit();
  });
  Promise.resolve()
    .then(body)
    .then((code) => {
      process.exitCode = typeof code === 'number' ? code : EXIT.ok;
    })
    .catch(fail);
}

/** A path as the file system knows it: `a.sarif`, `./a.sarif` and a link to it are one file. */
export const samePath = (path: string): string => {
  const full = resolve(path);
  try {
    return realpathSync(full);
  } catch {
    return full;
  }
};

/**
 * Writes `text` to `path` so a reader sees the old file or the new one, never half of either: a
 * temporary file beside it, then a rename. A directory at `path` is refused, never replaced; through
 * a symbolic link the file it points to is replaced (the link stays); what is no regular file
 * (`/dev/stdout`, `/dev/null`, a pipe) is written into, never replaced. `where` names the target in
 * messages. @default path
 */
export function writeFileAtomic(path: string, text: string, where = path): void {
  if (existsSync(path) && statSync(path).isDirectory()) throw new ConfigError([`${where}: is a directory; name a file to write`]);
  let target = path;
  if (existsSync(path)) {
    if (!statSync(path).isFile()) {
      try {
        writeFileSync(path, text);
      } catch (e) {
        throw new ConfigError([`${where}: cannot write: ${(e as Error).message}`]);
      }
      return;
    }
    target = realpathSync(path);
  }
  mkdirSync(dirname(target), { recursive: true });
  const partial = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(partial, text);
    renameSync(partial, target);
  } catch (e) {
    rmSync(partial, { force: true });
    throw new ConfigError([`${where}: cannot write: ${(e as Error).message}`]);
  }
}

// `scan --changed <ref>`: which files changed since a git ref — committed since the merge base with
// the ref, staged, unstaged and untracked (not ignored) — so a pull request scans what it touches.
import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../lib/errors';

const git = (args: readonly string[], cwd: string) => spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

const real = (path: string): string => {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
};

/**
 * The real paths of the files added, copied, modified, renamed or retyped since `ref` (deleted ones
 * are not manifests any more). A ref that is not a commit is an error naming it and the fix.
 */
export function changedFiles(ref: string, cwd = process.cwd()): { readonly root: string; readonly files: Set<string> } {
  const top = git(['rev-parse', '--show-toplevel'], cwd);
  if (top.status !== 0) throw new ConfigError([`--changed: ${cwd} is not in a git checkout (${top.stderr.trim()})`]);
  const root = top.stdout.trim();
  if (git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], root).status !== 0)
    throw new ConfigError([
      `--changed: '${ref}' is not a commit in ${root} (pass a branch, tag or sha that exists; in CI fetch it first, e.g. git fetch origin main, with enough depth for the merge base)`,
    ]);
  const diff = git(['diff', '--name-only', '-z', '--no-renames', '--diff-filter=ACMRT', '--merge-base', ref], root);
  if (diff.status !== 0)
    throw new ConfigError([
      `--changed ${ref}: git diff failed: ${diff.stderr.trim()}${/merge base/i.test(diff.stderr) ? ` (${ref} and HEAD share no history here; in CI fetch it with enough depth, e.g. actions/checkout with fetch-depth: 0)` : ''}`,
    ]);
  const untracked = git(['ls-files', '-z', '--others', '--exclude-standard'], root);
  if (untracked.status !== 0) throw new ConfigError([`--changed ${ref}: git ls-files failed: ${untracked.stderr.trim()}`]);
  const names = [...diff.stdout.split('\0'), ...untracked.stdout.split('\0')].filter((n) => n !== '');
  return { root: real(root), files: new Set(names.map((n) => real(join(root, n)))) };
}

/**
 * Whether each of the reader's file names (relative to `cwd`, or `-`) changed since `ref`; asked
 * once per file, however many documents it holds. A file outside the checkout is an error: git
 * cannot say whether it changed, and calling it unchanged would pass it unscanned.
 */
export function changedSince(ref: string, files: readonly string[], cwd = process.cwd()): (file: string) => boolean {
  const { root, files: changed } = changedFiles(ref, cwd);
  const outside = [...new Set(files)].filter((f) => f !== '-' && relative(root, real(resolve(cwd, f))).split(sep)[0] === '..');
  if (outside.length > 0)
    throw new ConfigError(
      outside.map(
        (f) =>
          `--changed ${ref}: ${f} is outside the git checkout ${root}, so git cannot say whether it changed; scan it without --changed, or from its own checkout`,
      ),
    );
  const memo = new Map<string, boolean>();
  return (file) => {
    let yes = memo.get(file);
    if (yes === undefined) memo.set(file, (yes = file !== '-' && changed.has(real(resolve(cwd, file)))));
    return yes;
  };
}

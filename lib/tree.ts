import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The file synth writes at the top of every output folder (synth/write.ts): it is how synth knows a
 * folder is its own output and may be replaced. It is not part of the rendered tree, so readTree
 * leaves it out. A dotfile without a manifest extension, so neither Argo CD (which reads *.yaml,
 * *.yml and *.json in an app's path; no app's path is dist/ itself anyway) nor `kubectl apply -f`
 * on a folder ever reads it.
 */
export const SYNTH_MARKER = '.krate-synth';

/**
 * Every file under dir: relative path → content, sorted. Missing dir → empty. The marker synth
 * writes at the top (SYNTH_MARKER) is left out.
 *
 * Symbolic links are read the way `kubectl apply -R -f <dir>` reads a folder: a link to a file
 * gives that file's content, a link to a folder is not entered (so a link to a parent cannot loop),
 * and a dangling link is skipped: there is nothing to read.
 */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  const walk = (sub: string): void => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (rel === SYNTH_MARKER) continue;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile() || (entry.isSymbolicLink() && linksToFile(join(dir, rel))))
        out.set(rel, readFileSync(join(dir, rel), 'utf8'));
    }
  };
  walk('');
  return out;
}

/** Whether a symbolic link resolves to a regular file (false when dangling, looping or a folder). */
function linksToFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * `mkdir -p` that always ends. Node's `mkdirSync(path, { recursive: true })` spins forever (100 %
 * CPU) when creating a child of an existing folder fails with ENOENT, which is what /proc answers
 * (`mkdir /proc/nope` → ENOENT, `mkdir /proc` → EEXIST, again and again). This walks up once to the
 * nearest existing ancestor and creates each missing folder below it with a plain mkdir, so any
 * failure surfaces as that mkdir's own error (ENOENT, EACCES, ENOTDIR, EROFS …).
 *
 * Returns the folders it created, outermost first (empty when `path` already existed). On failure
 * it removes the ones it had created and throws the failing call's error.
 */
export function makeFolders(path: string): string[] {
  const missing: string[] = [];
  for (let p = resolve(path); !lexists(p); p = dirname(p)) {
    missing.unshift(p);
    if (dirname(p) === p) break;
  }
  const created: string[] = [];
  try {
    for (const p of missing) {
      mkdirSync(p);
      created.push(p);
    }
  } catch (e) {
    for (const p of created.reverse()) rmdirSync(p);
    throw e;
  }
  return created;
}

/** Whether anything (even a dangling symbolic link) is at path. */
export function lexists(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
}

export interface TreeDifference {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
}

/** Files only in `next` (added), only in `base` (removed), and in both with other content. */
export function compareTrees(base: ReadonlyMap<string, string>, next: ReadonlyMap<string, string>): TreeDifference {
  const added = [...next.keys()].filter((p) => !base.has(p));
  const removed = [...base.keys()].filter((p) => !next.has(p));
  const changed = [...next.keys()].filter((p) => base.has(p) && base.get(p) !== next.get(p));
  return { added, removed, changed };
}

export function isSame(d: TreeDifference): boolean {
  return d.added.length + d.removed.length + d.changed.length === 0;
}

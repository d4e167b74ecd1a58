import {
  existsSync,
  linkSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../lib/errors';
import { makeFolders, SYNTH_MARKER } from '../lib/tree';
import type { RenderedTree } from './synth';

// ---------------------------------------------------------------------------------------------
// Writing synth's output folders (dist/, apps/bootstrap/, any --out): what synth may replace,
// and replacing it without ever leaving a half-written folder.
// ---------------------------------------------------------------------------------------------

/** What synth writes into SYNTH_MARKER. Fixed text: dist/ stays byte-identical between runs. */
export const MARKER_TEXT = [
  '# Written by `krate-policy synth`: this folder is its output and every synth replaces it whole.',
  '# Files added here by hand are removed by the next synth. Without this file synth refuses to',
  '# write into the folder (unless it is empty), so it never replaces a folder it did not write.',
  '',
].join('\n');

const RULE = 'synth writes only into an empty folder or one it wrote before';

/** An output folder checked and ready: `write` swaps the tree in, `discard` undoes the preparation. */
export interface PreparedOutput {
  /** Replaces the folder with exactly `tree` (plus the marker). */
  write(tree: RenderedTree): void;
  /** Removes the staging folder and any folder prepare created; for when rendering fails. */
  discard(): void;
}

/**
 * Checks that synth may write `outdir` and prepares it, before anything is rendered, so a bad
 * `--out` fails at once and rendering is not wasted. `label` names the folder in messages
 * (`--out README.md`). Throws ConfigError when `outdir`:
 * - is a file, or a symbolic link (replacing the link would not write where it points);
 * - is a non-empty folder without synth's marker (not synth's output: someone's files);
 * - cannot be created, or no staging folder can be created beside it.
 *
 * A missing `outdir` is created (an empty folder, removed again by `discard`). The new tree is
 * written into a staging folder beside `outdir` with a name nobody else uses (mkdtemp:
 * `.<name>.krate-synth-XXXXXX`), so a user's `dist.next` or `dist.prev` is never touched.
 */
export function prepareOutput(outdir: string, label: string = outdir): PreparedOutput {
  const target = resolve(outdir);
  checkReplaceable(target, label);
  let created: string[];
  try {
    created = makeFolders(target);
  } catch (e) {
    throw new ConfigError([`${label}: cannot create folder (${reason(e)}); pass a folder you can write to`]);
  }
  const parent = dirname(target);
  let staging: string;
  try {
    staging = mkdtempSync(join(parent, `.${basename(target)}.krate-synth-`));
  } catch (e) {
    removeCreated(created);
    throw new ConfigError([
      `${label}: cannot create a staging folder in ${parent} (${reason(e)}); synth writes the new tree beside the folder and swaps it in, so it needs write access to ${parent}`,
    ]);
  }
  let done = false;
  const discard = (): void => {
    if (done) return;
    done = true;
    rmSync(join(staging, 'new'), { recursive: true, force: true });
    // `old` is only left when a failed swap could not put the previous output back: keep it.
    if (existsSync(join(staging, 'old'))) return;
    rmSync(staging, { recursive: true, force: true });
    removeCreated(created);
  };
  return {
    discard,
    write(tree) {
      if (done) throw new Error(`${label}: this prepared output was already written or discarded`);
      try {
        swapIn(target, staging, tree, label);
      } catch (e) {
        discard();
        throw e;
      }
      done = true;
      rmSync(staging, { recursive: true, force: true });
    },
  };
}

/**
 * Replaces outdir with exactly the rendered tree (and the marker): prepareOutput then write.
 * Refuses, with a ConfigError naming `label`, anything that is not a previous synth output.
 */
export function writeTree(outdir: string, tree: RenderedTree, label: string = outdir): void {
  prepareOutput(outdir, label).write(tree);
}

/** Whether synth may replace what is at `target` (missing, an empty folder, or synth's own output). */
function checkReplaceable(target: string, label: string): void {
  let stat;
  try {
    stat = lstatSync(target, { throwIfNoEntry: false });
  } catch (e) {
    throw new ConfigError([`${label}: cannot create folder (${reason(e)}); pass a folder you can write to`]);
  }
  if (!stat) return;
  if (stat.isSymbolicLink()) {
    throw new ConfigError([`${label}: is a symbolic link; ${RULE} (fix: pass the folder it points to)`]);
  }
  if (!stat.isDirectory()) {
    throw new ConfigError([`${label}: is a file, not a folder; ${RULE}`]);
  }
  let entries: string[];
  try {
    entries = readdirSync(target);
  } catch (e) {
    throw new ConfigError([`${label}: cannot read folder (${reason(e)}); pass a folder you can write to`]);
  }
  if (entries.length === 0) return;
  const marker = lstatSync(join(target, SYNTH_MARKER), { throwIfNoEntry: false });
  if (marker?.isFile()) return;
  const shown = entries.sort().slice(0, 3).join(', ') + (entries.length > 3 ? ', …' : '');
  throw new ConfigError([
    `${label}: is a folder synth did not write (it holds ${shown} and no ${SYNTH_MARKER} marker); ${RULE} (fix: pass a new or empty folder, or move the files away yourself)`,
  ]);
}

/**
 * Writes the tree into `<staging>/new`, then swaps: outdir → `<staging>/old`, new → outdir. A file
 * the previous output already holds byte for byte is hard-linked into the new tree instead of
 * written (previousOutput): creating a file is most of a synth's writing on some file systems.
 */
function swapIn(target: string, staging: string, tree: RenderedTree, label: string): void {
  const next = join(staging, 'new');
  const old = join(staging, 'old');
  makeFolders(next);
  // The marker first: its mode is the one every written file gets (what a linked file must have).
  writeFileSync(join(next, SYNTH_MARKER), MARKER_TEXT);
  const previous = previousOutput(target, next, lstatSync(join(next, SYNTH_MARKER)).mode);
  // Folders made in the staging folder so far: one lstat per folder, not per file (thousands of files share a few folders).
  const made = new Set<string>([next]);
  for (const [path, content] of tree) {
    const file = resolve(next, path);
    if (!file.startsWith(next + sep)) throw new Error(`rendered path ${path} is outside the output folder`);
    const folder = dirname(file);
    if (!made.has(folder)) {
      makeFolders(folder);
      made.add(folder);
    }
    if (!previous(file, content)) writeFileSync(file, content);
  }
  // And last, as always: the marker is synth's own, whatever the tree holds.
  writeFileSync(join(next, SYNTH_MARKER), MARKER_TEXT);
  // Checked again right before the swap: the folder may have changed while synth rendered.
  checkReplaceable(target, label);
  try {
    renameSync(target, old);
  } catch (e) {
    throw new ConfigError([`${label}: cannot replace folder (${reason(e)}); a mount point cannot be swapped, pass a folder inside it`]);
  }
  try {
    renameSync(next, target);
  } catch (e) {
    try {
      renameSync(old, target);
    } catch {
      throw new ConfigError([`${label}: cannot replace folder (${reason(e)}); the previous output is kept in ${old}`]);
    }
    throw new ConfigError([`${label}: cannot replace folder (${reason(e)}); the previous output is unchanged`]);
  }
}

/**
 * `reuse(file, content)` for a file of the new tree (under `next`): links the previous output's
 * file at the same place into it and says true when that file holds exactly `content`. Only a
 * regular file, inside the previous output (no symbolic link on the way), with no other link to
 * it and the mode a written file gets (`mode`): the new tree is then exactly what writing would
 * give, and removing the previous output removes only its own names. Anything else (or a failed
 * link: a file system without hard links) is written as usual.
 */
function previousOutput(target: string, next: string, mode: number): (file: string, content: string) => boolean {
  let root: string | undefined;
  try {
    root = existsSync(join(target, SYNTH_MARKER)) ? realpathSync(target) : undefined;
  } catch {
    root = undefined;
  }
  if (root === undefined) return () => false;
  const inside = new Map<string, boolean>();
  const folderInside = (folder: string): boolean => {
    let ok = inside.get(folder);
    if (ok === undefined) {
      try {
        ok = realpathSync(join(root, folder)) === join(root, folder);
      } catch {
        ok = false;
      }
      inside.set(folder, ok);
    }
    return ok;
  };
  return (file, content) => {
    const path = relative(next, file);
    if (!folderInside(dirname(path))) return false;
    const was = join(root, path);
    const bytes = Buffer.from(content);
    try {
      const stat = lstatSync(was, { throwIfNoEntry: false });
      if (!stat?.isFile() || stat.nlink !== 1 || stat.mode !== mode || stat.size !== bytes.length) return false;
      if (!readFileSync(was).equals(bytes)) return false;
      linkSync(was, file);
    } catch {
      return false; // unreadable, or no hard links here: written instead
    }
    // Read again through the new name: the file may have been edited between the comparison and the link.
    if (readFileSync(file).equals(bytes)) return true;
    rmSync(file);
    return false;
  };
}

/** Removes folders prepareOutput created, innermost first, only while they are still empty. */
function removeCreated(created: readonly string[]): void {
  for (const dir of [...created].reverse()) {
    try {
      rmdirSync(dir);
    } catch {
      return; // not empty any more (someone wrote into it) or already gone: leave it
    }
  }
}

/** The system's words for a failed call: `EACCES: permission denied, mkdir '/x'`. */
function reason(e: unknown): string {
  const message = (e as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : String(e);
}

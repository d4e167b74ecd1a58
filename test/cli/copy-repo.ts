import { cpSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/paths';

/** Not copied: installed or built locally (linked or rebuilt instead), history, and the test suites themselves. */
const SKIP = new Set(['node_modules', '.tools', '.build', '.git', 'coverage', 'test']);

/**
 * A throwaway copy of the repository (node_modules and tools linked, not copied; no .build/): every
 * top-level entry, so a new source folder is copied without anyone editing a list here, plus the
 * test helpers the bench bundle imports.
 */
export function copyRepo(prefix = 'krate-copy-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const entry of readdirSync(REPO_ROOT)) {
    if (!SKIP.has(entry) && !entry.startsWith('.dist.')) cpSync(join(REPO_ROOT, entry), join(dir, entry), { recursive: true });
  }
  for (const entry of ['test/bench', 'test/support']) cpSync(join(REPO_ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  symlinkSync(join(REPO_ROOT, '.tools'), join(dir, '.tools'));
  return dir;
}

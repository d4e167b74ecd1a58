import { cpSync, existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/paths';

/** A throwaway copy of the repository sources (node_modules and tools linked, not copied; no .build/). */
export function copyRepo(prefix = 'krate-copy-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const entry of [
    'package.json',
    'README.md',
    'package-lock.json',
    'tsconfig.json',
    'main.ts',
    'imports',
    'environments',
    'lib',
    'policies',
    'config',
    'constructs',
    'synth',
    'analysis',
    'apps',
    'cli',
    'charts',
    'imports',
    'scripts',
    'bin',
    'test/bench',
    'test/support',
    'dist',
  ]) {
    if (existsSync(join(REPO_ROOT, entry))) cpSync(join(REPO_ROOT, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  symlinkSync(join(REPO_ROOT, '.tools'), join(dir, '.tools'));
  return dir;
}

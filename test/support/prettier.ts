// Prettier itself, with the repository's settings: what `npm run lint` would print for a TypeScript
// text (prettier's API is ESM-only, so its CLI runs in a child process).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/paths';

const PRETTIER = join(REPO_ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
const CONFIG = join(REPO_ROOT, '.prettierrc.json');

/** `text` as prettier formats a TypeScript file. */
export function prettierFormat(text: string): string {
  const r = spawnSync(process.execPath, [PRETTIER, '--config', CONFIG, '--stdin-filepath', 'generated.ts'], {
    input: text,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`prettier failed: ${r.stderr}`);
  return r.stdout;
}

/** The files under `paths` (relative to `cwd`) that prettier would reformat; [] when all are formatted. */
export function prettierUnformatted(cwd: string, paths: readonly string[]): string[] {
  const r = spawnSync(process.execPath, [PRETTIER, '--config', CONFIG, '--list-different', ...paths], { cwd, encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`prettier failed: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean);
}

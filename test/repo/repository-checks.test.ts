// The repository's own change gate, run by `npm test` (and so by CI) with today's real date: the
// ladder rules against the change's base. (`check` against today runs in test/lib/exceptions.test.ts.)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/paths';

const git = (...args: string[]) => spawnSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' });
const cli = (...args: string[]) => spawnSync(process.execPath, [join(REPO_ROOT, '.build', 'cli', 'main.mjs'), ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
const today = new Date().toISOString().slice(0, 10);

/**
 * What this change is compared with: where it forked from origin/main on a branch, otherwise the
 * previous commit (CI on main checks each landed commit against its parent).
 */
function changeBase(): string | undefined {
  const head = git('rev-parse', 'HEAD').stdout.trim();
  const forked = git('merge-base', 'HEAD', 'origin/main');
  if (forked.status === 0 && forked.stdout.trim() !== head) return forked.stdout.trim();
  const parent = git('rev-parse', '--verify', '--quiet', 'HEAD~1');
  return parent.status === 0 ? parent.stdout.trim() : undefined;
}

describe('repository change gate (today is the real date)', () => {
  const base = changeBase();

  (base ? it : it.skip)(`rollout check against the change's base passes`, () => {
    const r = cli('rollout', 'check', '--base', base!, '--today', today);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

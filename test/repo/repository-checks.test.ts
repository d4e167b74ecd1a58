// The repository's own change gate, run by `npm test` (and so by CI) with today's real date: the
// ladder rules against the change's base, and `check` of the real configuration against today.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repositorySources } from '../../cli/sources';
import { runChecks } from '../../config/check';
import { REPO_ROOT } from '../../lib/paths';

const git = (...args: string[]) => spawnSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' });
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(REPO_ROOT, '.build', 'cli', 'main.mjs'), ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
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

/** Outside a git checkout (an unpacked tarball) there is no change to check. */
const inCheckout = git('rev-parse', '--is-inside-work-tree').stdout.trim() === 'true';

describe('repository change gate (today is the real date)', () => {
  (inCheckout ? it : it.skip)(`rollout check against the change's base passes`, () => {
    const base = changeBase();
    if (!base) {
      // A shallow clone (CI default depth 1) has no parent to compare with: say how to fix, never pass silently.
      throw new Error(
        "cannot find the change's base: fetch origin/main or at least one parent commit (e.g. `git fetch --deepen=1`) so rollout check can compare",
      );
    }
    const r = cli('rollout', 'check', '--base', base, '--today', today);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('check passes for the committed configuration on the real date', () => {
    // An expired exception fails npm test from that day; check warns two weeks ahead.
    expect(runChecks(today, repositorySources()).problems).toEqual([]);
  });
});

// Rollback is `git revert`: this test proves it on a throwaway git repository built from the project.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROLLOUT } from '../support/fixtures';
import { writeFixtureEnvironments } from '../support/fixture-repo';
import { materializeWorkingTree } from '../../analysis/diff';
import { STAGES, type Stage } from '../../lib/ladder';
import { REPO_ROOT } from '../../lib/paths';
import { compareTrees, readTree } from '../../lib/tree';

const TEMPLATE = 'disallow-latest-tag';

/** The day the promotion happens in this test (after every committed stage date). */
const TODAY = '2026-11-24';

function sh(cwd: string, cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}
const git = (cwd: string, ...args: string[]) =>
  sh(cwd, 'git', ['-c', 'user.name=Rollback Test', '-c', 'user.email=rollback@example.com', '-c', 'commit.gpgsign=false', ...args]);
const cli = (cwd: string, ...args: string[]) => sh(cwd, process.execPath, ['.build/cli/main.mjs', ...args]);
const synth = (cwd: string) => {
  sh(cwd, process.execPath, ['scripts/build.mjs']);
  sh(cwd, process.execPath, ['.build/main.mjs']);
};
/** dist/ and apps/bootstrap/: everything synth writes. */
const rendered = (cwd: string) => ({ dist: readTree(join(cwd, 'dist')), bootstrap: readTree(join(cwd, 'apps', 'bootstrap')) });

describe('rollback by git revert', () => {
  let dir: string;
  let before: ReturnType<typeof rendered>;
  let promoted: ReturnType<typeof rendered>;
  let from: Stage;
  let to: Stage;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'krate-rollback-'));
    materializeWorkingTree(REPO_ROOT, dir);
    // The fixture configuration, so a promotion in the real environments/ never changes this test.
    writeFixtureEnvironments(dir);
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
    symlinkSync(join(REPO_ROOT, '.tools'), join(dir, '.tools'));
    synth(dir);
    git(dir, 'init', '-q', '-b', 'main');
    // Symlinks are not directories, so .gitignore's `node_modules/` would not cover them.
    appendFileSync(join(dir, '.git', 'info', 'exclude'), 'node_modules\n.tools\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'base');
    before = rendered(dir);

    // The promotion as the README tells people to do it: `promote`, synth, one commit.
    from = ROLLOUT[TEMPLATE].stage;
    to = STAGES[STAGES.indexOf(from) + 1];
    cli(dir, 'promote', TEMPLATE, '--today', TODAY);
    synth(dir);
    git(dir, 'commit', '-q', '-am', `promote ${TEMPLATE} to ${to}`);
    promoted = rendered(dir);

    git(dir, 'revert', '--no-edit', 'HEAD');
    synth(dir); // the revert must need no re-render: synth after it must leave the tree as the revert left it
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("the promotion changes exactly that template's policy, and its PolicyBinding's mode, in the environment it reaches", () => {
    const env = to.split(':')[1];
    const diff = compareTrees(before.dist, promoted.dist);
    expect([...diff.added, ...diff.removed]).toEqual([]);
    const policy = `${env}/policies/validatingpolicy-krate-a5c-cluster-${TEMPLATE}.yaml`;
    const binding = `${env}/krate-model/policybinding-krate-a5c-cluster-${TEMPLATE}.yaml`;
    expect(diff.changed).toEqual([binding, policy]);
    expect(promoted.dist.get(policy)).toContain('- Deny');
    expect(promoted.dist.get(binding)).toContain('mode: enforce');
  });

  it('rollout check accepted the promotion and accepts the revert', () => {
    // Each commit against its parent, as CI checks a pull request: the promotion, then the revert.
    const check = (base: string, head: string) => {
      git(dir, 'checkout', '-q', head);
      try {
        return spawnSync(process.execPath, ['.build/cli/main.mjs', 'rollout', 'check', '--base', base, '--today', TODAY], {
          cwd: dir,
          encoding: 'utf8',
        });
      } finally {
        git(dir, 'checkout', '-q', 'main');
      }
    };
    const promotion = check('main~2', 'main~1');
    expect(promotion.stderr).toBe('');
    expect(promotion.status).toBe(0);
    const revert = check('main~1', 'main');
    expect(revert.stderr).toBe('');
    expect(revert.status).toBe(0);
  });

  it('dist/ and apps/bootstrap/ after the revert are byte-identical to before the promotion', () => {
    expect(git(dir, 'status', '--porcelain')).toBe('');
    const after = rendered(dir);
    expect([...after.dist.keys()]).toEqual([...before.dist.keys()]);
    for (const [path, content] of before.dist) expect({ path, content: after.dist.get(path) }).toEqual({ path, content });
    expect(after.bootstrap).toEqual(before.bootstrap);
  });

  it('diff against the promotion shows the mode going back', () => {
    const out = sh(dir, process.execPath, ['.build/cli/main.mjs', 'diff', '--base', 'HEAD~1', '--format', 'text']);
    const env = to.split(':')[1];
    expect(out).toContain('Policy mode changes:');
    expect(out).toContain(`${env}: ${TEMPLATE} Enforce → Audit`);
  }, 60_000);
});

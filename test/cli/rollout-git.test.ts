// rollout check / promote / status against real git history in a throwaway repository.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/paths';
import { fixtureRepo, git as gitIn } from '../support/fixture-repo';

const CLI = join(REPO_ROOT, '.build', 'cli', 'main.mjs');
let repo: string;
const file = () => join(repo, 'environments', 'rollout.ts');

const git = (...args: string[]): string => gitIn(repo, ...args);

function cli(...args: string[]): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/** Replaces one template's entry line in the working tree's rollout file. */
function setEntry(template: string, entry: string): void {
  const text = readFileSync(file(), 'utf8');
  const next = text.replace(new RegExp(`'${template}': \\{[^}]*\\}`), `'${template}': ${entry}`);
  expect(next).not.toBe(text);
  writeFileSync(file(), next);
}

beforeAll(() => {
  repo = fixtureRepo();
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('rollout check in a git repository', () => {
  it('passes an unchanged working tree', () => {
    const r = cli('rollout', 'check', '--repo', repo, '--base', 'HEAD', '--today', '2026-11-22');
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
  });

  it('passes a promotion of one rung made by promote, and shows it', () => {
    const p = cli('promote', 'disallow-latest-tag', '--repo', repo, '--today', '2026-11-22');
    expect(p.err).toBe('');
    expect(p.status).toBe(0);
    expect(p.out).toContain('promote: disallow-latest-tag: enforce:dev → enforce:staging since 2026-11-22');
    expect(readFileSync(file(), 'utf8')).toContain("'disallow-latest-tag': { stage: 'enforce:staging', since: '2026-11-22' },");
    expect(git('diff', '--numstat').trim()).toBe('1\t1\tenvironments/rollout.ts'); // exactly one line changed
    const r = cli('rollout', 'check', '--repo', repo, '--base', 'HEAD', '--today', '2026-11-22');
    expect(r.status).toBe(0);
    expect(r.out).toContain('disallow-latest-tag: enforce:dev → enforce:staging');
    git('commit', '-qam', 'promote disallow-latest-tag');
  });

  it('fails when a change jumps the ladder, naming policy, from, to and the rule', () => {
    setEntry('production-deployment-image-verified', "{ stage: 'audit:prod', since: '2026-11-22' }");
    const r = cli('rollout', 'check', '--repo', repo, '--base', 'HEAD', '--today', '2026-11-22');
    expect(r.status).toBe(1);
    expect(r.out).toContain(
      'error: production-deployment-image-verified: audit:dev → audit:prod: climbs 2 rungs in one change; promote one rung at a time (next: audit:staging) [rule: jump]',
    );
    git('checkout', '--', '.');
  });

  it('prints its changes and refusals as JSON with --output json', () => {
    setEntry('production-deployment-image-verified', "{ stage: 'audit:prod', since: '2026-11-22' }");
    const r = cli('rollout', 'check', '--repo', repo, '--base', 'HEAD', '--today', '2026-11-22', '--output', 'json');
    git('checkout', '--', '.');
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.out);
    expect(doc.changes).toEqual([{ template: 'production-deployment-image-verified', from: 'audit:dev', to: 'audit:prod' }]);
    expect(doc.findings.map((f: { rule: string }) => f.rule)).toEqual(['jump']);
    expect(doc.summary).toEqual({ changes: 1, refused: 1 });
  });

  it('fails when --output is not table or json', () => {
    const r = cli('rollout', 'check', '--repo', repo, '--base', 'HEAD', '--output', 'yaml');
    expect(r.status).toBe(2);
    expect(r.err).toContain("--output: 'yaml' is not one of table|json");
  });

  it('passes a git revert of a promotion', () => {
    git('revert', '--no-edit', 'HEAD');
    const r = cli('rollout', 'check', '--repo', repo, '--base', 'HEAD~1', '--today', '2026-11-22');
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(r.out).toContain('disallow-latest-tag: enforce:staging → enforce:dev');
  });

  it('fails when the base ref does not exist', () => {
    const r = cli('rollout', 'check', '--repo', repo, '--base', 'no-such-branch');
    expect(r.status).toBe(2);
    expect(r.err).toContain("--base: 'no-such-branch' is not a commit");
  });

  it('treats a base without a rollout file as all drafts: new templates start at audit:dev at most', () => {
    const empty = git('commit-tree', git('mktree').trim() || '4b825dc642cb6eb9a060e54bf8d69288fbee4904', '-m', 'empty').trim();
    const r = cli('rollout', 'check', '--repo', repo, '--base', empty, '--today', '2026-11-22');
    expect(r.status).toBe(1);
    expect(r.out).toContain(
      'error: require-labels: new → enforce:staging: a new template starts at draft or audit:dev, not enforce:staging; promote it one rung per change [rule: new-template-above-audit:dev]',
    );
  });
});

describe('promote', () => {
  afterEach(() => git('checkout', '--', '.'));

  it('refuses the first enforce step before the soak, and changes nothing', () => {
    const before = readFileSync(file(), 'utf8');
    const r = cli('promote', 'require-resource-limits', '--repo', repo, '--today', '2026-11-10');
    expect(r.status).toBe(1);
    expect(r.err).toContain(
      'promote: refused: require-resource-limits: audit:prod → enforce:dev: first enforce step before the soak: 7 days in audit:prod from 2026-11-05 end on 2026-11-12, today is 2026-11-10 [rule: soak]',
    );
    expect(readFileSync(file(), 'utf8')).toBe(before);
  });

  it('fails when a template is promoted twice in one change without --base (compared with HEAD)', () => {
    expect(cli('promote', 'production-deployment-image-verified', '--repo', repo, '--today', '2026-11-22').status).toBe(0);
    const r = cli('promote', 'production-deployment-image-verified', '--repo', repo, '--today', '2026-11-22');
    expect(r.status).toBe(1);
    expect(r.err).toContain('promote: refused: production-deployment-image-verified: audit:dev → audit:prod: climbs 2 rungs in one change');
    expect(r.err).toContain('[rule: jump]');
  });

  it('refuses a second rung against the pull request base', () => {
    expect(cli('promote', 'production-deployment-image-verified', '--repo', repo, '--today', '2026-11-22').status).toBe(0);
    const r = cli('promote', 'production-deployment-image-verified', '--repo', repo, '--today', '2026-11-22', '--base', 'HEAD');
    expect(r.status).toBe(1);
    expect(r.err).toContain('[rule: jump]');
  });

  it('refuses to enter enforce while the reports still show failing results', () => {
    const reports = join(repo, 'reports.yaml');
    writeFileSync(reports, reportExport('fail'));
    const r = cli('promote', 'require-resource-limits', '--repo', repo, '--today', '2026-11-22', '--reports', reports);
    expect(r.status).toBe(1);
    expect(r.err).toContain(
      "promote: refused: require-resource-limits: audit:prod → enforce:dev: 1 failing result(s) in dev's reports (at most 0 allowed, promotion.maxFailingResults of environments/dev.ts)",
    );
    expect(r.err).toContain('Deployment shop/web (fail');
  });

  it('enters enforce when the reports pass', () => {
    const reports = join(repo, 'reports.yaml');
    writeFileSync(reports, reportExport('pass'));
    const r = cli('promote', 'require-resource-limits', '--repo', repo, '--today', '2026-11-22', '--reports', reports);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(r.out).toContain('dev reports: 0 failing result(s) for require-resource-limits');
  });

  it('fails when the reports file holds no reports', () => {
    const reports = join(repo, 'reports.yaml');
    writeFileSync(reports, 'apiVersion: v1\nkind: List\nitems: []\n');
    const r = cli('promote', 'require-resource-limits', '--repo', repo, '--today', '2026-11-22', '--reports', reports);
    expect(r.status).toBe(2);
    expect(r.err).toContain('holds no PolicyReport or ClusterPolicyReport');
  });

  it('fails when the template is unknown', () => {
    const r = cli('promote', 'require-label', '--repo', repo);
    expect(r.status).toBe(2);
    expect(r.err).toContain("promote: unknown template 'require-label'");
  });

  it('refuses a template at the top of the ladder', () => {
    setEntry('require-labels', "{ stage: 'enforce:prod', since: '2026-11-20' }");
    const r = cli('promote', 'require-labels', '--repo', repo, '--today', '2026-11-22');
    expect(r.status).toBe(1);
    expect(r.err).toContain('promote: refused: require-labels is already at enforce:prod, the top of the ladder');
  });
});

describe('status', () => {
  it('prints a markdown board for pull requests', () => {
    const r = cli('status', '--repo', repo, '--today', '2026-11-22', '--format', 'markdown');
    expect(r.status).toBe(0);
    expect(r.out).toContain('| template | stage | dev | staging | prod | days in stage | next promotion | failing trend |');
    expect(r.out).toContain(
      '| `require-labels` | enforce:staging | Enforce (Audit: job-runner) | Enforce (Audit: job-runner) | Audit | 3 | enforce:prod now | dev ▁▁▁▁▁ 0 · staging ▁▁▁▁▁ 0 · prod ▁▁▁▁▁ 0 |',
    );
    expect(r.out).toContain(
      '| `require-resource-limits` | audit:prod | Audit | Audit | Audit | 17 | enforce:dev now | dev ▁▁▁▁▁ 0 · staging ▁▁▁▁▁ 0 · prod ▁▁▁▁▁ 0 |',
    );
  });

  it('prints the next allowed promotion date while soaking', () => {
    setEntry('require-resource-limits', "{ stage: 'audit:prod', since: '2026-11-05', soakDays: 20 }");
    const r = cli('status', '--repo', repo, '--today', '2026-11-22', '--format', 'json');
    git('checkout', '--', '.');
    const board = JSON.parse(r.out) as { templates: { template: string; next: { stage: string; date: string } }[] };
    expect(board.templates.find((t) => t.template === 'require-resource-limits')!.next).toEqual({
      stage: 'enforce:dev',
      date: '2026-11-25',
    });
  });

  it('says what in the evidence blocks the next enforce step', () => {
    // On 2026-11-06 dev has recorded one snapshot (2026-11-01): the 14-day window cannot hold three.
    const r = cli('status', '--repo', repo, '--today', '2026-11-06', '--format', 'json');
    const board = JSON.parse(r.out) as { templates: { template: string; next: { stage: string; blocked: string[] } }[] };
    expect(board.templates.find((t) => t.template === 'require-resource-limits')!.next).toEqual({
      stage: 'enforce:dev',
      blocked: ['1 snapshot(s) in the window, at least 3 required'],
    });
  });

  it('fails when the format is unknown', () => {
    const r = cli('status', '--repo', repo, '--format', 'pdf');
    expect(r.status).toBe(2);
    expect(r.err).toContain("--format: 'pdf' is not one of table|markdown|json|html");
  });

  it('fails when --today is not a date', () => {
    const r = cli('status', '--repo', repo, '--today', '2026-13-01');
    expect(r.status).toBe(2);
    expect(r.err).toContain("--today: '2026-13-01' is not a date like 2026-11-22 (YYYY-MM-DD)");
  });
});

describe('check', () => {
  it('prints problems and warnings as JSON with --output json', () => {
    const r = cli('check', '--repo', repo, '--today', '2027-02-01', '--output', 'json');
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.out);
    expect(doc.today).toBe('2027-02-01');
    expect(doc.problems).toContain(
      'exceptions.legacy-billing-labels (staging): expired on 2026-12-22 (today is 2027-02-01): remove it from environments/exceptions.ts, or file a new request',
    );
    expect(doc.summary.problems).toBe(doc.problems.length);
  });

  it('warns about an exception expiring within --warn-days, without failing', () => {
    const r = cli('check', '--repo', repo, '--today', '2026-12-10', '--warn-days', '14');
    expect(r.status).toBe(0);
    expect(r.out).toContain(
      'warning: exceptions.legacy-billing-labels (staging): expires on 2026-12-22, in 12 day(s): renew it with a new request or remove it',
    );
    expect(cli('check', '--repo', repo, '--today', '2026-12-10', '--warn-days', '5').out).not.toContain('legacy-billing-labels');
  });

  it('fails when --warn-days is not a whole number of days', () => {
    const r = cli('check', '--repo', repo, '--warn-days', 'soon');
    expect(r.status).toBe(2);
    expect(r.err).toContain("--warn-days: 'soon' must be a whole number of days from 0 to 365");
  });

  it('passes on a date before every exception expires', () => {
    const r = cli('check', '--repo', repo, '--today', '2026-11-22');
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
  });

  it('fails once a committed exception has expired', () => {
    const r = cli('check', '--repo', repo, '--today', '2027-02-01');
    expect(r.status).toBe(1);
    expect(r.out).toContain('error: exceptions.legacy-billing-labels (staging): expired on 2026-12-22 (today is 2027-02-01)');
  });
});

/** A `kubectl get policyreports -A -o yaml` export with one result for require-resource-limits in dev. */
function reportExport(result: 'pass' | 'fail'): string {
  return `apiVersion: v1
kind: List
items:
  - apiVersion: wgpolicyk8s.io/v1alpha2
    kind: PolicyReport
    metadata: { name: r1, namespace: shop }
    results:
      - policy: krate-a5c-cluster-require-resource-limits
        result: ${result}
        resources: [{ kind: Deployment, namespace: shop, name: web }]
      - policy: krate-a5c-cluster-require-labels
        result: fail
        resources: [{ kind: Deployment, namespace: shop, name: web }]
`;
}

import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffTrees, fieldDiff, formatReport, materializeWorkingTree, policyMode, type DiffJson } from '../../analysis/diff';
import { toYaml, type Manifest } from '../../lib/manifests';
import { REPO_ROOT } from '../../lib/paths';

const tree = (files: Record<string, object>) => new Map(Object.entries(files).map(([p, m]) => [p, toYaml(m)]));

const policy = (actions: string[]) => ({
  apiVersion: 'policies.kyverno.io/v1',
  kind: 'ValidatingPolicy',
  metadata: {
    name: 'krate-a5c-prod-disallow-privileged-containers',
    annotations: { 'krate.a5c.ai/policy-template': 'disallow-privileged-containers@1.0.0' },
  },
  spec: { validationActions: actions },
});
const exception = {
  apiVersion: 'policies.kyverno.io/v1',
  kind: 'PolicyException',
  metadata: { name: 'ci-runner', namespace: 'krate-system' },
  spec: {
    policyRefs: [{ kind: 'ValidatingPolicy', name: 'krate-a5c-prod-disallow-privileged-containers' }],
    expiresAt: '2026-12-31T00:00:00Z',
  },
};
const role = (verbs: string[]) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: 'krate-viewer' },
  rules: [{ apiGroups: ['kyverno.io'], resources: ['policies'], verbs }],
});
const engine = (version: string) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'kyverno', namespace: 'argocd' },
  spec: {
    project: 'krate-prod',
    source: { repoURL: 'https://kyverno.github.io/kyverno/', chart: 'kyverno', targetRevision: version },
    destination: { server: 'https://x', namespace: 'kyverno' },
  },
});

const base = tree({
  'prod/policies/validatingpolicy-p.yaml': policy(['Audit']),
  'prod/krate-kyverno/clusterrole-krate-viewer.yaml': role(['get']),
  'prod/krate-kyverno/application-kyverno.yaml': engine('3.9.0'),
  'dev/krate-kyverno/configmap-c.yaml': {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', namespace: 'krate-system' },
    data: { a: '1' },
  },
});
const head = tree({
  'prod/policies/validatingpolicy-p.yaml': policy(['Deny']),
  'prod/policy-exceptions/policyexception-ci-runner.yaml': exception,
  'prod/krate-kyverno/clusterrole-krate-viewer.yaml': role(['get', 'list']),
  'prod/krate-kyverno/application-kyverno.yaml': engine('3.10.0'),
  'dev/krate-kyverno/configmap-c.yaml': {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', namespace: 'krate-system' },
    data: { a: '1' },
  },
});

describe('diff', () => {
  const report = diffTrees(base, head);

  it('calls out policy mode changes by template name', () => {
    expect(report.modeChanges).toEqual(['prod: disallow-privileged-containers Audit → Enforce']);
    expect(diffTrees(head, base).modeChanges).toEqual(['prod: disallow-privileged-containers Enforce → Audit']);
  });

  it('calls out new exceptions, RBAC changes and chart version changes', () => {
    expect(report.exceptions).toEqual([
      'prod: + PolicyException/krate-system/ci-runner (for krate-a5c-prod-disallow-privileged-containers, expires 2026-12-31T00:00:00Z)',
    ]);
    expect(report.rbac).toEqual(['prod: ~ ClusterRole/krate-viewer (rules[0].verbs: ["get"] → ["get","list"])']);
    expect(report.chartVersions).toEqual(['prod: kyverno chart 3.9.0 → 3.10.0 (Application/argocd/kyverno)']);
  });

  it('reports per environment and app, leaving unchanged resources out', () => {
    expect(report.changes.map((c) => `${c.env}/${c.app} ${c.change} ${c.id}`)).toEqual([
      'prod/krate-kyverno changed Application/argocd/kyverno',
      'prod/krate-kyverno changed ClusterRole/krate-viewer',
      'prod/policies changed ValidatingPolicy/krate-a5c-prod-disallow-privileged-containers',
      'prod/policy-exceptions added PolicyException/krate-system/ci-runner',
    ]);
  });

  it('gives a compact field diff', () => {
    expect(fieldDiff({ spec: { a: 1, b: [1, 2], c: [{ x: 1 }] } }, { spec: { a: 2, b: [1], c: [{ x: 1, y: '' }] }, d: 'new' })).toEqual([
      'spec.a: 1 → 2',
      'spec.b: [1,2] → [1]',
      '+ spec.c[0].y: ""',
      '+ d: new',
    ]);
  });

  it('reads Kyverno modes: Deny is Enforce, legacy validationFailureAction too', () => {
    expect(policyMode(policy(['Audit', 'Warn']) as unknown as Manifest)).toBe('Audit');
    expect(
      policyMode({
        apiVersion: 'kyverno.io/v1',
        kind: 'ClusterPolicy',
        metadata: { name: 'x' },
        spec: { validationFailureAction: 'Enforce' },
      }),
    ).toBe('Enforce');
    expect(policyMode({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })).toBeUndefined();
  });

  it('formats Markdown ready for a pull-request comment, review items first', () => {
    const md = formatReport(report, 'markdown', 'origin/main');
    expect(
      md.startsWith(
        '### krate-policy diff: `origin/main` → this change\n\n**Review first**\n\n- **Policy mode changes**\n  - `prod: disallow-privileged-containers Audit → Enforce`',
      ),
    ).toBe(true);
    expect(md).toContain('| prod / policy-exceptions | 1 | 0 | 0 |');
    expect(md).toContain('<details><summary>prod / policies: 0 added, 0 removed, 1 changed</summary>');
    expect(md).toContain('    spec.validationActions: ["Audit"] → ["Deny"]');
  });

  it('says so when nothing changes', () => {
    expect(formatReport(diffTrees(base, base), 'text', 'HEAD')).toBe('krate-policy diff: HEAD → working tree\nno rendered changes\n');
  });

  it('fails when --base is not a commit, naming the ref and the fix', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, '.build', 'cli', 'main.mjs'), 'diff', '--base', 'no-such-ref-xyz'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error: --base: 'no-such-ref-xyz' is not a commit in");
    expect(r.stderr).toContain('fetch it first with `git fetch origin main`');
  });

  it('fails when --output is unknown', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'krate-policy.mjs'), 'diff', '--base', 'HEAD', '--output', 'html'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error: --output: 'html' is not one of text|markdown|json");
  });

  it('fails when --format (the older name, still accepted) is unknown', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'krate-policy.mjs'), 'diff', '--base', 'HEAD', '--format', 'html'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error: --format: 'html' is not one of text|markdown|json");
  });

  it('fails when both --output and --format are given', () => {
    const r = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'bin', 'krate-policy.mjs'), 'diff', '--base', 'HEAD', '--output', 'json', '--format', 'text'],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error: --format: an older name for --output; pass only --output');
  });
});

describe('diff --output json', () => {
  const json = JSON.parse(formatReport(diffTrees(base, head), 'json', 'origin/main')) as DiffJson;

  it('puts the review-first call-outs in one section', () => {
    expect(json.base).toBe('origin/main');
    expect(json.reviewFirst).toEqual({
      modeChanges: ['prod: disallow-privileged-containers Audit → Enforce'],
      exceptions: [
        'prod: + PolicyException/krate-system/ci-runner (for krate-a5c-prod-disallow-privileged-containers, expires 2026-12-31T00:00:00Z)',
      ],
      rbac: ['prod: ~ ClusterRole/krate-viewer (rules[0].verbs: ["get"] → ["get","list"])'],
      chartVersions: ['prod: kyverno chart 3.9.0 → 3.10.0 (Application/argocd/kyverno)'],
    });
  });

  it('lists the changes per environment and app, with every field change', () => {
    expect(json.summary).toEqual({ added: 1, removed: 0, changed: 3 });
    expect(json.apps.map((a) => [a.env, a.app, a.added, a.removed, a.changed])).toEqual([
      ['prod', 'krate-kyverno', 0, 0, 2],
      ['prod', 'policies', 0, 0, 1],
      ['prod', 'policy-exceptions', 1, 0, 0],
    ]);
    expect(json.apps[1].resources).toEqual([
      {
        id: 'ValidatingPolicy/krate-a5c-prod-disallow-privileged-containers',
        change: 'changed',
        fields: ['spec.validationActions: ["Audit"] → ["Deny"]'],
      },
    ]);
  });

  it('keeps all field changes that the text report cuts at 12', () => {
    const many = (n: number) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'x' },
      data: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, `${n}`])),
    });
    const report = diffTrees(tree({ 'dev/app/configmap-c.yaml': many(1) }), tree({ 'dev/app/configmap-c.yaml': many(2) }));
    const out = JSON.parse(formatReport(report, 'json', 'HEAD')) as DiffJson;
    expect(out.apps[0].resources[0].fields).toHaveLength(20);
    expect(formatReport(report, 'text', 'HEAD')).toContain('… 8 more field change(s)');
  });

  it('says so when nothing changes', () => {
    expect(JSON.parse(formatReport(diffTrees(base, base), 'json', 'HEAD'))).toEqual({
      base: 'HEAD',
      summary: { added: 0, removed: 0, changed: 0 },
      reviewFirst: { modeChanges: [], exceptions: [], rbac: [], chartVersions: [] },
      apps: [],
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Symbolic links in the working tree (diff crashed with EISDIR on any of them)
// ---------------------------------------------------------------------------------------------

function sh(cwd: string, cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}
const git = (cwd: string, ...args: string[]) =>
  sh(cwd, 'git', ['-c', 'user.name=Diff Test', '-c', 'user.email=diff@example.com', '-c', 'commit.gpgsign=false', ...args]);

describe('materializeWorkingTree', () => {
  let repo: string;
  let copy: string;
  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'krate-links-'));
    mkdirSync(join(repo, 'lib'));
    writeFileSync(join(repo, 'lib', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
    symlinkSync('lib/a.ts', join(repo, 'tracked-link.ts'));
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'fixture');
    // Untracked from here on; `node_modules/` in .gitignore matches folders, not a link to one.
    mkdirSync(join(repo, 'elsewhere', 'pkg'), { recursive: true });
    writeFileSync(join(repo, 'elsewhere', 'pkg', 'index.js'), '');
    symlinkSync('elsewhere', join(repo, 'node_modules'));
    symlinkSync('lib', join(repo, 'lib-link'));
    symlinkSync('.', join(repo, 'loop'));
    symlinkSync('no-such-file', join(repo, 'dangling'));
    copy = join(mkdtempSync(join(tmpdir(), 'krate-links-copy-')), 'head');
    materializeWorkingTree(repo, copy);
  });
  afterAll(() => {
    rmSync(repo, { recursive: true, force: true });
    rmSync(join(copy, '..'), { recursive: true, force: true });
  });

  it('keeps a tracked file symlink a symlink', () => {
    expect(readlinkSync(join(copy, 'tracked-link.ts'))).toBe('lib/a.ts');
    expect(readFileSync(join(copy, 'tracked-link.ts'), 'utf8')).toBe('export const a = 1;\n');
  });

  it('keeps an untracked folder symlink a symlink, never entering it (even one that loops)', () => {
    expect(readlinkSync(join(copy, 'lib-link'))).toBe('lib');
    expect(readlinkSync(join(copy, 'loop'))).toBe('.');
  });

  it('keeps a dangling symlink dangling', () => {
    expect(readlinkSync(join(copy, 'dangling'))).toBe('no-such-file');
    expect(existsSync(join(copy, 'dangling'))).toBe(false);
  });

  it("leaves out a symlinked node_modules (renderCheckout links the checkout's own)", () => {
    expect(lstatSync(join(copy, 'node_modules'), { throwIfNoEntry: false })).toBeUndefined();
    expect(readFileSync(join(copy, 'lib', 'a.ts'), 'utf8')).toBe('export const a = 1;\n');
  });
});

describe('diff --base (end to end, symlinks in the working tree)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'krate-diff-links-'));
    materializeWorkingTree(REPO_ROOT, dir);
    symlinkSync('README.md', join(dir, 'README-link.md'));
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'base');
    // A user's checkout: node_modules and .tools as links (untracked: .gitignore's `node_modules/`
    // does not match a link), a link to a folder, one that loops, one that dangles.
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
    symlinkSync(join(REPO_ROOT, '.tools'), join(dir, '.tools'));
    symlinkSync('environments', join(dir, 'envs'));
    symlinkSync('..', join(dir, 'charts', 'up'));
    symlinkSync('no-such-file.ts', join(dir, 'lib', 'dangling.ts'));
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const diffCli = (...args: string[]) =>
    spawnSync(process.execPath, ['bin/krate-policy.mjs', 'diff', '--base', 'HEAD', ...args], { cwd: dir, encoding: 'utf8' });

  it('keeps working when the working tree holds symlinks (tracked file, untracked folder, node_modules, dangling)', () => {
    const r = diffCli();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('krate-policy diff: HEAD → working tree\nno rendered changes\n');
  }, 60_000);

  it('prints the JSON document with --output json', () => {
    const r = diffCli('--output', 'json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as DiffJson).summary).toEqual({ added: 0, removed: 0, changed: 0 });
  }, 60_000);
});

// `krate-policy new` and `krate-policy generate` in a throwaway copy of the repository: a scaffold
// whose test fails until the rule is written, refusals that write nothing, and a repository that
// still renders and type-checks.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/paths';
import { compareTrees, isSame, readTree } from '../../lib/tree';
import { copyRepo } from './copy-repo';

let repo: string;
beforeAll(() => {
  repo = copyRepo('krate-new-');
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(repo, 'bin', 'krate-policy.mjs'), ...args], { cwd: repo, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
};
const read = (path: string) => readFileSync(join(repo, path), 'utf8');
const FOLDER = 'policies/best-practices/require-team-label';

/** What `new` may write: the rollout, the catalog, the README and the policies/ tree. */
function snapshot(): string {
  const walk = (dir: string): string[] =>
    readdirSync(join(repo, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(`${dir}/${e.name}`) : [`${dir}/${e.name}`],
    );
  return [read('environments/rollout.ts'), read('policies/catalog.ts'), read('README.md'), ...walk('policies')].join('\n');
}

describe('krate-policy new', () => {
  it('scaffolds a template folder whose test fails until the rule is written, at draft on the ladder', () => {
    const r = cli('new', 'require-team-label', '--pack', 'best-practices', '--kind', 'Pod', '--today', '2026-11-22');
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(r.out).toContain(`new: scaffolded ${FOLDER}/ (template.ts, kyverno-test.yaml, good.yaml, bad.yaml, policy.yaml)`);
    expect(r.out).toContain(
      'new: require-team-label is on the ladder at draft (environments/rollout.ts, since 2026-11-22): nothing renders until you promote it.',
    );
    expect(r.out).toContain('its test fails on purpose');
    for (const f of ['template.ts', 'kyverno-test.yaml', 'good.yaml', 'bad.yaml', 'policy.yaml'])
      expect([f, existsSync(join(repo, FOLDER, f))]).toEqual([f, true]);
    expect(read('policies/catalog.ts')).toContain("import requireTeamLabelTemplate from './best-practices/require-team-label/template';");
    expect(read('README.md')).toContain('| `require-team-label` | medium | TODO: what the policy requires, in a few words | — |');
    expect(read('environments/rollout.ts')).toContain("  'require-team-label': { stage: 'draft', since: '2026-11-22' },\n};");

    const t = cli('test', FOLDER);
    expect(t.status).toBe(1);
    expect(t.out).toContain('expected fail, got pass');
    expect(t.out.trim().split('\n').pop()).toBe('2 passed, 2 failed');
    expect(cli('generate').out).toContain('every generated file in step');
  });

  it('leaves a repository that renders the same dist/ (a draft renders nothing), type-checks and is formatted', () => {
    const synth = cli('synth');
    expect(synth.err).toBe('');
    expect(synth.status).toBe(0);
    expect(isSame(compareTrees(readTree(join(REPO_ROOT, 'dist')), readTree(join(repo, 'dist'))))).toBe(true);
    const tsc = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', 'tsconfig.json'],
      {
        cwd: repo,
        encoding: 'utf8',
      },
    );
    expect(tsc.stdout).toBe('');
    expect(tsc.status).toBe(0);
    const prettier = spawnSync(
      process.execPath,
      [
        join(REPO_ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs'),
        '--config',
        join(REPO_ROOT, '.prettierrc.json'),
        '--check',
        `${FOLDER}/template.ts`,
        'policies/catalog.ts',
      ],
      { cwd: repo, encoding: 'utf8' },
    );
    expect(prettier.stderr).toBe('');
    expect(prettier.status).toBe(0);
  });

  it('passes its test once the rule is written and generate re-renders the policy', () => {
    const file = join(repo, FOLDER, 'template.ts');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace("expression: 'true'", 'expression: "object.metadata.?labels[?\'team\'].hasValue()"'),
    );
    writeFileSync(
      join(repo, FOLDER, 'good.yaml'),
      read(`${FOLDER}/good.yaml`)
        .replace('  name: good-1\n', '  name: good-1\n  labels:\n    team: shop\n')
        .replace('      labels:\n        app: good-1-deployment\n', '      labels:\n        app: good-1-deployment\n        team: shop\n'),
    );
    expect(cli('generate').out).toContain(`generate: wrote ${FOLDER}/policy.yaml`);
    const t = cli('test', FOLDER);
    expect(t.out.trim().split('\n').pop()).toBe('4 passed, 0 failed');
    expect(t.status).toBe(0);
  });

  it.each([
    [
      'the name exists already',
      ['require-team-label', '--pack', 'krate', '--kind', 'PullRequest'],
      1,
      `new: refused: template 'require-team-label' already exists (${FOLDER}/); choose another name or edit that template`,
    ],
    [
      'the pack is unknown',
      ['require-owner', '--pack', 'best-practice', '--kind', 'Pod'],
      2,
      "error: --pack: 'best-practice' is not a policy pack (did you mean 'best-practices'?) (packs: krate, pod-security-baseline, pod-security-restricted, best-practices)",
    ],
    [
      'the name is not a DNS label',
      ['Require_Owner', '--pack', 'best-practices', '--kind', 'Pod'],
      2,
      "error: new: 'Require_Owner' is not a template name: a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), e.g. require-team-label",
    ],
    [
      'the kind is unknown and no --api-version is given',
      ['require-owner', '--pack', 'best-practices', '--kind', 'Deploymnet'],
      2,
      "error: --kind Deploymnet: not a built-in Kubernetes, Kyverno or Krate kind (did you mean 'Deployment'?); for a custom resource give its API version too: --api-version <group>/<version> (e.g. example.com/v1)",
    ],
    [
      'the kind is served by two groups and no --api-version is given',
      ['require-owner', '--pack', 'krate', '--kind', 'Job'],
      2,
      'error: --kind Job: served by batch/v1 and krate.a5c.ai/v1alpha1; choose one with --api-version (e.g. --api-version batch/v1)',
    ],
    ['no --kind is given', ['require-owner', '--pack', 'krate'], 2, 'error: --kind: required (e.g. --kind Pod)'],
  ])('fails when %s, and writes nothing', (_label, args, status, message) => {
    const before = snapshot();
    const r = cli('new', ...(args as string[]));
    expect(r.status).toBe(status);
    expect(r.err).toContain(message);
    expect(r.out).toBe('');
    expect(snapshot()).toBe(before);
  });
});

describe('krate-policy new, when generating fails after the scaffold is written', () => {
  it('keeps the repository as it was', () => {
    const readme = read('README.md');
    writeFileSync(join(repo, 'README.md'), readme.replace('<!-- templates:start -->', ''));
    const before = snapshot();
    const r = cli('new', 'require-owner', '--pack', 'best-practices', '--kind', 'Service');
    expect(r.status).toBe(2);
    expect(r.err).toContain("error: README.md: no '<!-- templates:start -->' … '<!-- templates:end -->' block");
    expect(r.err).toContain(
      'new: generating the catalog and policies/best-practices/require-owner/policy.yaml failed (above); nothing was kept',
    );
    expect(snapshot()).toBe(before);
    writeFileSync(join(repo, 'README.md'), readme);
  });
});

describe('krate-policy generate', () => {
  it('fails when a template folder has no template.ts, naming the folder, and writes nothing', () => {
    const dir = join(repo, 'policies', 'krate', 'half-done');
    mkdirSync(dir);
    writeFileSync(join(dir, 'kyverno-test.yaml'), 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\n');
    const before = snapshot();
    const r = cli('generate');
    expect(r.status).toBe(2);
    expect(r.err).toContain(
      'error: policies/krate/half-done/: has no template.ts; every folder in a pack is a template folder (npx krate-policy new half-done --pack krate --kind <Kind> scaffolds one)',
    );
    expect(snapshot()).toBe(before);
    rmSync(dir, { recursive: true });
  });

  it('fails every command that reads the template library when a folder is missing from the catalog, naming it', () => {
    const catalog = read('policies/catalog.ts');
    writeFileSync(join(repo, 'policies/catalog.ts'), catalog.replace(/^.*(require-team-label|requireTeamLabelTemplate).*\n/gm, ''));
    const r = cli('status', '--today', '2026-11-22');
    expect(r.status).toBe(2);
    expect(r.err).toContain(
      `error: ${FOLDER}/: not in policies/catalog.ts; run \`npx krate-policy generate\` (it rewrites policies/catalog.ts from the folders)`,
    );
    const g = cli('generate');
    expect(g.status).toBe(0);
    expect(g.out).toMatch(/^generate: wrote policies\/catalog.ts \(\d+ template folder\(s\)\)$/m);
    expect(read('policies/catalog.ts')).toBe(catalog);
    expect(cli('status', '--today', '2026-11-22').status).toBe(0);
  });
});

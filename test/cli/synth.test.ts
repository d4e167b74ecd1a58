import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/paths';
import { readTree } from '../../lib/tree';
import { copyRepo } from './copy-repo';

describe('npm run synth (end to end)', () => {
  let dir: string;
  beforeAll(() => (dir = copyRepo('krate-synth-')));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reproduces the committed dist/ and removes stale files', () => {
    writeFileSync(join(dir, 'dist', 'dev', 'stale.yaml'), 'stale: true\n');
    const r = spawnSync('npm', ['run', '--silent', 'synth'], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readTree(join(dir, 'dist'))).toEqual(readTree(join(REPO_ROOT, 'dist')));
  });

  it('renders the same bytes whatever the environment variables, time zone and locale', () => {
    // cdk8s reads CDK8S_* variables (key sorting, outdir, metadata); synth must not depend on them.
    const env = {
      ...process.env,
      CDK8S_DISABLE_SORT: '1',
      CDK8S_OUTDIR: join(dir, 'elsewhere'),
      CDK8S_RECORD_CONSTRUCT_METADATA: 'true',
      TZ: 'Pacific/Kiritimati',
      LANG: 'tr_TR.UTF-8',
      LC_ALL: 'tr_TR.UTF-8',
    };
    const r = spawnSync(process.execPath, [join('bin', 'krate-policy.mjs'), 'synth', '--out', join(dir, 'dist-env')], {
      cwd: dir,
      encoding: 'utf8',
      env,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readTree(join(dir, 'dist-env'))).toEqual(readTree(join(REPO_ROOT, 'dist')));
  });

  it('`cdk8s synth` (cdk8s.yaml) renders the same dist/', () => {
    cpSync(join(REPO_ROOT, 'cdk8s.yaml'), join(dir, 'cdk8s.yaml'));
    const r = spawnSync(join(REPO_ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--no-check-upgrade'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(readTree(join(dir, 'dist'))).toEqual(readTree(join(REPO_ROOT, 'dist')));
  });

  it('fails when an environment value is invalid, naming the path, and leaves dist/ untouched', () => {
    const file = join(dir, 'environments', 'prod.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace("mode: 'managed'", "mode: 'managd'"));
    const before = readTree(join(dir, 'dist'));
    const r = spawnSync('npm', ['run', '--silent', 'synth'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      "error: environments.prod.kyverno.mode: 'managd' is not one of disabled|byo|managed|auto (edit environments/prod.ts)",
    );
    expect(r.stderr).toContain('nothing was written');
    expect(readTree(join(dir, 'dist'))).toEqual(before);
    expect(readdirSync(dir).filter((name) => name.includes('krate-synth'))).toEqual([]); // no staging folder left beside dist/
  });
});

describe('synth --out', () => {
  const CLI = join(REPO_ROOT, 'bin', 'krate-policy.mjs');
  const RULE = 'synth writes only into an empty folder or one it wrote before';
  // A timeout turns a hang (the old /proc spin) into a failure instead of a stuck test run.
  const synthOut = (cwd: string, out: string) =>
    spawnSync(process.execPath, [CLI, 'synth', '--out', out], { cwd, encoding: 'utf8', timeout: 30_000 });
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'krate-out-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fails when --out is a file, leaving it byte-identical', () => {
    writeFileSync(join(dir, 'README.md'), '# my project\n');
    const r = synthOut(dir, 'README.md');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`error: --out README.md: is a file, not a folder; ${RULE}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('# my project\n');
    expect(readdirSync(dir)).toEqual(['README.md']);
  });

  it('fails when --out is a non-empty foreign folder, leaving its files untouched', () => {
    mkdirSync(join(dir, 'docs'));
    writeFileSync(join(dir, 'docs', 'guide.md'), 'guide\n');
    const r = synthOut(dir, 'docs');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `error: --out docs: is a folder synth did not write (it holds guide.md and no .krate-synth marker); ${RULE}`,
    );
    expect(readTree(join(dir, 'docs'))).toEqual(new Map([['guide.md', 'guide\n']]));
    expect(readdirSync(dir)).toEqual(['docs']);
  });

  it('fails when --out cannot be created (/proc/nope), returning at once with exit 2', () => {
    const r = synthOut(dir, '/proc/nope');
    expect(r.signal).toBeNull();
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error: --out /proc/nope: cannot create folder (');
    expect(r.stderr).toContain("mkdir '/proc/nope'); pass a folder you can write to");
  });

  it('fails when --bootstrap-out overlaps --out, writing nothing', () => {
    const r = spawnSync(process.execPath, [CLI, 'synth', '--out', 'out', '--bootstrap-out', 'out/bootstrap'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      'error: --bootstrap-out out/bootstrap: overlaps --out out; synth replaces each output folder whole, so they must be separate folders',
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('fails when given a positional argument', () => {
    const r = spawnSync(process.execPath, [CLI, 'synth', 'out'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error: out: unexpected argument');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps a previous synth output replaceable: a second synth into the same --out removes stale files', () => {
    expect(synthOut(dir, 'out').status).toBe(0);
    const first = readTree(join(dir, 'out'));
    expect(first).toEqual(readTree(join(REPO_ROOT, 'dist')));
    writeFileSync(join(dir, 'out', 'dev', 'stale.yaml'), 'stale: true\n');
    const r = synthOut(dir, 'out');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readTree(join(dir, 'out'))).toEqual(first);
    expect(readdirSync(dir)).toEqual(['out']);
  });
});

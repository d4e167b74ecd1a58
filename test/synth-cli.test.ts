import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../lib/paths';
import { readTree } from '../lib/tree';

/** A throwaway copy of the repository sources (node_modules and tools linked, not copied). */
function copyRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'krate-synth-'));
  for (const entry of ['package.json', 'tsconfig.json', 'main.ts', 'environments', 'constructs', 'apps', 'lib', 'analysis', 'cli', 'charts', 'scripts', 'bin', 'test/bench', 'dist']) {
    cpSync(join(REPO_ROOT, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  symlinkSync(join(REPO_ROOT, '.tools'), join(dir, '.tools'));
  return dir;
}

describe('npm run synth (end to end)', () => {
  let dir: string;
  beforeAll(() => (dir = copyRepo()));
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
    const env = { ...process.env, CDK8S_DISABLE_SORT: '1', CDK8S_OUTDIR: join(dir, 'elsewhere'), CDK8S_RECORD_CONSTRUCT_METADATA: 'true', TZ: 'Pacific/Kiritimati', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' };
    const r = spawnSync(process.execPath, [join('.build', 'cli', 'main.mjs'), 'synth', '--out', join(dir, 'dist-env')], { cwd: dir, encoding: 'utf8', env });
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
    expect(r.stderr).toContain("error: environments.prod.kyverno.mode: 'managd' is not one of disabled|byo|managed|auto (edit environments/prod.ts)");
    expect(r.stderr).toContain('nothing was written');
    expect(readTree(join(dir, 'dist'))).toEqual(before);
  });
});

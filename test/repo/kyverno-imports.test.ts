// Repository-level check: the committed imports/kyverno/ is exactly what
// scripts/import-kyverno-schemas.mjs generates from Kyverno v1.19.0's CRD files, which are read at
// development time from ../shared/upstream (never copied here). Also the script's own refusals.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/paths';
import { compareTrees, isSame, readTree } from '../../lib/tree';
import { copyRepo } from '../cli/copy-repo';

const SCRIPT = join(REPO_ROOT, 'scripts', 'import-kyverno-schemas.mjs');
const COMMITTED = join(REPO_ROOT, 'imports', 'kyverno');
const UPSTREAM_CRDS = join(REPO_ROOT, '..', 'shared', 'upstream', 'kyverno-v1.19.0', 'crds');
const withUpstream = existsSync(UPSTREAM_CRDS);
if (!withUpstream) console.log(`skipped: ${UPSTREAM_CRDS} is absent, so imports/kyverno/ is not regenerated and compared`);

const run = (...args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });

describe('imports/kyverno/', () => {
  let temp: string;
  beforeEach(() => {
    temp = mkdtempSync(join(tmpdir(), 'kyverno-imports-test-'));
  });
  afterEach(() => rmSync(temp, { recursive: true, force: true }));

  (withUpstream ? it : it.skip)(
    `matches what scripts/import-kyverno-schemas.mjs generates from ../shared/upstream${withUpstream ? '' : ' (skipped: absent)'}`,
    () => {
      const out = join(temp, 'kyverno');
      const r = run('--out', out);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const diff = compareTrees(readTree(COMMITTED), readTree(out));
      if (!isSame(diff)) {
        const lines = [
          ...diff.added.map((p) => `  missing from imports/kyverno/: ${p}`),
          ...diff.removed.map((p) => `  stale in imports/kyverno/:     ${p}`),
          ...diff.changed.map((p) => `  differs:                       ${p}`),
        ];
        throw new Error(
          `imports/kyverno/ is not what the script generates:\n${lines.join('\n')}\nFix: run \`npm run import:kyverno\` and commit imports/kyverno/.`,
        );
      }
    },

    // crd-generate compiles 49 validators (about 10 s on one core).
    120_000,
  );

  it('lists every policies.kyverno.io kind this repository renders, in v1', () => {
    const { kinds } = JSON.parse(readFileSync(join(COMMITTED, 'kinds.json'), 'utf8')) as { kinds: Record<string, string> };
    for (const kind of ['ValidatingPolicy', 'NamespacedValidatingPolicy', 'ImageValidatingPolicy', 'PolicyException'])
      expect([kind, Object.hasOwn(kinds, `policies.kyverno.io/v1/${kind}`)]).toEqual([kind, true]);
  });

  it('fails when the CRD files are absent, saying they come from ../shared/upstream', () => {
    const r = run('--crds', join(temp, 'nope'), '--out', join(temp, 'out'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`import-kyverno-schemas: ${join(temp, 'nope')} is absent.`);
    expect(r.stderr).toContain('they live in ../shared/upstream/kyverno-v1.19.0/crds next to a development checkout');
    expect(existsSync(join(temp, 'out'))).toBe(false);
  });

  it('fails when --out is a folder the script did not generate, and leaves it alone', () => {
    const foreign = join(temp, 'mine');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'keep me');
    const crds = join(temp, 'crds');
    mkdirSync(crds);
    const r = run('--crds', crds, '--out', foreign);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--out ${foreign} exists and is not a folder this script generated`);
    expect(readFileSync(join(foreign, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('fails when the committed folder is damaged (a validator or kinds.json missing), naming the file and the fix', () => {
    const copy = copyRepo('krate-kyverno-imports-');
    try {
      const policy = join(REPO_ROOT, 'test', 'cli', 'fixtures', 'bad-validatingpolicy.yaml');
      const validate = () => spawnSync(process.execPath, [join(copy, 'bin', 'krate-policy.mjs'), 'validate', policy], { encoding: 'utf8' });
      rmSync(join(copy, 'imports', 'kyverno', 'policies.kyverno.io', 'v1', 'ValidatingPolicy.js'));
      let r = validate();
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(
        `${join(copy, 'imports', 'kyverno', 'policies.kyverno.io', 'v1', 'ValidatingPolicy.js')} is missing: imports/kyverno/ is committed with the repository; restore it with \`git checkout -- imports/kyverno\``,
      );
      rmSync(join(copy, 'imports', 'kyverno', 'kinds.json'));
      r = validate();
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`${join(copy, 'imports', 'kyverno', 'kinds.json')} cannot be read (`);
      expect(r.stderr).not.toContain('internal error');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('fails when an option is unknown, naming it', () => {
    const r = run('--crd', 'x');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("import-kyverno-schemas: unknown argument '--crd' (usage: [--crds <dir>] [--out <dir>])");
  });
});

// The build is keyed by the sources' content (scripts/build.mjs): every command runs the sources as
// they are, a broken file reports file:line:col and leaves the tool usable once fixed, concurrent
// runs share one build. Each test works on its own copy of the repository.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTree } from '../../lib/tree';
import { copyRepo } from './copy-repo';

const HASH = /^[0-9a-f]{16}$/;

function run(dir: string, args: string[]) {
  return spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
}
const cli = (dir: string, ...args: string[]) => run(dir, ['bin/krate-policy.mjs', ...args]);
const builds = (dir: string): string[] =>
  readdirSync(join(dir, '.build'))
    .filter((n) => HASH.test(n))
    .sort();

/** Replaces `from` (a regular expression or text that must occur) in a file of the copy. */
function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(from, to);
  expect(next).not.toBe(text);
  writeFileSync(path, next);
}

describe('content-keyed build', () => {
  let dir: string;
  beforeEach(() => (dir = copyRepo('krate-build-')));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every command on the current sources when a command file changes, without a manual build', () => {
    expect(cli(dir, 'tools').stdout).toMatch(/^helm {5}v/m);
    edit(dir, 'cli/commands/tools.ts', '`helm     ${helm}', '`HELM (edited)  ${helm}');
    const r = cli(dir, 'tools');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^HELM \(edited\) {2}v/m);
  });

  it('keeps synth on the current environment data when an environment file changes', () => {
    expect(cli(dir, 'synth', '--out', join(dir, 'before')).status).toBe(0);
    // The platform org is named twice: the environment's org and its entry among the orgs.
    edit(dir, 'environments/dev.ts', /org: '[^']+'/, "org: 'freshorg'");
    edit(dir, 'environments/dev.ts', 'orgs: ORGS,', "orgs: ORGS.map((o) => (o.slug === 'a5c' ? { ...o, slug: 'freshorg' } : o)),");
    const r = cli(dir, 'synth', '--out', join(dir, 'after'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const after = [...readTree(join(dir, 'after')).values()].join('\n');
    expect(after).toContain('krate-freshorg-');
    expect([...readTree(join(dir, 'before')).values()].join('\n')).not.toContain('krate-freshorg-');
  });

  it('keeps the npm scripts and the stable .build/ entry points on the current sources', () => {
    expect(run(dir, ['scripts/build.mjs']).status).toBe(0);
    edit(dir, 'cli/commands/tools.ts', '`helm     ${helm}', '`HELM (edited)  ${helm}');
    // Callers that predate hashed builds (and `diff --base` of such a ref) run .build/cli/main.mjs.
    expect(run(dir, ['.build/cli/main.mjs', 'tools']).stdout).toMatch(/^HELM \(edited\)/m);
    const npm = spawnSync('npm', ['run', '--silent', 'tools'], { cwd: dir, encoding: 'utf8' });
    expect(npm.stdout).toMatch(/^HELM \(edited\)/m);
  });

  it('fails when a source does not parse, naming file:line:col without a stack trace, and works again once fixed', () => {
    expect(cli(dir, '--version').status).toBe(0);
    const before = builds(dir);
    const file = join(dir, 'cli', 'commands', 'tools.ts');
    const good = readFileSync(file, 'utf8');
    const lines = good.split('\n');
    const line = lines.findIndex((l) => l.includes('async run()'));
    lines[line] = lines[line].replace('async run() {', 'async run() {{ const = ;');
    writeFileSync(file, lines.join('\n'));

    for (const r of [cli(dir, 'tools'), cli(dir, '--help'), run(dir, ['scripts/build.mjs'])]) {
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^error: cli/commands/tools\\.ts:${line + 1}:\\d+: `, 'm'));
      expect(r.stderr).toContain('the sources do not build (1 error(s)); fix the file(s) above and rerun.');
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stdout).toBe('');
    }
    expect(builds(dir)).toEqual(before);

    writeFileSync(file, good);
    const fixed = cli(dir, 'tools');
    expect(fixed.stderr).toBe('');
    expect(fixed.status).toBe(0);
    // The fixed sources are the ones built before: that build is reused, not rebuilt.
    expect(builds(dir)).toEqual(before);
  });

  it('keeps one build when commands race on fresh sources', async () => {
    const results = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
            const child = spawn(process.execPath, ['bin/krate-policy.mjs', '--version'], { cwd: dir });
            let out = '';
            let err = '';
            child.stdout.on('data', (d) => (out += d));
            child.stderr.on('data', (d) => (err += d));
            child.on('close', (code) => resolve({ code, out, err }));
          }),
      ),
    );
    for (const r of results)
      expect(r).toEqual({ code: 0, out: `${JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version}\n`, err: '' });
    expect(builds(dir)).toHaveLength(1);
    expect(readdirSync(join(dir, '.build')).filter((n) => n.startsWith('tmp-'))).toEqual([]);
  });

  it('keeps a few recent builds and removes older ones, interrupted builds and the pre-hash layout', () => {
    // What an interrupted build and the previous layout (one bundle straight in .build/) leave behind.
    mkdirSync(join(dir, '.build', 'tmp-0123456789abcdef-1-x', 'cli'), { recursive: true });
    const old = new Date(Date.now() - 3600_000);
    utimesSync(join(dir, '.build', 'tmp-0123456789abcdef-1-x'), old, old);
    writeFileSync(join(dir, '.build', 'chunk-OLD.mjs'), '');
    mkdirSync(join(dir, '.build', 'cli'));
    writeFileSync(join(dir, '.build', 'cli', 'main.mjs'), "console.log('stale bundle');\n");
    writeFileSync(join(dir, '.build', 'cli', 'main.mjs.map'), '{}');

    for (let i = 0; i < 7; i++) {
      writeFileSync(join(dir, 'lib', 'build-probe.ts'), `export const probe = ${i};\n`);
      expect(run(dir, ['scripts/build.mjs']).status).toBe(0);
    }
    expect(builds(dir).length).toBe(5);
    expect(readdirSync(join(dir, '.build')).sort()).toEqual([...builds(dir), 'cli', 'main.mjs', 'test'].sort());
    expect(readdirSync(join(dir, '.build', 'cli'))).toEqual(['main.mjs']);
    expect(run(dir, ['.build/cli/main.mjs', '--version']).stdout).not.toContain('stale bundle');
  });

  it('fails when the bundle reaches a file the build key does not cover', () => {
    writeFileSync(join(dir, 'lib', 'data.json'), '{"x": 1}\n');
    writeFileSync(
      join(dir, 'cli', 'commands', 'tools.ts'),
      `import data from '../../lib/data.json';\n${readFileSync(join(dir, 'cli', 'commands', 'tools.ts'), 'utf8')}\nexport const unused = data;\n`,
    );
    const r = cli(dir, 'tools');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      'error: lib/data.json: bundled but not part of the build key (add it to SOURCES in scripts/build.mjs, or import a .ts file)',
    );
    expect(existsSync(join(dir, '.build'))).toBe(true);
  });
});

// The README and the chart's docs say what the code does: checked here so they cannot drift.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { configReference } from '../../config/reference';
import { join } from 'node:path';
import { helm } from '../../lib/helm';
import { CHARTS_DIR, REPO_ROOT } from '../../lib/paths';

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const CHART = join(CHARTS_DIR, 'krate-kyverno');

describe('README.md', () => {
  it('holds the configuration reference generated from the config specs', () => {
    const [start, end] = ['<!-- config-reference:start -->\n', '\n<!-- config-reference:end -->'];
    const current = README.slice(README.indexOf(start) + start.length, README.indexOf(end));
    // Regenerating on request is a test-time convenience; synth never writes the README.
    if (process.env.UPDATE_README === '1') writeFileSync(join(REPO_ROOT, 'README.md'), README.replace(current, configReference()));
    else expect(current).toBe(configReference());
  });

  it('lists each command once, in one unbroken table', () => {
    const lines = README.split('\n');
    const start = lines.findIndex((l) => l.startsWith('| command | what it does |'));
    const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
    const rows = lines.slice(start + 2, end).map((l) => l.split('|')[1].trim());
    expect(rows.length).toBeGreaterThan(2);
    expect(rows.filter((r, i) => rows.indexOf(r) !== i)).toEqual([]);
    // Anything table-like after the break means a blank line split the table.
    expect(lines[end + 1]?.startsWith('| `')).toBe(false);
    expect(rows.filter((r) => r.includes('npm run bench'))).toHaveLength(1);
  });

  it('lists every command `krate-policy --help` lists', () => {
    const help = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'krate-policy.mjs'), '--help'], { encoding: 'utf8' }).stdout;
    const commands = [...help.matchAll(/^ {2}(\S+(?: \S+)?)\s{2,}/gm)].map((m) => m[1]);
    expect(commands.length).toBeGreaterThan(5);
    for (const c of commands) expect([c, README.includes(`npx krate-policy ${c}`)]).toEqual([c, true]);
  });

  it('quotes the bad-input message scan really prints', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'krate-policy.mjs'), 'scan', '-'], { input: 'a: [\n', encoding: 'utf8' });
    expect(r.status).toBe(2);
    const printed = /(-: document \d+: YAML error: )/.exec(r.stderr)![1];
    expect(README).toContain(`\`${printed}…\``);
  });
});

describe('charts/krate-kyverno docs', () => {
  const notes = (mode: string): string => {
    // helm template does not render NOTES.txt; install --dry-run=client does, offline.
    const r = helm([
      'install',
      'krate-kyverno',
      CHART,
      '--dry-run=client',
      '--namespace',
      'krate-system',
      '--set',
      `externalDependencies.kyverno.mode=${mode}`,
    ]);
    expect(r.status).toBe(0);
    return r.stdout.slice(r.stdout.indexOf('NOTES:'));
  };

  it('NOTES for byo separate what the chart writes from what this repository syncs', () => {
    const byo = notes('byo');
    expect(byo).not.toContain('writes no policies or PolicyExceptions (switch to managed for that)');
    expect(byo).toContain("this chart and Krate's controllers write no Kyverno policies or PolicyExceptions");
    expect(byo).toContain('policyNamespace');
  });

  it('values.yaml and the schema agree with validation: managed policy bindings are managed-only, and mode alone installs Kyverno', () => {
    const values = readFileSync(join(CHART, 'values.yaml'), 'utf8');
    expect(values).not.toContain('byo or managed');
    expect(values).toContain('managed mode only');
    expect(values).toContain('`mode: managed` alone installs Kyverno');
  });
});

describe('README.md options', () => {
  it('names every option of every command (from each command’s --help)', () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'krate-policy.mjs'), ...args], { encoding: 'utf8' }).stdout;
    const commands = [...cli('--help').matchAll(/^ {2}(\S+(?: \S+)?)\s{2,}/gm)].map((m) => m[1]);
    const missing = commands.flatMap((c) =>
      [...new Set(cli(...c.split(' '), '--help').match(/--[a-z][a-z-]*/g) ?? [])]
        .filter((f) => !README.includes(f))
        .map((f) => `${c} ${f}`),
    );
    expect(missing).toEqual([]);
  });
});

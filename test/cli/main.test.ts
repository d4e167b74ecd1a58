import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/paths';

/** Runs the built CLI the way users do (`npx krate-policy …` resolves to bin/krate-policy.mjs). */
function cli(...args: string[]) {
  return spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'krate-policy.mjs'), ...args], { encoding: 'utf8' });
}

describe('krate-policy', () => {
  it('--help lists the commands', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('usage: krate-policy <command> [options]');
    for (const c of ['synth', 'validate', 'tools']) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
  });

  it('tools prints the project-local helm and kubectl versions', () => {
    const r = cli('tools');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^helm\s+v4\.\d+\.\d+/m);
    expect(r.stdout).toMatch(/^kubectl\s+v1\.35\.\d+/m);
  });

  it('fails when the command is unknown, with exit code 2 and the command list', () => {
    const r = cli('synthesize');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error: 'synthesize' is not a krate-policy command");
    expect(r.stderr).toContain('commands:');
  });

  it.each([['--version'], ['-V']])('%s prints the package version', (flag) => {
    const r = cli(flag);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version}\n`);
  });

  it.each(['synth', 'rollout check'])('help %s prints what `%s --help` prints', (command) => {
    const help = cli('help', ...command.split(' '));
    expect(help.status).toBe(0);
    expect(help.stdout).toContain(`usage: krate-policy ${command}`);
    expect(help.stdout).toBe(cli(...command.split(' '), '--help').stdout);
  });

  it.each([
    [['rollout', 'chek'], "error: 'rollout chek' is not a krate-policy command (did you mean 'rollout check'?)"],
    [['rolout', 'check', '--base', 'main'], "error: 'rolout check' is not a krate-policy command (did you mean 'rollout check'?)"],
    [['stauts'], "error: 'stauts' is not a krate-policy command (did you mean 'status'?)"],
    [['help', 'promot'], "error: 'promot' is not a krate-policy command (did you mean 'promote'?)"],
  ])('fails when the command is a typo (%j), suggesting the closest one', (args, message) => {
    const r = cli(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('fails when a command group is given without its subcommand, listing them', () => {
    const r = cli('rollout');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error: 'rollout' needs a subcommand: 'rollout check' (see `krate-policy help rollout check`)");
  });

  it('fails when an option is a typo, suggesting the closest one', () => {
    const r = cli('scan', '--ouput', 'json', '-');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error: --ouput: unknown option (did you mean --output?)');
    expect(r.stderr).toContain('usage: krate-policy scan ');
  });

  it('fails when a single-value option is given twice, naming it (never "last wins")', () => {
    const r = cli('status', '--today', '2026-01-01', '--today=2026-02-01');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error: --today: given twice ('2026-01-01', then '2026-02-01'); give it once");
  });

  it('accepts --debug anywhere without passing it to the command', () => {
    const r = cli('--debug', 'synth', '--help', '--debug');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('usage: krate-policy synth');
  });

  it('fails when an option is unknown, naming it and the usage', () => {
    const r = cli('synth', '--outdir', '/tmp/x');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error: --outdir: unknown option');
    expect(r.stderr).toContain('usage: krate-policy synth [--out <dir>]');
  });

  it.each(['diff', 'rollout check'])('fails when %s has no --base, with an example and the usage', (command) => {
    const r = cli(...command.split(' '));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error: --base: required (e.g. --base origin/main)');
    expect(r.stderr).toContain(`usage: krate-policy ${command} --base <git-ref>`);
  });

  it("validate knows this repository's own kinds without their CRDs in the input", () => {
    const r = cli('validate', join(REPO_ROOT, 'test', 'cli', 'fixtures', 'bad-policybinding.yaml'));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("bad-policybinding.yaml: PolicyBinding/shop/shop-labels: spec: unknown field 'modee'");
    expect(r.stdout).not.toContain('no schema known');
  });

  it('validate checks Kyverno objects with the generated validators in imports/kyverno (as node loads them)', () => {
    const r = cli('validate', join(REPO_ROOT, 'test', 'cli', 'fixtures', 'bad-validatingpolicy.yaml'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      "bad-validatingpolicy.yaml: ValidatingPolicy/require-labels: spec.validations[0].mesage: unknown field (misspelled, or not part of this kind's schema)",
    );
  });

  it('fails when a kind has a group or version no schema package exports, as "no schema known" (not an internal error)', () => {
    const r = cli('validate', join(REPO_ROOT, 'test', 'cli', 'fixtures', 'unexported-kinds.yaml'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    for (const k of ['foo/v1 Bar', 'apps/v9 Deployment', 'argoproj.io/v1 Application'])
      expect(r.stdout).toContain(`no schema known for ${k}`);
  });

  it('validate exits 1 and names file, object and field on a schema finding', () => {
    const r = cli('validate', join(REPO_ROOT, 'test', 'cli', 'fixtures', 'bad-configmap.yaml'));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('bad-configmap.yaml: ConfigMap/shop/settings: data.retries: must be string');
  });
});

// `krate-policy test` end to end through the built CLI: output formats, exit codes, messages.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../lib/paths';

const FIXTURES = join(__dirname, 'fixtures');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'krate-policy.mjs'), 'test', ...args], { encoding: 'utf8', cwd: REPO_ROOT });

describe('krate-policy test', () => {
  it('prints one line per suite and ends with the summary; exit 0 when every result holds', () => {
    const r = cli(join(FIXTURES, 'suites'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('PASS  '))).toHaveLength(10);
    expect(lines.at(-1)).toMatch(/^\d+ passed, 0 failed$/);
    expect(lines).toContain('PASS  test/analysis/kyverno-test/fixtures/suites/autogen/kyverno-test.yaml  (autogen): 11 passed, 0 failed');
  });

  it('exits 1 and lists every mismatch with policy, resource, expected and actual', () => {
    const r = cli(join(FIXTURES, 'mismatch'));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('FAIL  test/analysis/kyverno-test/fixtures/mismatch/kyverno-test.yaml  (mismatches): 2 passed, 6 failed');
    expect(r.stdout).toContain('  ✗ policy deployments-only, resource Pod/team-b/untagged: expected pass, got fail: images need a tag');
    expect(r.stdout.trim().split('\n').at(-1)).toBe('2 passed, 6 failed');
  });

  it('--output json prints a document on stdout and the summary on stderr', () => {
    const r = cli('--output', 'json', join(FIXTURES, 'mismatch'));
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect({ passed: doc.passed, failed: doc.failed }).toEqual({ passed: 2, failed: 6 });
    expect(doc.suites[0].rows[0]).toEqual({
      policy: 'deployments-only',
      resource: 'Pod/team-b/untagged',
      expected: 'pass',
      actual: 'fail',
      passed: false,
      message: 'images need a tag',
    });
    expect(r.stderr.trim()).toBe('2 passed, 6 failed');
  });

  it('--output junit prints JUnit XML with one failure per mismatch', () => {
    const r = cli('--output=junit', join(FIXTURES, 'mismatch'));
    expect(r.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="krate-policy test" tests="8" failures="6">/);
    expect(r.stdout.match(/<failure /g)).toHaveLength(6);
    expect(r.stdout).toContain('<failure message="expected pass, got fail">images need a tag</failure>');
  });

  it('fails when no kyverno-test.yaml is found, with exit 2 and no stack trace', () => {
    const r = cli(join(FIXTURES, 'bad', 'empty-folder'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`error: no kyverno-test.yaml found in ${join(FIXTURES, 'bad', 'empty-folder')}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it.each(['yaml-error', 'missing-file', 'not-a-test', 'bad-result', 'deprecated', 'not-a-policy'])(
    'fails when the input is bad (%s): exit 2, the problem named, no stack trace',
    (name) => {
      const r = cli(join(FIXTURES, 'bad', name));
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error: test\/analysis\/kyverno-test\/fixtures\//);
      expect(r.stderr).toMatch(/\d+ problem\(s\); nothing was written\.\n$/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
  );

  it('fails when no path or an unknown output is given', () => {
    expect(cli().stderr).toContain(
      'error: no input: name kyverno-test.yaml files or folders that contain them\nusage: krate-policy test [--output table|json|junit] <file|dir>...',
    );
    const r = cli('--output', 'yaml', FIXTURES);
    expect([r.status, r.stderr.split('\n')[0]]).toEqual([2, "error: --output: 'yaml' is not one of table|json|junit"]);
  });
});

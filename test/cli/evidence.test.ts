// evidence add → promote / rollout check in a throwaway fixture repository: refused until dev's audit
// evidence covers the window and is clean, then allowed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/paths';
import { reportExport, syntheticResults } from '../support/evidence';
import { fixtureRepo, git as gitIn } from '../support/fixture-repo';

const CLI = join(REPO_ROOT, '.build', 'cli', 'main.mjs');
const TEMPLATE = 'require-resource-limits';
let repo: string;
const git = (...args: string[]): string => gitIn(repo, ...args);
const rolloutFile = () => join(repo, 'environments', 'rollout.ts');

function cli(...args: string[]): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/** An export of dev's reports with `failing` failing results of the template (and other templates passing). */
function writeExport(name: string, failing: number): string {
  const file = join(repo, name);
  writeFileSync(file, reportExport(syntheticResults({ [TEMPLATE]: failing }, [TEMPLATE, 'require-labels'])));
  return file;
}

const add = (date: string, failing: number) =>
  cli('evidence', 'add', '--repo', repo, '--env', 'dev', '--date', date, writeExport(`${date}.yaml`, failing));
const promote = () => cli('promote', TEMPLATE, '--repo', repo, '--today', '2026-11-22');

beforeAll(() => {
  repo = fixtureRepo({ evidence: [] });
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('evidence add → promote', () => {
  it('refuses to enter enforce while dev has recorded no evidence, and changes nothing', () => {
    const before = readFileSync(rolloutFile(), 'utf8');
    const r = promote();
    expect(r.status).toBe(1);
    expect(r.err).toContain(
      `promote: refused: ${TEMPLATE}: audit:prod → enforce:dev: audit evidence from dev (evidence/dev/, window 2026-11-08…2026-11-22, 14 days) does not meet promotion.evidence of environments/dev.ts: no snapshot has seen it; record snapshots with npx krate-policy evidence add --env dev <reports.yaml> [rule: evidence]`,
    );
    expect(readFileSync(rolloutFile(), 'utf8')).toBe(before);
  });

  it('records a snapshot per day under evidence/<env>/<date>.json', () => {
    const r = add('2026-11-08', 2);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(r.out).toContain(
      'evidence add: evidence/dev/2026-11-08.json: 4 report(s), 6 result(s), 2 template(s) seen, 2 failing result(s); 0 result(s) of other policies',
    );
    const snapshot = JSON.parse(readFileSync(join(repo, 'evidence/dev/2026-11-08.json'), 'utf8'));
    expect(snapshot.templates[TEMPLATE].results).toEqual({ pass: 2, fail: 2, warn: 0, error: 0, skip: 0 });
    expect(snapshot.templates[TEMPLATE].failing).toEqual([
      { namespace: 'shop', results: 2, resources: ['Deployment shop/bad-0', 'Deployment shop/bad-1'], moreResources: 0 },
    ]);
    expect(add('2026-11-15', 1).status).toBe(0);
  });

  it('refuses while the window holds too few snapshots, naming dates and counts', () => {
    const r = promote();
    expect(r.status).toBe(1);
    expect(r.err).toContain('2 snapshot(s) in the window, at least 3 required;');
    expect(r.err).toContain('failing per snapshot: 2026-11-08 2, 2026-11-15 1;');
  });

  it('refuses while the latest snapshot still fails', () => {
    expect(add('2026-11-22', 1).status).toBe(0);
    const r = promote();
    expect(r.status).toBe(1);
    expect(r.err).toContain(
      'latest snapshot 2026-11-22: 1 failing result(s), at most 0 allowed; failing per snapshot: 2026-11-08 2, 2026-11-15 1, 2026-11-22 1',
    );
  });

  it('rollout check refuses the same step made by hand', () => {
    const text = readFileSync(rolloutFile(), 'utf8');
    writeFileSync(
      rolloutFile(),
      text.replace(
        `'${TEMPLATE}': { stage: 'audit:prod', since: '2026-11-05' }`,
        `'${TEMPLATE}': { stage: 'enforce:dev', since: '2026-11-22' }`,
      ),
    );
    const r = cli('rollout', 'check', '--repo', repo, '--base', 'HEAD', '--today', '2026-11-22');
    git('checkout', '--', 'environments');
    expect(r.status).toBe(1);
    expect(r.out).toContain(`error: ${TEMPLATE}: audit:prod → enforce:dev: audit evidence from dev`);
    expect(r.out).toContain('latest snapshot 2026-11-22: 1 failing result(s), at most 0 allowed');
  });

  it('replaces a re-added date, and then allows the promotion', () => {
    const r = add('2026-11-22', 0);
    expect(r.status).toBe(0);
    expect(r.out).toContain('evidence/dev/2026-11-22.json (replaced)');
    expect(JSON.parse(readFileSync(join(repo, 'evidence/dev/2026-11-22.json'), 'utf8')).templates[TEMPLATE].results.fail).toBe(0);
    const p = promote();
    expect(p.err).toBe('');
    expect(p.status).toBe(0);
    expect(p.out).toContain('promote: note: entering enforce:dev on the audit evidence in evidence/dev/');
    expect(p.out).toContain(`promote: ${TEMPLATE}: audit:prod → enforce:dev since 2026-11-22`);
    expect(cli('rollout', 'check', '--repo', repo, '--base', 'HEAD', '--today', '2026-11-22').status).toBe(0);
    git('checkout', '--', 'environments');
  });

  it('--reports still refuses on a failing export even when the evidence allows it', () => {
    const r = cli('promote', TEMPLATE, '--repo', repo, '--today', '2026-11-22', '--reports', writeExport('today.yaml', 3));
    expect(r.status).toBe(1);
    expect(r.err).toContain("3 failing result(s) in dev's reports (at most 0 allowed");
  });
});

describe('evidence add input', () => {
  const fails = (args: string[], message: string) => {
    const r = cli('evidence', 'add', '--repo', repo, ...args);
    expect(r.status).toBe(2);
    expect(r.err).toContain(message);
  };

  it('fails when the environment is unknown', () => {
    fails(
      ['--env', 'qa', writeExport('x.yaml', 0)],
      "--env: 'qa' is not an environment of this repository (dev|staging|prod, the files in environments/)",
    );
    fails(
      ['--env', 'stagin', writeExport('x.yaml', 0)],
      "--env: 'stagin' is not an environment of this repository (did you mean 'staging'?) (dev|staging|prod, the files in environments/)",
    );
  });

  it('fails when one export is named twice (its results would count twice)', () => {
    const file = writeExport('twice.yaml', 0);
    fails(['--env', 'dev', file, `${file}`.replace(/twice\.yaml$/, './twice.yaml')], 'the same export as');
    fails(['--env', 'dev', file, file], `${file}: the same export as ${file}: its results would count twice; name each export once`);
  });

  it('fails when --env is missing', () => {
    fails([writeExport('x.yaml', 0)], '--env: required (e.g. --env staging)');
  });

  it('fails when the date is not a date', () => {
    fails(
      ['--env', 'dev', '--date', '2026-02-30', writeExport('x.yaml', 0)],
      "--date: '2026-02-30' is not a date like 2026-11-22 (YYYY-MM-DD)",
    );
  });

  it('fails when the date is in the future', () => {
    fails(['--env', 'dev', '--date', '2999-01-01', writeExport('x.yaml', 0)], '--date: 2999-01-01 is in the future');
  });

  it('fails when no export is named', () => {
    fails(['--env', 'dev'], 'evidence add: name at least one report export');
  });

  it('fails when the exports hold no report', () => {
    const file = join(repo, 'cm.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n');
    fails(
      ['--env', 'dev', '--date', '2026-11-23', file],
      `evidence add: ${file}: no PolicyReport, ClusterPolicyReport, Report or ClusterReport found`,
    );
    expect(existsSync(join(repo, 'evidence/dev/2026-11-23.json'))).toBe(false);
  });

  it('fails when an export is not YAML', () => {
    const file = join(repo, 'broken.yaml');
    writeFileSync(file, 'items: [\n');
    fails(['--env', 'dev', '--date', '2026-11-23', file], `${file}: document 0: YAML error`);
  });

  it('fails when an export is a directory or missing', () => {
    fails(['--env', 'dev', repo], `${repo}: cannot read: is a directory; name the export files`);
    fails(['--env', 'dev', join(repo, 'nope.yaml')], `${join(repo, 'nope.yaml')}: cannot read: ENOENT`);
  });

  it('fails when the snapshot path holds something it did not write, and leaves it alone', () => {
    mkdirSync(join(repo, 'evidence/dev'), { recursive: true });
    writeFileSync(join(repo, 'evidence/dev/2026-11-24.json'), '{"mine": true}\n');
    fails(
      ['--env', 'dev', '--date', '2026-11-24', writeExport('x.yaml', 0)],
      'evidence/dev/2026-11-24.json: exists and is not a snapshot evidence add wrote, so it is not replaced',
    );
    expect(readFileSync(join(repo, 'evidence/dev/2026-11-24.json'), 'utf8')).toBe('{"mine": true}\n');
    mkdirSync(join(repo, 'evidence/dev/2026-11-25.json'));
    fails(
      ['--env', 'dev', '--date', '2026-11-25', writeExport('x.yaml', 0)],
      'evidence/dev/2026-11-25.json: is a directory, not a snapshot',
    );
  });

  it('fails when evidence/ holds a file that is no snapshot, for every command that reads it', () => {
    // Left behind by the previous test: evidence/dev/2026-11-24.json is not a snapshot.
    const r = cli('status', '--repo', repo, '--today', '2026-11-22');
    expect(r.status).toBe(2);
    expect(r.err).toContain('evidence/dev/2026-11-24.json.format: missing: the file format');
    rmSync(join(repo, 'evidence/dev/2026-11-24.json'));
    rmSync(join(repo, 'evidence/dev/2026-11-25.json'), { recursive: true });
    writeFileSync(join(repo, 'evidence/dev/notes.txt'), 'hello\n');
    const p = promote();
    expect(p.status).toBe(2);
    expect(p.err).toContain('evidence/dev/notes.txt: not a snapshot: evidence files are named <YYYY-MM-DD>.json');
    rmSync(join(repo, 'evidence/dev/notes.txt'));
    mkdirSync(join(repo, 'evidence/qa'));
    expect(cli('status', '--repo', repo).err).toContain("evidence/qa: not an environment's evidence folder");
    rmSync(join(repo, 'evidence/qa'), { recursive: true });
    expect(cli('status', '--repo', repo, '--today', '2026-11-22').status).toBe(0);
  });
});

// `krate-policy scan` as a CI gate, run as CI runs it: SARIF checked by the SARIF 2.1.0 schema
// (@microsoft/jest-sarif), JUnit by a real XML parser, GitHub annotations against the real lines,
// --fail-on, baselines, --changed in a real git repository, --helm and --kustomize with the
// project's own helm and kubectl.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toBeValidSarifLog } from '@microsoft/jest-sarif';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Log } from 'sarif';
import { parse } from 'yaml';
import { helm } from '../../lib/helm';
import { REPO_ROOT } from '../../lib/paths';

const FIXTURES = join(__dirname, 'fixtures', 'scan');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scan-ci-'));
  cpSync(FIXTURES, dir, { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[], cwd = dir) =>
  spawnSync(process.execPath, [join(REPO_ROOT, '.build', 'cli', 'main.mjs'), 'scan', ...args], { encoding: 'utf8', cwd });

/** The SARIF 2.1.0 JSON schema (draft-04) that @microsoft/jest-sarif ships, compiled by the project's ajv 8. */
const SARIF_SCHEMA = join(REPO_ROOT, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
// The schema's patterns are plain ECMAScript regular expressions (one is not valid in unicode mode).
const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validateSarif = ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA, 'utf8')));

/**
 * Problems two validators find, '' when none: ajv 8 with the SARIF 2.1.0 schema, and the published
 * SARIF validator's own matcher (@microsoft/jest-sarif).
 */
const sarifProblems = (log: unknown): string => {
  const problems = validateSarif(log) ? [] : [ajv.errorsText(validateSarif.errors)];
  const r = (toBeValidSarifLog as unknown as (received: unknown) => { pass: boolean; message: () => string })(log);
  if (!r.pass) problems.push(r.message());
  return problems.join('\n');
};

const xml = new XMLParser({
  htmlEntities: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
});

interface JUnitCase {
  name: string;
  classname: string;
  file: string;
  line: string;
  failure?: { message: string; '#text': string };
  error?: { message: string };
  skipped?: { message: string };
  properties?: { property: Array<{ name: string; value: string }> };
}
interface JUnitSuite {
  name: string;
  tests: string;
  failures: string;
  errors: string;
  skipped: string;
  testcase: JUnitCase[];
}

/** The document of `file` that starts at `line` (up to the next `---`), parsed. */
const documentAt = (file: string, line: number): { kind: string; metadata: { name: string } } => {
  const lines = readFileSync(join(dir, file), 'utf8').split('\n');
  const end = lines.findIndex((l, i) => i >= line && l.startsWith('---'));
  return parse(lines.slice(line - 1, end < 0 ? undefined : end).join('\n'));
};

describe('scan --output sarif', () => {
  let log: Log;
  beforeAll(() => {
    const r = cli(
      ['--all-templates', '--policy', 'policy.yaml', '--output', 'sarif=out/results.sarif', '--output', 'table', 'manifests.yaml'].slice(0),
      dir,
    );
    expect(r.stderr).toContain('folder out does not exist');
    mkdirSync(join(dir, 'out'), { recursive: true });
    const ok = cli([
      '--all-templates',
      '--policy',
      'policy.yaml',
      '--output',
      'sarif=out/results.sarif',
      '--output',
      'table',
      'manifests.yaml',
    ]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^scan \(all templates in audit, \d+ policies; --policy: 1 policy\)/m);
    log = JSON.parse(readFileSync(join(dir, 'out', 'results.sarif'), 'utf8'));
  });

  it('is valid SARIF 2.1.0 by the published schema (which does refuse a broken log)', () => {
    expect(sarifProblems(log)).toBe('');
    expect(sarifProblems({ ...log, version: '2.0.0' })).toMatch(/version/);
    expect(sarifProblems({ ...log, runs: [{ ...log.runs[0], results: [{ message: {} }] }] })).not.toBe('');
    const region = { ...log.runs[0].results![0].locations![0].physicalLocation!, region: { startLine: 0 } };
    expect(
      sarifProblems({
        ...log,
        runs: [{ ...log.runs[0], results: [{ ...log.runs[0].results![0], locations: [{ physicalLocation: region }] }] }],
      }),
    ).toMatch(/startLine|minimum/);
  });

  it('has one rule per template with title, description, level, security-severity and the remediation as help', () => {
    const rules = log.runs[0].tool.driver.rules!;
    expect(rules.map((r) => r.id)).toEqual([...new Set(rules.map((r) => r.id))].sort());
    const latest = rules.find((r) => r.id === 'disallow-latest-tag')!;
    expect(latest.shortDescription?.text).toBe('Disallow the latest tag');
    expect(latest.fullDescription?.text).toMatch(/tag/);
    expect(latest.help?.text).toMatch(/^Pin/);
    expect(latest.defaultConfiguration?.level).toBe('warning');
    expect(latest.properties).toMatchObject({ 'security-severity': '5.5', severity: 'medium' });
    const mine = rules.find((r) => r.id === 'no-debug-configmaps')!;
    expect([mine.defaultConfiguration?.level, mine.properties?.['security-severity']]).toEqual(['error', '9.5']);
    const hostPath = rules.find((r) => r.id === 'disallow-host-path')!;
    expect([hostPath.defaultConfiguration?.level, hostPath.properties?.['security-severity']]).toEqual(['error', '8.0']);
  });

  it('locates each result at the file (relative URI) and the line where the offending document starts', () => {
    const results = log.runs[0].results!;
    expect(results.length).toBeGreaterThan(3);
    for (const r of results) {
      const loc = r.locations![0].physicalLocation!;
      expect(loc.artifactLocation!.uri).toBe('manifests.yaml');
      const doc = documentAt('manifests.yaml', loc.region!.startLine!);
      expect(r.message.text!.startsWith(`${doc.kind}/shop/${doc.metadata.name}: `)).toBe(true);
      expect(log.runs[0].tool.driver.rules![r.ruleIndex!].id).toBe(r.ruleId);
    }
    expect(results.find((r) => r.ruleId === 'disallow-latest-tag')!.locations![0].physicalLocation!.region!.startLine).toBe(13);
    expect(results.find((r) => r.ruleId === 'no-debug-configmaps')!.locations![0].physicalLocation!.region!.startLine).toBe(3);
  });

  it('keeps fingerprints when the document moves (lines change, fingerprints do not)', () => {
    const text = readFileSync(join(dir, 'manifests.yaml'), 'utf8');
    writeFileSync(join(dir, 'moved.yaml'), `# moved\n\n\n${text}`);
    const moved: Log = JSON.parse(cli(['--all-templates', '--policy', 'policy.yaml', '--output', 'sarif', 'moved.yaml']).stdout);
    const prints = (l: Log) => l.runs[0].results!.map((r) => `${r.ruleId} ${r.partialFingerprints!['krateFinding/v1']}`);
    expect(prints(moved)).toEqual(prints(log));
    expect(new Set(prints(log)).size).toBe(prints(log).length);
    expect(moved.runs[0].results![0].locations![0].physicalLocation!.region!.startLine).toBe(
      log.runs[0].results![0].locations![0].physicalLocation!.region!.startLine! + 3,
    );
  });
});

describe('scan --output junit', () => {
  it('is well-formed JUnit XML: a suite per template, a case per template × resource, failures carrying the message', () => {
    const r = cli(['--all-templates', '--policy', 'policy.yaml', '--output', 'junit', '--output', 'json=out.json', 'manifests.yaml']);
    expect(r.status).toBe(0);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    const doc = xml.parse(r.stdout) as { testsuites: { tests: string; failures: string; testsuite: JUnitSuite[] } };
    const json = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as {
      results: Array<{ template: string; result: string; resource: { kind: string; name: string } }>;
    };
    const templates = [...new Set(json.results.map((x) => x.template))].sort();
    expect(doc.testsuites.testsuite.map((s) => s.name)).toEqual(templates);
    for (const suite of doc.testsuites.testsuite) {
      const resources = new Set(
        json.results.filter((x) => x.template === suite.name).map((x) => `${x.resource.kind}/shop/${x.resource.name}`),
      );
      expect(suite.testcase.map((c) => c.name).sort()).toEqual([...resources].sort());
      expect(Number(suite.tests)).toBe(suite.testcase.length);
      expect(Number(suite.failures)).toBe(suite.testcase.filter((c) => c.failure).length);
    }
    const failing = json.results.filter((x) => x.result === 'fail').length;
    expect(Number(doc.testsuites.failures)).toBe(failing);
    const mine = doc.testsuites.testsuite.find((s) => s.name === 'no-debug-configmaps')!.testcase[0];
    // The parser reads the escaped message back exactly.
    expect(mine.failure!.message).toBe('retries set: 100% <sure> & "quoted", a: b\nsecond line');
    expect(mine.failure!['#text']).toContain(
      'manifests.yaml:3\nno-debug-configmaps (audit): retries set: 100% <sure> & "quoted", a: b\nsecond line',
    );
    expect([mine.file, mine.line]).toEqual(['manifests.yaml', '3']);
  });
});

describe('scan --output github', () => {
  it('annotates the first line of the offending document, escaped as workflow commands require', () => {
    const r = cli(['--all-templates', '--policy', 'policy.yaml', '--output', 'github', 'manifests.yaml']);
    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(annotations.length).toBeGreaterThan(3);
    for (const a of annotations) {
      const m = /^::(warning|error|notice) file=([^,]+),line=(\d+),title=([^:]+)::(\S+?): /.exec(a)!;
      expect(m).not.toBeNull();
      const [kind, , name] = m[5].split('/');
      const doc = documentAt(m[2], Number(m[3]));
      expect(`${doc.kind}/${doc.metadata.name}`).toBe(`${kind}/${name}`);
    }
    expect(annotations).toContain(
      '::warning file=manifests.yaml,line=3,title=No debug%3A ConfigMaps%2C please (no-debug-configmaps)::ConfigMap/shop/settings: retries set: 100%25 <sure> & "quoted", a: b%0Asecond line',
    );
    expect(r.stdout.trimEnd().split('\n').pop()).toMatch(/^scan \(all templates in audit/);
  });

  it('marks what fails the gate as error and the rest as warning', () => {
    const r = cli(['--all-templates', '--fail-on', 'high', '--output', 'github', 'manifests.yaml']);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('::error');
    const strict = cli(['--all-templates', '--fail-on', 'medium', '--output', 'github', 'manifests.yaml']);
    expect(strict.status).toBe(1);
    expect(strict.stdout).toContain('::error file=manifests.yaml,line=13,title=Disallow the latest tag');
  });
});

describe('scan --fail-on', () => {
  it('exits 1 only when a failing result’s severity reaches the threshold', () => {
    // The Pod fails medium templates; your policy (critical) fails the ConfigMap.
    const codes = ['low', 'medium', 'high', 'critical'].map((s) => cli(['--all-templates', '--fail-on', s, 'manifests.yaml']).status);
    expect(codes).toEqual([1, 1, 0, 0]);
    const mine = ['high', 'critical'].map((s) => cli(['--policy', 'policy.yaml', '--fail-on', s, 'manifests.yaml']).status);
    expect(mine).toEqual([1, 1]);
    // Without --fail-on: today's rule, only enforce-mode failures (all templates are in audit).
    expect(cli(['--all-templates', 'manifests.yaml']).status).toBe(0);
  });

  it('reads the severity of a namespaced policy of yours (named namespace/name in results)', () => {
    writeFileSync(
      join(dir, 'namespaced.yaml'),
      readFileSync(join(dir, 'policy.yaml'), 'utf8')
        .replace('kind: ValidatingPolicy', 'kind: NamespacedValidatingPolicy')
        .replace('name: no-debug-configmaps', 'name: no-debug-configmaps\n  namespace: shop')
        .replace('severity: critical', 'severity: high'),
    );
    expect(cli(['--policy', 'namespaced.yaml', '--fail-on', 'critical', 'manifests.yaml']).status).toBe(0);
    const r = cli(['--policy', 'namespaced.yaml', '--fail-on', 'high', '--output', 'sarif', 'manifests.yaml']);
    expect(r.status).toBe(1);
    const log = JSON.parse(r.stdout) as Log;
    expect(log.runs[0].results![0].properties!.policy).toBe('shop/no-debug-configmaps');
    expect(log.runs[0].tool.driver.rules!.map((x) => [x.id, x.properties!['security-severity']])).toEqual([['no-debug-configmaps', '8.0']]);
  });

  it('fails when --fail-on is not a severity', () => {
    const r = cli(['--fail-on', 'severe', 'manifests.yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error: --fail-on: 'severe' is not one of low|medium|high|critical");
  });
});

describe('scan --baseline / --write-baseline', () => {
  it('accepts today’s findings: sorted baseline file, suppressed in every output, the gate passes', () => {
    const w = cli(['--all-templates', '--fail-on', 'low', '--write-baseline', 'baseline.json', 'manifests.yaml']);
    expect(w.status).toBe(0);
    expect(w.stderr).toMatch(/note: --write-baseline baseline.json: \d+ accepted findings written/);
    const text = readFileSync(join(dir, 'baseline.json'), 'utf8');
    const base = JSON.parse(text) as { version: number; findings: Array<Record<string, string>> };
    expect(base.version).toBe(1);
    expect(Object.keys(base.findings[0])).toEqual(['template', 'kind', 'namespace', 'name']);
    const keys = base.findings.map((f) => `${f.template}\0${f.kind}\0${f.namespace}\0${f.name}`);
    expect(keys).toEqual([...keys].sort());
    expect(text).not.toMatch(/line/);

    const args = ['--all-templates', '--fail-on', 'low', '--baseline', 'baseline.json'];
    const table = cli([
      ...args,
      '--output',
      'sarif=b.sarif',
      '--output',
      'junit=b.xml',
      '--output',
      'json=b.json',
      '--output',
      'policyreport=b-reports.yaml',
      'manifests.yaml',
    ]);
    expect(table.status).toBe(0);
    expect(table.stdout).toContain('FAIL  audit    krate-scan-cluster-disallow-latest-tag  Pod/shop/web');
    expect(table.stdout).toMatch(/Pod\/shop\/web .*\(manifests\.yaml:13\) {2}\[baselined\]/);
    expect(table.stdout).toMatch(/\d+ fail \(\d+ baselined\)/);
    const sarif = JSON.parse(readFileSync(join(dir, 'b.sarif'), 'utf8')) as Log;
    expect(sarifProblems(sarif)).toBe('');
    expect(sarif.runs[0].results!.every((r) => r.suppressions?.[0].status === 'accepted' && r.suppressions[0].kind === 'external')).toBe(
      true,
    );
    const junit = xml.parse(readFileSync(join(dir, 'b.xml'), 'utf8')) as { testsuites: { failures: string; skipped: string } };
    expect([junit.testsuites.failures, Number(junit.testsuites.skipped) > 0]).toEqual(['0', true]);
    const json = JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8')) as {
      results: Array<{ result: string; suppressed: boolean }>;
      baseline: { stale: unknown[] };
    };
    expect(json.results.filter((x) => x.result === 'fail').every((x) => x.suppressed)).toBe(true);
    expect(json.baseline.stale).toEqual([]);
    expect(readFileSync(join(dir, 'b-reports.yaml'), 'utf8')).toContain('suppressed: baseline');

    // The same findings from another order of documents: the same bytes.
    const docs = readFileSync(join(dir, 'manifests.yaml'), 'utf8').split('\n---\n');
    writeFileSync(join(dir, 'reordered.yaml'), [...docs].reverse().join('\n---\n'));
    cli(['--all-templates', '--write-baseline', 'again.json', 'reordered.yaml']);
    expect(readFileSync(join(dir, 'again.json'), 'utf8')).toBe(text);
  });

  it('reports stale entries and fails on findings the baseline does not hold', () => {
    const base = JSON.parse(readFileSync(join(dir, 'baseline.json'), 'utf8')) as { findings: Array<Record<string, string>> };
    const stale = { template: 'require-labels', kind: 'Pod', namespace: 'shop', name: 'gone' };
    const kept = base.findings.filter((f) => f.template !== 'disallow-latest-tag');
    writeFileSync(join(dir, 'partial.json'), JSON.stringify({ version: 1, findings: [...kept, stale] }));
    const r = cli(['--all-templates', '--fail-on', 'low', '--baseline', 'partial.json', '--output', 'json', 'manifests.yaml']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'note: --baseline partial.json: 1 stale entry (fixed or gone; rewrite with --write-baseline): require-labels Pod/shop/gone',
    );
    const out = JSON.parse(r.stdout) as {
      baseline: { stale: unknown[] };
      results: Array<{ template: string; result: string; suppressed: boolean }>;
    };
    expect(out.baseline.stale).toEqual([stale]);
    expect(out.results.find((x) => x.template === 'disallow-latest-tag' && x.result === 'fail')!.suppressed).toBe(false);
    // Rewriting it, the note says the stale entry is dropped instead of asking for a rewrite.
    const rewrite = cli(['--all-templates', '--baseline', 'partial.json', '--write-baseline', 'rewritten.json', 'manifests.yaml']);
    expect(rewrite.stderr).toContain(
      'note: --baseline partial.json: 1 stale entry (fixed or gone; not in --write-baseline rewritten.json): require-labels Pod/shop/gone',
    );
  });

  it.each([
    ['not JSON', '{version: 1', 'error: --baseline bad.json: not JSON: '],
    ['not an object', '[]', 'error: --baseline bad.json: [] must be an object (rewrite it with scan --write-baseline bad.json)'],
    ['of another version', '{"version": 2, "findings": []}', 'error: --baseline bad.json: version: 2 must be a whole number from 1 to 1'],
    ['without findings', '{"version": 1}', 'error: --baseline bad.json: findings: missing: the accepted findings'],
    [
      'an entry lacks a field',
      '{"version": 1, "findings": [{"template": "t", "kind": "Pod", "namespace": ""}]}',
      'error: --baseline bad.json: findings[0].name: missing: the resource name',
    ],
    [
      'an entry has a line',
      '{"version": 1, "findings": [{"template": "t", "kind": "Pod", "namespace": "", "name": "p", "line": 3}]}',
      'error: --baseline bad.json: findings[0].line: unknown field; expected one of template|kind|namespace|name',
    ],
  ])('fails when the baseline is malformed (%s), naming the file and the problem (exit 2)', (_what, text, message) => {
    writeFileSync(join(dir, 'bad.json'), text);
    const r = cli(['--baseline', 'bad.json', 'manifests.yaml']);
    expect([r.status, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('fails when the baseline is a folder', () => {
    const r = cli(['--baseline', 'chart', 'manifests.yaml']);
    expect([r.status, r.stderr]).toEqual([2, expect.stringContaining('error: --baseline chart: is a folder; name the baseline file')]);
  });

  it('fails when the baseline file does not exist', () => {
    const r = cli(['--baseline', 'none.json', 'manifests.yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error: --baseline none.json: no such file (create it with scan --write-baseline none.json …)');
  });
});

describe('scan --output files', () => {
  it('fails when two outputs go to stdout, a format is unknown, or a file is a folder (nothing written)', () => {
    expect(cli(['--output', 'sarif', '--output', 'junit', 'manifests.yaml']).stderr).toContain(
      'error: --output: sarif and junit both go to stdout; send all but one to files (e.g. --output junit=report.junit)',
    );
    expect(cli(['--output', 'xml', 'manifests.yaml']).stderr).toContain(
      "error: --output: 'xml' is not one of table|json|policyreport|sarif|junit|github",
    );
    mkdirSync(join(dir, 'a-folder'), { recursive: true });
    const r = cli(['--output', 'sarif=a-folder', '--output', 'junit=never.xml', 'manifests.yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error: --output sarif=a-folder: a-folder is a folder; name a file in it or elsewhere');
    expect(existsSync(join(dir, 'never.xml'))).toBe(false);
    expect(cli(['--output', 'sarif=x.sarif', '--output', 'junit=./x.sarif', 'manifests.yaml']).stderr).toContain(
      'error: --output sarif=x.sarif and --output junit=./x.sarif: the same file; give each report its own file',
    );
    expect(cli(['--output', 'sarif=x.json', '--write-baseline', 'x.json', 'manifests.yaml']).stderr).toContain(
      'error: --write-baseline x.json and --output sarif=x.json: the same file; give each report its own file',
    );
    expect(existsSync(join(dir, 'x.sarif'))).toBe(false);
  });

  it('fails when any report file cannot be written, writing none of them', () => {
    const r = cli([
      '--output',
      'sarif=first.sarif',
      '--write-baseline',
      'first.json',
      '--output',
      'junit=no-folder/x.xml',
      'manifests.yaml',
    ]);
    expect([r.status, r.stderr]).toEqual([
      2,
      expect.stringContaining('error: --output junit=no-folder/x.xml: folder no-folder does not exist; create it first'),
    ]);
    expect([existsSync(join(dir, 'first.sarif')), existsSync(join(dir, 'first.json'))]).toEqual([false, false]);
  });

  it('fails when a report file is one of the scan’s inputs, which it leaves as it was', () => {
    const before = readFileSync(join(dir, 'manifests.yaml'), 'utf8');
    writeFileSync(join(dir, 'kept.json'), '{"version": 1, "findings": []}\n');
    const cases: Array<[string[], string]> = [
      [['--write-baseline', 'manifests.yaml', 'manifests.yaml'], '--write-baseline manifests.yaml: manifests.yaml'],
      [['--output', 'json=./manifests.yaml', 'manifests.yaml'], '--output json=./manifests.yaml: ./manifests.yaml'],
      [['--output', 'sarif=kept.json', '--baseline', 'kept.json', 'manifests.yaml'], '--output sarif=kept.json: kept.json'],
      [['--policy', 'policy.yaml', '--output', 'junit=policy.yaml', 'manifests.yaml'], '--output junit=policy.yaml: policy.yaml'],
      [
        ['--helm', 'chart', '--output', 'sarif=chart/templates/app.yaml'],
        '--output sarif=chart/templates/app.yaml: chart/templates/app.yaml',
      ],
      [['--helm', 'chart', '--output', 'json=chart/values.yaml'], '--output json=chart/values.yaml: chart/values.yaml'],
      [
        ['--kustomize', 'kustomize', '--write-baseline', 'kustomize/kustomization.yaml'],
        '--write-baseline kustomize/kustomization.yaml: kustomize/kustomization.yaml',
      ],
    ];
    for (const [args, where] of cases) {
      const r = cli(['--all-templates', ...args]);
      expect([r.status, r.stderr]).toEqual([
        2,
        expect.stringContaining(`error: ${where} is one of this scan's inputs; write the report to another file`),
      ]);
    }
    expect(readFileSync(join(dir, 'manifests.yaml'), 'utf8')).toBe(before);
    expect(readFileSync(join(dir, 'kept.json'), 'utf8')).toBe('{"version": 1, "findings": []}\n');
    // A report written into the chart folder before is no chart file: it may be rewritten.
    writeFileSync(join(dir, 'chart', 'results.sarif'), 'old');
    expect(cli(['--all-templates', '--helm', 'chart', '--output', 'sarif=chart/results.sarif']).status).toBe(0);
    rmSync(join(dir, 'chart', 'results.sarif'));
    // Rewriting the baseline it read is what --write-baseline is for.
    expect(cli(['--baseline', 'kept.json', '--write-baseline', 'kept.json', 'manifests.yaml']).status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'kept.json'), 'utf8')).findings.length).toBeGreaterThan(0);
  });

  it('writes into what is no regular file (a link to /dev/stdout) and keeps a link to a file, never replacing either', () => {
    // Renaming over /dev/stdout (or /dev/null) as root would replace the device; a link to it in the
    // test's folder shows the same without risking the machine's.
    symlinkSync('/dev/stdout', join(dir, 'to-stdout.xml'));
    writeFileSync(join(dir, 'real.sarif'), 'old');
    symlinkSync('real.sarif', join(dir, 'link.sarif'));
    // Through a pipe, as CI runs it (a spawned process's stdout is a socket, which /dev/stdout cannot open).
    const main = join(REPO_ROOT, '.build', 'cli', 'main.mjs');
    const r = spawnSync(
      'sh',
      ['-c', `"${process.execPath}" "${main}" scan --output junit=to-stdout.xml --output sarif=link.sarif manifests.yaml | cat`],
      {
        encoding: 'utf8',
        cwd: dir,
      },
    );
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true);
    expect([lstatSync(join(dir, 'to-stdout.xml')).isSymbolicLink(), lstatSync(join(dir, 'link.sarif')).isSymbolicLink()]).toEqual([
      true,
      true,
    ]);
    expect(sarifProblems(JSON.parse(readFileSync(join(dir, 'real.sarif'), 'utf8')))).toBe('');
  });

  it('fails when a report file names a folder by a trailing slash', () => {
    const r = cli(['--output', 'sarif=new-folder/', 'manifests.yaml']);
    expect([r.status, r.stderr]).toEqual([
      2,
      expect.stringContaining('error: --output sarif=new-folder/: new-folder/ names a folder (it ends in /); name a file'),
    ]);
  });

  it('writes atomically: the file is replaced whole and no temporary file is left', () => {
    writeFileSync(join(dir, 'report.xml'), 'old');
    expect(cli(['--output', 'junit=report.xml', 'manifests.yaml']).status).toBe(0);
    expect(XMLValidator.validate(readFileSync(join(dir, 'report.xml'), 'utf8'))).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('scan --changed', () => {
  let repo: string;
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout;
  };
  beforeAll(() => {
    repo = join(dir, 'repo');
    mkdirSync(join(repo, 'k8s'), { recursive: true });
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 't@example.com');
    git('config', 'user.name', 't');
    const pod = (name: string, image: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: shop}\nspec:\n  containers: [{name: c, image: "${image}"}]\n`;
    writeFileSync(join(repo, 'k8s', 'old.yaml'), pod('old', 'nginx:latest'));
    writeFileSync(join(repo, 'k8s', 'edited.yaml'), pod('edited', 'nginx:1.27'));
    writeFileSync(join(repo, 'k8s', 'namespace.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {tier: prod}}\n');
    writeFileSync(
      join(repo, 'prod-only.yaml'),
      [
        'apiVersion: policies.kyverno.io/v1',
        'kind: ValidatingPolicy',
        'metadata: {name: prod-pods-pinned}',
        'spec:',
        '  validationActions: [Deny]',
        '  matchConstraints:',
        "    resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: [CREATE], resources: [pods]}]",
        '    namespaceSelector: {matchLabels: {tier: prod}}',
        '  validations: [{expression: "object.spec.containers.all(c, !c.image.endsWith(\':latest\'))", message: pin it}]',
        '',
      ].join('\n'),
    );
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    writeFileSync(join(repo, 'k8s', 'edited.yaml'), pod('edited', 'nginx:latest'));
    writeFileSync(join(repo, 'k8s', 'added.yaml'), pod('added', 'nginx:latest'));
  });

  it('scans only the manifests added or modified since the ref (untracked ones too)', () => {
    const r = cli(['--all-templates', '--output', 'json', '--changed', 'main', 'k8s'], repo);
    expect(r.status).toBe(0);
    const names = new Set((JSON.parse(r.stdout) as { results: Array<{ resource: { name: string } }> }).results.map((x) => x.resource.name));
    expect([...names].sort()).toEqual(['added', 'edited']);
  });

  it('keeps the Namespaces of unchanged files for namespaceSelector, as a full scan sees them', () => {
    const r = cli(['--policy', 'prod-only.yaml', '--output', 'json', '--changed', 'main', 'k8s'], repo);
    expect(r.status).toBe(1);
    const results = (JSON.parse(r.stdout) as { results: Array<{ resource: { name: string }; result: string }> }).results;
    expect(results.map((x) => `${x.resource.name}:${x.result}`).sort()).toEqual(['added:fail', 'edited:fail']);
  });

  it('fails when --changed is given stdin, which git cannot compare', () => {
    const r = cli(['--changed', 'main', '-'], repo);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error: --changed main: - (stdin) has no file git could compare; name files or folders');
  });

  it('says so and exits 0 when no manifest changed, still writing the reports', () => {
    git('add', '.');
    git('commit', '-q', '-m', 'more');
    const r = cli(['--all-templates', '--changed', 'HEAD', '--output', 'sarif=changed.sarif', 'k8s'], repo);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('note: --changed HEAD: no manifest among the inputs changed since HEAD; nothing to scan');
    expect(r.stdout).toMatch(/0 pass, 0 fail, 0 skip, 0 error/);
    const log = JSON.parse(readFileSync(join(repo, 'changed.sarif'), 'utf8')) as Log;
    expect([sarifProblems(log), log.runs[0].results]).toEqual(['', []]);
  });

  it('rewrites a baseline keeping the accepted findings of the files it did not scan', () => {
    expect(cli(['--all-templates', '--write-baseline', 'full.json', 'k8s'], repo).status).toBe(0);
    const full = readFileSync(join(repo, 'full.json'), 'utf8');
    const names = (text: string) =>
      [...new Set((JSON.parse(text) as { findings: Array<{ name: string }> }).findings.map((f) => f.name))].sort();
    expect(names(full)).toEqual(['added', 'edited', 'old']);
    writeFileSync(join(repo, 'k8s', 'edited.yaml'), `${readFileSync(join(repo, 'k8s', 'edited.yaml'), 'utf8')}# touched\n`);
    const r = cli(['--all-templates', '--changed', 'main', '--baseline', 'full.json', '--write-baseline', 'full.json', 'k8s'], repo);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ fail \(\d+ baselined\)/);
    // Only edited.yaml was scanned; the accepted findings of old.yaml and added.yaml stay.
    expect(readFileSync(join(repo, 'full.json'), 'utf8')).toBe(full);
  });

  it('fails when --write-baseline comes with --changed but no --baseline to update', () => {
    const r = cli(['--all-templates', '--changed', 'main', '--write-baseline', 'partial.json', 'k8s'], repo);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      'error: --write-baseline partial.json with --changed: a scan of the changed files alone would drop every other accepted finding; give the baseline it updates (--baseline partial.json), or scan everything without --changed',
    );
    expect(existsSync(join(repo, 'partial.json'))).toBe(false);
  });

  it('fails when an input is outside the git checkout, which git cannot compare (never an unscanned pass)', () => {
    const r = cli(['--all-templates', '--changed', 'main', 'k8s', '../manifests.yaml'], repo);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error: --changed main: ../manifests.yaml is outside the git checkout ');
    expect(r.stderr).toContain('so git cannot say whether it changed; scan it without --changed, or from its own checkout');
  });

  it('fails when the ref shares no history with HEAD (a shallow clone), saying how to fetch it', () => {
    // A commit of the empty tree without parents: no merge base with HEAD, as in a shallow clone.
    git('branch', 'unrelated', git('commit-tree', '4b825dc642cb6eb9a060e54bf8d69288fbee4904', '-m', 'unrelated').trim());
    const r = cli(['--changed', 'unrelated', 'k8s'], repo);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      'error: --changed unrelated: git diff failed: fatal: no merge base found (unrelated and HEAD share no history here; in CI fetch it with enough depth, e.g. actions/checkout with fetch-depth: 0)',
    );
  });

  it('fails when the ref is not a commit, naming it and the fix', () => {
    const r = cli(['--changed', 'no-such-branch', 'k8s'], repo);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error: --changed: 'no-such-branch' is not a commit in");
    expect(r.stderr).toContain('git fetch origin main');
  });
});

describe('scan --helm / --kustomize', () => {
  it('renders the chart with the project’s helm and reports against the template file and line', () => {
    const r = cli(['--all-templates', '--fail-on', 'medium', '--output', 'github', '--helm', 'chart']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      '::error file=chart/templates/app.yaml,line=9,title=Disallow the latest tag (krate-scan-cluster-disallow-latest-tag)::Deployment/default/release-name-web',
    );
    // The template's own line 9 is where the Deployment's document starts.
    expect(readFileSync(join(dir, 'chart', 'templates', 'app.yaml'), 'utf8').split('\n')[8]).toBe('apiVersion: apps/v1');
  });

  it('starts a document after the template’s control-only lines ({{- if … }}, {{ $x := … }}), as Helm renders it', () => {
    mkdirSync(join(dir, 'guarded', 'templates'), { recursive: true });
    writeFileSync(join(dir, 'guarded', 'Chart.yaml'), 'apiVersion: v2\nname: guarded\nversion: 0.1.0\n');
    writeFileSync(
      join(dir, 'guarded', 'templates', 'pod.yaml'),
      [
        '{{- if true -}}',
        '{{- $image := "nginx:latest" }}',
        '{{/* the pod */}}',
        'apiVersion: v1',
        'kind: Pod',
        'metadata: {name: guarded}',
        'spec: {containers: [{name: c, image: {{ $image | quote }}}]}',
        '{{- end }}',
        '',
      ].join('\n'),
    );
    const r = cli(['--all-templates', '--output', 'github', '--helm', 'guarded']);
    expect(r.stdout).toContain('::warning file=guarded/templates/pod.yaml,line=4,title=Disallow the latest tag');
  });

  it('passes -f values files and --set to helm, in order', () => {
    const pinned = cli(['--all-templates', '--output', 'json', '--helm', 'chart', '-f', 'chart/values-pinned.yaml']);
    const latest = (out: string) =>
      (JSON.parse(out) as { results: Array<{ template: string; result: string }> }).results.find(
        (x) => x.template === 'disallow-latest-tag',
      )!.result;
    expect(latest(pinned.stdout)).toBe('pass');
    const set = cli([
      '--all-templates',
      '--output',
      'json',
      '--helm',
      'chart',
      '-f',
      'chart/values-pinned.yaml',
      '--set',
      'image=nginx:latest',
    ]);
    expect(latest(set.stdout)).toBe('fail');
  });

  it.each([
    ['the chart is missing', ['--helm', 'no-chart'], 'error: --helm no-chart: no such chart (a folder with Chart.yaml, or a .tgz)'],
    ['the folder is no chart', ['--helm', 'kustomize'], 'error: --helm kustomize: not a chart: kustomize/Chart.yaml is missing'],
    [
      'the render fails',
      ['--helm', 'broken-chart'],
      'error: --helm broken-chart: helm template failed: Error: execution error at (broken/templates/cm.yaml:4:11): values.name is required',
    ],
    ['a values file is missing', ['--helm', 'chart', '-f', 'nope.yaml'], 'error: -f nope.yaml: no such values file'],
    ['a values file is a folder', ['--helm', 'chart', '-f', 'chart'], 'error: -f chart: is a folder; name a values file'],
    ['--set is not key=value', ['--helm', 'chart', '--set', 'image'], 'error: --set image: expected key=value'],
    ['-f comes without --helm', ['-f', 'chart/values.yaml', 'manifests.yaml'], 'error: -f: only with --helm <chart>'],
    [
      'the kustomization is missing',
      ['--kustomize', 'chart'],
      'error: --kustomize chart: no kustomization file in chart (expected one of kustomization.yaml',
    ],
    ['the kustomize folder is missing', ['--kustomize', 'nowhere'], 'error: --kustomize nowhere: no such folder'],
    [
      'the kustomize build fails',
      ['--kustomize', 'broken-kustomize'],
      "error: --kustomize broken-kustomize: kubectl kustomize failed: error: accumulating resources: accumulation err='accumulating resources from 'missing.yaml'",
    ],
  ])('fails when %s, with the tool’s own message and no stack trace (exit 2)', (_what, args, message) => {
    const r = cli(args);
    expect([r.status, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  });

  it('renders a packaged chart (.tgz), reporting against the archive', () => {
    expect(helm(['package', join(dir, 'chart'), '--destination', dir]).status).toBe(0);
    const r = cli(['--all-templates', '--output', 'github', '--helm', 'shop-0.1.0.tgz', '--values', 'chart/values-pinned.yaml']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('::warning file=shop-0.1.0.tgz,line=1,title=Require labels');
    expect(r.stdout).not.toContain('Disallow the latest tag');
  });

  it('fails when -f and --values are mixed (their order would be lost)', () => {
    const r = cli(['--helm', 'chart', '-f', 'chart/values.yaml', '--values', 'chart/values-pinned.yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error: -f and --values: the same option; use one spelling so their order is clear');
  });

  it('renders a kustomization with the project’s kubectl, reporting against the resource file kustomize names', () => {
    const r = cli(['--all-templates', '--output', 'github', '--kustomize', 'kustomize']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      '::warning file=kustomize/pod.yaml,line=1,title=Disallow the latest tag (krate-scan-cluster-disallow-latest-tag)::Pod/shop/kustomized',
    );
  });
});

describe('scan --kustomize lines', () => {
  it('reports each object at the line its document starts in the resource file, through an overlay with a name prefix', () => {
    const deployment = (name: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec: {containers: [{name: c, image: 'nginx:latest'}]}\n`;
    mkdirSync(join(dir, 'kz', 'base'), { recursive: true });
    mkdirSync(join(dir, 'kz', 'prod'), { recursive: true });
    writeFileSync(join(dir, 'kz', 'base', 'kustomization.yaml'), 'resources: [apps.yaml]\n');
    writeFileSync(
      join(dir, 'kz', 'base', 'apps.yaml'),
      `# two apps\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata:\n  x: |\n    ---\n---\n${deployment('web')}---\n${deployment('api')}`,
    );
    writeFileSync(
      join(dir, 'kz', 'prod', 'kustomization.yaml'),
      'namespace: shop\nnamePrefix: prod-\nbuildMetadata: [originAnnotations]\nresources: [../base]\n',
    );
    const r = cli(['--all-templates', '--output', 'github', '--kustomize', 'kz/prod']);
    const at = (name: string) =>
      new RegExp(`file=kz/base/apps.yaml,line=(\\d+),title=Disallow the latest tag.*::Deployment/shop/${name}:`).exec(r.stdout)?.[1];
    const lines = readFileSync(join(dir, 'kz', 'base', 'apps.yaml'), 'utf8').split('\n');
    expect([at('prod-web'), at('prod-api')]).toEqual(['9', '18']);
    expect([lines[8], lines[10], lines[17], lines[19]]).toEqual([
      'apiVersion: apps/v1',
      'metadata: {name: web}',
      'apiVersion: apps/v1',
      'metadata: {name: api}',
    ]);
  });
});

describe('scan with nothing to evaluate', () => {
  it('says so when no policy matches any object read', () => {
    writeFileSync(join(dir, 'unmatched.yaml'), 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n');
    const r = cli(['--all-templates', 'unmatched.yaml']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('note: no policy matched any of the 1 object read (kinds: Widget); nothing was evaluated');
    expect(r.stdout).toMatch(/0 pass, 0 fail, 0 skip, 0 error/);
  });
});

describe('scan progress', () => {
  it('prints no progress when stderr is not a terminal (CI logs, pipes)', () => {
    const r = cli(['--all-templates', 'manifests.yaml']);
    expect(r.stderr).toBe('');
  });
});

// krate-policy test's own fixture suites, one folder per feature (fixtures/suites/*): every
// expected result must hold; fixtures/mismatch is wrong on purpose and pins what is reported.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests, type ResultRow } from '../../../analysis/kyverno-test/runner';

const FIXTURES = join(__dirname, 'fixtures');
const suite = (name: string) => join(FIXTURES, 'suites', name);
const rows = (paths: string[]): ResultRow[] => runTests(paths).suites.flatMap((s) => s.rows);
const failed = (paths: string[]) =>
  rows(paths)
    .filter((r) => !r.passed)
    .map((r) => `${r.policy} ${r.resource}: expected ${r.expected}, got ${r.actual}: ${r.message}`);

describe('krate-policy test fixture suites', () => {
  it.each(['autogen', 'matching', 'evaluation', 'exceptions', 'context', 'cluster', 'userinfo', 'operations', 'image'])(
    '%s: every expected result holds',
    (name) => {
      expect(failed([suite(name)])).toEqual([]);
    },
  );

  it('counts one result per resource listed', () => {
    const report = runTests([suite('autogen')]);
    expect(report.passed).toBe(11);
    expect(report.suites[0].rows.map((r) => r.resource)).toContain('CronJob/apps/good-cronjob');
  });

  it('runs every document of a test file as its own suite', () => {
    expect(runTests([suite('operations')]).suites.map((s) => s.name)).toEqual(['per-result-operations', 'global-operation']);
  });

  it('reports the message Kyverno would (messageExpression, the first failing validation)', () => {
    const byResource = new Map(rows([suite('evaluation')]).map((r) => [`${r.policy} ${r.resource}`, r.message]));
    expect(byResource.get('resource-budget Pod/shop/no-limits')).toBe('every container needs limits');
    expect(byResource.get('resource-budget Pod/shop/too-much-memory')).toBe('memory limit above 1Gi in shop (CREATE)');
    expect(byResource.get('library-tour Service/shop/9lives')).toMatch(
      /^a DNS-1035 label must consist of lower case alphanumeric characters/,
    );
    expect(byResource.get('fail-on-errors ConfigMap/shop/flag-on')).toBe("error: type conversion error from 'int' to 'bool'");
  });

  it('skips exempted resources and says which exception did', () => {
    const r = rows([suite('exceptions')]).find((x) => x.resource === 'Pod/infra/agent-1')!;
    expect(r).toMatchObject({ actual: 'skip', message: 'rule is skipped due to policy exception: kyverno/node-agents' });
  });

  it('counts a resource outside the constraints as passed (excluded), as kyverno test does', () => {
    const r = rows([suite('matching')]).find((x) => x.resource === 'Secret/shop/token')!;
    expect(r).toMatchObject({ passed: true, actual: 'excluded' });
  });

  it('reports every mismatch with policy, resource, expected and actual', () => {
    expect(failed([join(FIXTURES, 'mismatch')])).toEqual([
      'deployments-only Pod/team-b/untagged: expected pass, got fail: images need a tag',
      'deployments-only CronJob/team-b/nightly: expected fail, got no result: deployments-only does not apply to CronJob/team-b/nightly (its matchConstraints do not select it)',
      expect.stringMatching(
        /^does-not-compile untagged: expected fail, got error: .*policy\.yaml: ValidatingPolicy does-not-compile does not compile: spec\.validations\[0\]\.expression: CEL expression does not compile/,
      ),
      "legacy untagged: expected fail, got unsupported: ClusterPolicy legacy: legacy kyverno.io/v1 ClusterPolicy is not supported (see the suite's note)",
      "no-such-policy untagged: expected fail, got not found: no policy named no-such-policy in the suite's policies (deployments-only, team-a-only, does-not-compile, legacy)",
      "deployments-only missing-pod: expected fail, got not found: no resource named missing-pod (kind Pod) in the suite's resources",
    ]);
  });

  it("says once, in the suite's notes, why a legacy ClusterPolicy is not run and what to do", () => {
    const [s] = runTests([join(FIXTURES, 'mismatch')]).suites;
    expect(s.notes).toEqual([
      expect.stringContaining(
        'ClusterPolicy legacy: unsupported: legacy kyverno.io/v1 ClusterPolicy is not supported by krate-policy test',
      ),
    ]);
    expect(s.notes[0]).toContain('convert it to a ValidatingPolicy');
  });

  it('a namespaced policy does not apply outside its namespace (excluded)', () => {
    const r = rows([join(FIXTURES, 'mismatch')]).find((x) => x.policy === 'team-a-only')!;
    expect(r).toMatchObject({ passed: true, actual: 'excluded' });
  });

  it("fails a malformed policy's results with what is wrong, and runs the rest", () => {
    const dir = mkdtempSync(join(tmpdir(), 'krate-test-'));
    const rule = "{resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: [CREATE], resources: [pods]}]}";
    writeFileSync(
      join(dir, 'kyverno-test.yaml'),
      [
        'apiVersion: cli.kyverno.io/v1alpha1',
        'kind: Test',
        'metadata: {name: t}',
        'policies: [p.yaml]',
        'resources: [r.yaml]',
        'results:',
        ...['a', 'b', 'c', 'd'].map((p) => `  - {policy: ${p}, resources: [x], result: pass}`),
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'p.yaml'),
      [
        'apiVersion: policies.kyverno.io/v1\nkind: ValidatingPolicy\nmetadata: {name: a}\nspec: {matchConstraints: {resourceRules: pods}}',
        `apiVersion: policies.kyverno.io/v1\nkind: ValidatingPolicy\nmetadata: {name: b}\nspec: {matchConstraints: ${rule}, validations: [{expression: 42}]}`,
        `apiVersion: policies.kyverno.io/v1\nkind: ValidatingPolicy\nmetadata: {name: c}\nspec: {matchConstraints: {namespaceSelector: {matchExpressions: [{key: a, operator: In}]}, resourceRules: ${rule.slice(16, -1)}}}`,
        `apiVersion: policies.kyverno.io/v1\nkind: ValidatingPolicy\nmetadata: {name: d}\nspec: {matchConstraints: ${rule}, variables: [{name: v, expression: '1'}, {name: v, expression: '2'}], validations: [{expression: 'variables.v == 2'}]}`,
      ].join('\n---\n'),
    );
    writeFileSync(join(dir, 'r.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: []}\n');
    expect(rows([dir]).map((r) => `${r.policy}: ${r.actual}: ${r.message.replace(/^.*does not compile: /, '')}`)).toEqual([
      'a: error: spec.matchConstraints.resourceRules: not a list of mappings',
      'b: error: spec.validations[0].expression: 42 is not a CEL expression (a string)',
      "c: error: failed to execute matching: values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
      'd: pass: success',
    ]);
  });
});

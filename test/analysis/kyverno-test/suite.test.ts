// Loading suites: bad input is a ConfigError naming file, value and fix (the CLI exits 2 with it).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '../../../analysis/kyverno-test/runner';
import { findTestFiles, loadSuites } from '../../../analysis/kyverno-test/suite';
import { ConfigError } from '../../../lib/errors';

const FIXTURES = join(__dirname, 'fixtures');
const bad = (name: string) => join(FIXTURES, 'bad', name);

function problems(paths: string[]): string[] {
  try {
    runTests(paths);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error('expected a ConfigError');
}

function scratch(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'krate-test-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('finding and loading suites', () => {
  it('finds kyverno-test.yaml in hidden folders too (published suites live in .kyverno-test/)', () => {
    const dir = scratch({});
    const hidden = join(dir, '.kyverno-test');
    mkdirSync(hidden);
    writeFileSync(
      join(hidden, 'kyverno-test.yaml'),
      'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: t}\npolicies: []\n',
    );
    expect(findTestFiles([dir])).toEqual([join(hidden, 'kyverno-test.yaml')]);
  });

  it('reads paths relative to the test file, whatever the working directory', () => {
    const [s] = loadSuites(join(FIXTURES, 'suites', 'matching', 'kyverno-test.yaml'));
    expect(s.policies.map((p) => p.manifest.metadata.name)).toEqual([
      'prod-configmaps-immutable',
      'labelled-services-have-owner',
      'named-clusterrole',
      'namespaces-need-owner',
    ]);
    expect([...s.namespaces.keys()].sort()).toEqual(['lab', 'shop']);
  });

  it('defaults a namespaced resource to the default namespace and keeps cluster-scoped ones without', () => {
    const dir = scratch({
      'kyverno-test.yaml':
        'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: t}\npolicies: []\nresources: [r.yaml]\nresults: []\n',
      'r.yaml':
        'apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: null}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: c}\n',
    });
    const [s] = loadSuites(join(dir, 'kyverno-test.yaml'));
    expect(s.resources.map((r) => r.manifest.metadata)).toEqual([{ name: 'p', namespace: 'default', labels: {} }, { name: 'c' }]);
  });

  it('matches field names as Go does (case-insensitively) and notes unknown ones', () => {
    const dir = scratch({
      'kyverno-test.yaml':
        'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: t}\nPolicies: []\nresults:\n  - {policy: p, resources: [x], result: pass, isMUtatingPolicy: true, colour: red}\n',
    });
    const [s] = loadSuites(join(dir, 'kyverno-test.yaml'));
    expect(s.results).toHaveLength(1);
    expect(s.notes).toEqual([expect.stringContaining("results[0]: 'colour' is not a field the Kyverno CLI knows")]);
  });
});

describe('bad input', () => {
  it('fails when a path does not exist', () => {
    expect(problems(['no/such/folder'])).toEqual([
      'no/such/folder: no such file or folder (name a kyverno-test.yaml or a folder that contains one)',
    ]);
  });

  it('fails when a folder has no kyverno-test.yaml', () => {
    expect(problems([bad('empty-folder')])).toEqual([
      `no kyverno-test.yaml found in ${bad('empty-folder')} (a Kyverno CLI test suite is a file named kyverno-test.yaml, kind Test, apiVersion cli.kyverno.io/v1alpha1)`,
    ]);
  });

  it('fails when the test file is not valid YAML, naming file and document', () => {
    expect(problems([bad('yaml-error')])).toEqual([
      expect.stringMatching(/bad\/yaml-error\/kyverno-test\.yaml: document 0: YAML error: .* at line 6, column 1 \(fix the YAML syntax\)$/),
    ]);
  });

  it('fails when a named file is missing, naming each one', () => {
    expect(problems([bad('missing-file')])).toEqual([
      expect.stringMatching(
        /bad\/missing-file\/no-such-policy\.yaml: no such file or folder \(named as a policy; paths are relative to the test file\)$/,
      ),
      expect.stringMatching(
        /bad\/missing-file\/no-such-resources\.yaml: no such file or folder \(named as a resource; paths are relative to the test file\)$/,
      ),
    ]);
  });

  it('fails when the file is not a Test', () => {
    expect(problems([bad('not-a-test')])).toEqual([
      expect.stringMatching(
        /not-a-test\/kyverno-test\.yaml: apiVersion 'v1', kind 'ConfigMap'; a Kyverno CLI test must be apiVersion: cli\.kyverno\.io\/v1alpha1, kind: Test$/,
      ),
    ]);
  });

  it('fails when the test uses the deprecated schema, saying how to migrate', () => {
    expect(problems([bad('deprecated')])).toEqual([
      expect.stringContaining(
        'uses the deprecated test schema (top-level name, no apiVersion and kind); add apiVersion: cli.kyverno.io/v1alpha1 and kind: Test and move name to metadata.name',
      ),
    ]);
  });

  it('fails when a result has a bad value, listing every one with the allowed values', () => {
    expect(
      problems([bad('bad-result')])
        .map((p) => p.slice(p.indexOf('results[')))
        .sort(),
    ).toEqual([
      "results[0]: result: 'passed' is not one of pass|fail|skip|error|warn",
      "results[1]: operation: 'PATCH' is not one of CREATE|UPDATE|DELETE",
      "results[1]: resources: 'good-pod' is not a list of strings (write e.g. [file.yaml])",
      'results[2]: policy: missing (name the policy, e.g. policy: disallow-latest-tag)',
    ]);
  });

  it('fails when a policy file holds other objects', () => {
    expect(problems([bad('not-a-policy')])).toEqual([
      expect.stringContaining(
        'suites/autogen/resources.yaml: 9 documents (v1 Pod, apps/v1 Deployment, apps/v1 StatefulSet, apps/v1 DaemonSet, batch/v1 Job, batch/v1 CronJob) are not policies',
      ),
    ]);
  });

  it('fails when a resource has no name, when values are not a mapping, and when a context file is not one', () => {
    const dir = scratch({
      'kyverno-test.yaml':
        'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: t}\npolicies: []\nresources: [r.yaml]\nvalues: [a]\ncontext: c.yaml\nresults: []\n',
      'r.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {namespace: x}\n',
      'c.yaml': 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Context\nspec:\n  resources: [{kind: ConfigMap}]\n  images: [{registry: x}]\n',
    });
    expect(problems([dir]).map((p) => p.slice(dir.length + 1))).toEqual([
      'r.yaml: document 0: Pod has no metadata.name (results name resources by it)',
      'kyverno-test.yaml: values: ["a"] is not a mapping (namespaces, namespaceSelector, globalValues, policies)',
      'c.yaml: spec.resources[0]: not a Kubernetes object (needs apiVersion, kind and metadata)',
      'c.yaml: spec.images[0]: needs image (the reference policies look up)',
    ]);
  });

  it('fails when a policy path is a URL (the runner is offline)', () => {
    const dir = scratch({
      'kyverno-test.yaml':
        'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: t}\npolicies: [https://example.com/p.yaml]\nresults: []\n',
    });
    expect(problems([dir])).toEqual([
      expect.stringContaining(
        "policies: 'https://example.com/p.yaml' is a URL; krate-policy test runs offline, so download it next to the test and name the file",
      ),
    ]);
  });
});

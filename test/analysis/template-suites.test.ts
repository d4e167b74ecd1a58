// What a template folder's suite must be, on fixture folders written here (a fixture template, not
// the repository's catalogue).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { templateSuiteProblems } from '../../analysis/template-suites';
import { podTemplate } from '../../policies/pod';
import { suitePolicyYaml } from '../../policies/suite';
import type { PolicyTemplate } from '../../policies/template';

const teamLabel = podTemplate({
  name: 'require-team-label',
  version: '1.0.0',
  pack: 'best-practices',
  title: 'Require a team label',
  description: 'Pods carry a team label.',
  severity: 'low',
  remediation: 'Add metadata.labels.team.',
  body: () => ({
    validations: [{ expression: "object.metadata.?labels[?'team'].hasValue()", message: 'metadata.labels.team is missing.' }],
  }),
});

const signed: PolicyTemplate = {
  ...teamLabel,
  name: 'signed-images',
  kind: 'ImageValidatingPolicy',
  body: () => ({
    validations: [{ expression: "images.containers.all(i, i.contains('@sha256:'))", message: 'pin by digest' }],
    imageVerification: {
      images: [],
      matchImageReferences: [{ glob: '*' }],
      attestors: [{ name: 'key', cosign: { key: { data: '-----BEGIN PUBLIC KEY-----\nMFk=\n-----END PUBLIC KEY-----' } } }],
    },
  }),
};

const pod = (name: string, labels = '') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: shop
${labels ? `  labels:\n    team: ${labels}\n` : ''}spec:
  containers:
    - name: app
      image: registry.example.com/app:1.0.0
`;
const deployment = (name: string, team = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
spec:
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
${team ? `        team: ${team}\n` : ''}    spec:
      containers:
        - name: app
          image: registry.example.com/app:1.0.0
`;
const GOOD = `${pod('good-1', 'shop')}---\n${deployment('good-1-deployment', 'shop')}`;
const BAD = `${pod('bad-1')}---\n${deployment('bad-1-deployment')}`;

const result = (kind: string, name: string, expected: string, policy = 'krate-example-cluster-require-team-label') =>
  `  - policy: ${policy}\n    isValidatingPolicy: true\n    kind: ${kind}\n    resources:\n      - ${name}\n    result: ${expected}\n`;
const RESULTS = [
  result('Pod', 'good-1', 'pass'),
  result('Deployment', 'good-1-deployment', 'pass'),
  result('Pod', 'bad-1', 'fail'),
  result('Deployment', 'bad-1-deployment', 'fail'),
];
const suite = (results: readonly string[], policies = ['policy.yaml'], resources = ['good.yaml', 'bad.yaml']) =>
  `apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata:
  name: fixture
policies:
${policies.map((p) => `  - ${p}\n`).join('')}resources:
${resources.map((r) => `  - ${r}\n`).join('')}results:
${results.join('')}`;

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A template folder with the template's policy.yaml and the given files. */
function folder(files: Record<string, string>, template: PolicyTemplate = teamLabel): string {
  const dir = mkdtempSync(join(tmpdir(), 'krate-suite-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'policy.yaml'), suitePolicyYaml(template));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
const problems = (files: Record<string, string>, template: PolicyTemplate = teamLabel) =>
  templateSuiteProblems(folder(files, template), template, 'policies/best-practices/x');

describe('templateSuiteProblems', () => {
  it('accepts a suite that tests the rendered policy both ways, with a Pod and a controller', () => {
    expect(problems({ 'kyverno-test.yaml': suite(RESULTS), 'good.yaml': GOOD, 'bad.yaml': BAD })).toEqual([]);
  });

  it('fails when the folder has no kyverno-test.yaml', () => {
    expect(problems({ 'good.yaml': GOOD })).toEqual([
      'policies/best-practices/x/: has no kyverno-test.yaml; every template folder has its Kyverno CLI suite (npx krate-policy new scaffolds one)',
    ]);
  });

  it('fails when the suite tests another policy file than policy.yaml', () => {
    const other = suitePolicyYaml({ ...teamLabel, name: 'other' });
    expect(
      problems({ 'kyverno-test.yaml': suite(RESULTS, ['other.yaml']), 'other.yaml': other, 'good.yaml': GOOD, 'bad.yaml': BAD }),
    ).toContain(
      'policies/best-practices/x/kyverno-test.yaml: policies: must name exactly policy.yaml, the template rendered by `npx krate-policy generate` (the suite tests the template, nothing else)',
    );
  });

  it('fails when a result names another policy', () => {
    const results = [...RESULTS.slice(1), result('Pod', 'bad-1', 'fail', 'require-team-label')];
    expect(problems({ 'kyverno-test.yaml': suite(results), 'good.yaml': GOOD, 'bad.yaml': BAD })).toContain(
      "policies/best-practices/x/kyverno-test.yaml: results[3].policy: 'require-team-label' is not the rendered policy; write 'krate-example-cluster-require-team-label'",
    );
  });

  it('fails when the suite has no fail result', () => {
    expect(problems({ 'kyverno-test.yaml': suite(RESULTS.slice(0, 2), undefined, ['good.yaml']), 'good.yaml': GOOD })).toContain(
      'policies/best-practices/x/kyverno-test.yaml: has no result: fail; add a resource the template must reject (bad.yaml) and expect fail for it',
    );
  });

  it('fails when the suite has no pass result', () => {
    expect(problems({ 'kyverno-test.yaml': suite(RESULTS.slice(2), undefined, ['bad.yaml']), 'bad.yaml': BAD })).toContain(
      'policies/best-practices/x/kyverno-test.yaml: has no result: pass; add a resource the template must admit (good.yaml) and expect pass for it',
    );
  });

  it('keeps an image template without pass results: its passes need the registry', () => {
    const image = (kind: string, name: string) =>
      `  - policy: krate-example-cluster-signed-images\n    isImageValidatingPolicy: true\n    kind: ${kind}\n    resources:\n      - ${name}\n    result: fail\n`;
    expect(
      problems(
        {
          'kyverno-test.yaml': suite([image('Pod', 'bad-1'), image('Deployment', 'bad-1-deployment')], undefined, ['bad.yaml']),
          'bad.yaml': BAD,
        },
        signed,
      ),
    ).toEqual([]);
  });

  it('fails when a resource of the suite has no expected result', () => {
    expect(problems({ 'kyverno-test.yaml': suite(RESULTS), 'good.yaml': `${GOOD}---\n${pod('good-2', 'shop')}`, 'bad.yaml': BAD })).toEqual(
      ['policies/best-practices/x/good.yaml: Pod/shop/good-2 has no expected result in kyverno-test.yaml; add it to results, or remove it'],
    );
  });

  it('fails when a Pod template is not tested with a pod controller', () => {
    expect(
      problems({ 'kyverno-test.yaml': suite([RESULTS[0], RESULTS[2]]), 'good.yaml': pod('good-1', 'shop'), 'bad.yaml': pod('bad-1') }),
    ).toEqual([
      'policies/best-practices/x/kyverno-test.yaml: a Pod template is tested with a Pod and a pod controller (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) expected to pass; the pass cases have Pod',
      'policies/best-practices/x/kyverno-test.yaml: a Pod template is tested with a Pod and a pod controller (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) expected to fail; the fail cases have Pod',
    ]);
  });

  it('fails when an expected result does not hold', () => {
    expect(
      problems({
        'kyverno-test.yaml': suite(RESULTS),
        'good.yaml': GOOD,
        'bad.yaml': `${pod('bad-1', 'shop')}---\n${deployment('bad-1-deployment')}`,
      }),
    ).toEqual(['policies/best-practices/x/kyverno-test.yaml: Pod/shop/bad-1: expected fail, got pass: success']);
  });

  it('fails when the policy does not apply to a resource, so its expected fail proves nothing', () => {
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad-2\n  namespace: shop\n';
    expect(
      problems({
        'kyverno-test.yaml': suite([...RESULTS, result('ConfigMap', 'bad-2', 'fail')]),
        'good.yaml': GOOD,
        'bad.yaml': `${BAD}---\n${configMap}`,
      }),
    ).toEqual([
      'policies/best-practices/x/kyverno-test.yaml: ConfigMap/shop/bad-2: the policy does not apply to it (its match constraints leave it out), so its fail proves nothing; make it a resource the policy matches',
    ]);
  });
});

// `scan --policy`, `--exceptions` and `--context`: a user's own policies evaluated by the Kyverno
// engine `krate-policy test` runs, a cluster snapshot in either form, and the project's templates
// unchanged beside them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createKyvernoCelEngine } from '../../analysis/kyverno-test/cel-env';
import { libraries } from '../../analysis/kyverno-test/engine';
import { runTests } from '../../analysis/kyverno-test/runner';
import { PolicySet, type ScanReport } from '../../analysis/scan';
import { KyvernoPolicySet, readContextFile, readExceptionFiles, readPolicyFiles, type ScanContext } from '../../analysis/scan-policies';
import { readInputs } from '../../cli/commands/scan';
import { ConfigError } from '../../lib/errors';
import { parseManifests, readManifests, type Manifest } from '../../lib/manifests';
import { REPO_ROOT } from '../../lib/paths';
import { generateCorpus } from '../bench/scan';
import { allTemplatePolicies } from '../support/fixtures';

const FIXTURES = join(__dirname, 'fixtures', 'scan-policy');
const at = (...p: string[]) => relative(REPO_ROOT, join(FIXTURES, ...p));
const NOW = new Date('2026-12-01T00:00:00Z');
const lines = (r: ScanReport) =>
  r.results.map((x) => `${x.policy} ${x.resource.kind}/${x.resource.namespace}/${x.resource.name}: ${x.result}`);

/** What `scan --policy <paths> [--exceptions …] [--context …]` evaluates, in process. */
function scanWith(policies: string[], inputs: string[], options: { exceptions?: string[]; context?: ScanContext } = {}): ScanReport {
  const { exceptions } = readExceptionFiles(options.exceptions ?? [], NOW);
  const set = new KyvernoPolicySet(readPolicyFiles(policies), exceptions, { engine: createKyvernoCelEngine(), context: options.context });
  return set.scan(readInputs(inputs));
}

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(REPO_ROOT, '.build', 'cli', 'main.mjs'), 'scan', ...args], { encoding: 'utf8', cwd: REPO_ROOT });

/** Runs `body` in the repository root, where messages name files relative to it. */
function inRepo<T>(body: () => T): T {
  const cwd = process.cwd();
  process.chdir(REPO_ROOT);
  try {
    return body();
  } finally {
    process.chdir(cwd);
  }
}

describe('scan --policy (a user policy alone)', () => {
  it('evaluates every served version, a namespaced policy in its own namespace only, pod controllers through autogen', () => {
    expect(lines(scanWith([join(FIXTURES, 'policies')], [join(FIXTURES, 'resources.yaml')]))).toEqual([
      'require-team-label ConfigMap/shop/labelled: pass',
      'require-team-label ConfigMap/shop/unlabelled: fail',
      'require-team-label ConfigMap/billing/legacy: fail',
      'shop/shop-no-latest Pod/shop/web: fail',
      'shop/shop-no-latest Deployment/shop/api: pass',
    ]);
  });

  it('reports mode, messages and the policy as Kyverno names it', () => {
    const r = scanWith([join(FIXTURES, 'policies')], [join(FIXTURES, 'resources.yaml')]);
    expect(r.results[1]).toEqual({
      policy: 'require-team-label',
      template: 'require-team-label',
      pack: '',
      mode: 'Audit',
      resource: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'unlabelled' },
      result: 'fail',
      message: 'ConfigMap unlabelled needs a team label',
    });
    expect(r.results[3]).toMatchObject({ policy: 'shop/shop-no-latest', mode: 'Enforce', message: 'shop pins its images' });
    expect(r.summary).toEqual({ pass: 2, fail: 3, skip: 0, error: 0 });
  });

  it('ignores documents in a policy folder that are not policies (package metadata)', () => {
    expect(inRepo(() => readPolicyFiles([at('policies')])).map((d) => `${d.file}: ${d.manifest.kind}/${d.manifest.metadata.name}`)).toEqual(
      [
        'test/analysis/fixtures/scan-policy/policies/require-team-label.yaml: ValidatingPolicy/require-team-label',
        'test/analysis/fixtures/scan-policy/policies/shop-no-latest.yaml: NamespacedValidatingPolicy/shop-no-latest',
      ],
    );
  });

  it('sees a namespace the inputs do not define as the API server creates it (namespaceObject, kubernetes.io/metadata.name)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'krate-scan-policy-'));
    try {
      writeFileSync(
        join(dir, 'policy.yaml'),
        'apiVersion: policies.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata: {name: not-default}\nspec:\n  validationActions: [Audit]\n  matchConstraints:\n    namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}]}\n    resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}]\n  validations:\n    - expression: "namespaceObject.metadata.name != \'default\'"\n      message: not in default\n',
      );
      writeFileSync(
        join(dir, 'in.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: shop}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: kube-system}\n',
      );
      expect(lines(scanWith([join(dir, 'policy.yaml')], [join(dir, 'in.yaml')]))).toEqual([
        'not-default ConfigMap/default/a: fail',
        'not-default ConfigMap/shop/b: pass',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scan --exceptions', () => {
  it('honours a PolicyException of another served version, whatever its namespace, as kyverno test does', () => {
    const r = scanWith([join(FIXTURES, 'policies')], [join(FIXTURES, 'resources.yaml')], { exceptions: [join(FIXTURES, 'exceptions')] });
    expect(r.results.find((x) => x.resource.name === 'legacy')).toMatchObject({
      result: 'skip',
      message: 'rule is skipped due to policy exception: billing/legacy-configmap',
    });
    expect(r.summary).toEqual({ pass: 2, fail: 2, skip: 1, error: 0 });
  });

  it('ignores an expired exception, saying so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'krate-scan-policy-'));
    try {
      writeFileSync(
        join(dir, 'ex.yaml'),
        'apiVersion: policies.kyverno.io/v1\nkind: PolicyException\nmetadata: {name: old, namespace: billing}\nspec:\n  expiresAt: "2026-11-01T00:00:00Z"\n  policyRefs: [{kind: ValidatingPolicy, name: require-team-label}]\n  matchConditions: [{name: all, expression: "true"}]\n',
      );
      const read = readExceptionFiles([dir], NOW);
      expect(read.exceptions).toEqual([]);
      expect(read.notes).toEqual([
        expect.stringContaining(
          'ex.yaml: PolicyException billing/old expired at 2026-11-01T00:00:00Z and is ignored, as Kyverno ignores it',
        ),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('applies to the project’s templates too', () => {
    const templates = allTemplatePolicies();
    const hostNamespaces = templates.find((t) => t.metadata.name.endsWith('-disallow-host-namespaces'))!;
    const exception = parseManifests(
      `apiVersion: policies.kyverno.io/v1alpha1\nkind: PolicyException\nmetadata: {name: infra, namespace: team-a}\nspec:\n  policyRefs: [{kind: ValidatingPolicy, name: ${hostNamespaces.metadata.name}}]\n  matchConditions: [{name: n, expression: "object.metadata.name == 'agent'"}]\n`,
      'ex.yaml',
    ).map((i) => i.manifest);
    const pod = parseManifests(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: agent, namespace: infra}\nspec: {hostPID: true, containers: []}\n',
      'in.yaml',
    );
    const r = new PolicySet([hostNamespaces, ...exception], { now: NOW }).scan(pod);
    expect(r.results.map((x) => `${x.result}: ${x.message}`)).toEqual(['skip: exempted by PolicyException team-a/infra']);
  });
});

describe('scan --context (context-aware policies)', () => {
  const policy = () => [join(FIXTURES, 'ingress', 'unique-ingress-host.yaml')];
  const ingresses = () => [join(FIXTURES, 'ingress', 'ingresses.yaml')];
  const expected = [
    'unique-ingress-host Ingress/shop/storefront: fail',
    'unique-ingress-host Ingress/shop/api: pass',
    'unique-ingress-host Ingress/shop/shop-www: pass',
  ];

  it('decides from a Kyverno CLI Context file', () => {
    const context = readContextFile(join(FIXTURES, 'ingress', 'context.yaml'));
    expect({ form: context.form, objects: context.objects }).toEqual({ form: 'Context', objects: 2 });
    const r = scanWith(policy(), ingresses(), { context });
    expect(lines(r)).toEqual(expected);
    expect(r.results[0].message).toBe('host already served by another namespace: marketing/www');
  });

  it('decides the same from a kubectl get -o yaml export (a List)', () => {
    const context = readContextFile(join(FIXTURES, 'ingress', 'kubectl-export.yaml'));
    expect({ form: context.form, objects: context.objects }).toEqual({ form: 'kubectl export', objects: 2 });
    const fromExport = scanWith(policy(), ingresses(), { context });
    const fromContext = scanWith(policy(), ingresses(), { context: readContextFile(join(FIXTURES, 'ingress', 'context.yaml')) });
    expect(fromExport).toEqual(fromContext);
  });

  it('agrees with krate-policy test on the same policy, resources and Context file', () => {
    const report = runTests([join(FIXTURES, 'ingress')]);
    expect({ passed: report.passed, failed: report.failed }).toEqual({ passed: 3, failed: 0 });
  });

  it('reads a multi-document export and an empty List; without a snapshot resource.List is empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'krate-scan-context-'));
    try {
      writeFileSync(
        join(dir, 'docs.yaml'),
        'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: www, namespace: marketing}\nspec: {rules: [{host: www.example.com}]}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: marketing, labels: {tier: web}}\n',
      );
      writeFileSync(join(dir, 'empty.yaml'), 'apiVersion: v1\nitems: []\nkind: List\nmetadata: {resourceVersion: ""}\n');
      const docs = readContextFile(join(dir, 'docs.yaml'));
      expect(docs.namespaces.map((n) => n.metadata.labels)).toEqual([{ tier: 'web' }]);
      expect(lines(scanWith(policy(), ingresses(), { context: docs }))).toEqual(expected);
      const empty = readContextFile(join(dir, 'empty.yaml'));
      expect(empty.objects).toBe(0);
      expect(lines(scanWith(policy(), ingresses(), { context: empty })).filter((l) => l.endsWith('fail'))).toEqual([]);
      expect(lines(scanWith(policy(), ingresses()))).toEqual(lines(scanWith(policy(), ingresses(), { context: empty })));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets the project’s policies read the snapshot too (PolicySet with Kyverno’s context libraries bound)', () => {
    const [policyDoc] = readPolicyFiles(policy());
    const asTemplate = { ...policyDoc.manifest, apiVersion: 'policies.kyverno.io/v1' } as Manifest;
    const context = readContextFile(join(FIXTURES, 'ingress', 'kubectl-export.yaml'));
    const set = new PolicySet([asTemplate], { engine: createKyvernoCelEngine(), bindings: { ...libraries(context.snapshot, '') } });
    expect(lines(set.scan(readInputs(ingresses())))).toEqual(expected);
  });
});

describe('scan with the project’s templates', () => {
  it('keeps the templates’ results identical when they compile with Kyverno’s CEL libraries and the context bound', () => {
    const templates = allTemplatePolicies();
    // The templates' own fixtures wherever they live, and the bench's generated corpus.
    const fixtures = [join(REPO_ROOT, 'test', 'policies'), join(REPO_ROOT, 'policies')].filter((d) => existsSync(d));
    const items = [...readManifests(fixtures), ...generateCorpus(3_000)];
    const plain = new PolicySet(templates, { now: NOW }).scan(items);
    const context = readContextFile(join(FIXTURES, 'ingress', 'kubectl-export.yaml'));
    const kyverno = new PolicySet(templates, {
      now: NOW,
      engine: createKyvernoCelEngine(),
      bindings: { ...libraries(context.snapshot, '') },
    }).scan(items);
    expect(plain.results.length).toBeGreaterThan(10_000);
    // Context-aware templates read the cluster: offline they skip, with a snapshot they decide.
    const readsCluster = new Set(
      templates.filter((t) => /(?<![\w.])resource\.(Get|List)\(/.test(JSON.stringify(t.spec))).map((t) => t.metadata.name),
    );
    expect(readsCluster.size).toBeGreaterThan(0);
    const offline = (r: typeof plain) => r.results.filter((x) => !readsCluster.has(x.policy));
    expect(offline(kyverno)).toEqual(offline(plain));
    const decided = kyverno.results.filter((x) => readsCluster.has(x.policy));
    expect(decided.some((x) => x.result === 'fail')).toBe(true);
    expect(decided.every((x) => x.result !== 'error')).toBe(true);
  });
});

describe('scan --policy, --exceptions, --context: bad input', () => {
  it('fails when a --policy path holds no policy, naming the path and what it found', () => {
    expect(() => readPolicyFiles([at('bad', 'no-policy.yaml')])).toThrow(
      `--policy ${at('bad', 'no-policy.yaml')}: no policy found (scan evaluates ValidatingPolicy, NamespacedValidatingPolicy and ImageValidatingPolicy of policies.kyverno.io (v1alpha1, v1beta1, v1); found v1 ConfigMap)`,
    );
    expect(() => readPolicyFiles([at('exceptions')])).toThrow(
      'found policies.kyverno.io/v1beta1 PolicyException); give PolicyExceptions with --exceptions',
    );
  });

  it('fails when a --policy or --exceptions path does not exist', () => {
    expect(() => readPolicyFiles(['no/such/policy.yaml'])).toThrow('--policy no/such/policy.yaml: no such file or folder');
    expect(() => readExceptionFiles(['no/such/folder'], NOW)).toThrow('--exceptions no/such/folder: no such file or folder');
  });

  it('fails when a --policy is a legacy kyverno.io ClusterPolicy, saying what to do', () => {
    expect(() => inRepo(() => readPolicyFiles([at('bad', 'legacy-clusterpolicy.yaml')]))).toThrow(
      `--policy ${at('bad', 'legacy-clusterpolicy.yaml')}: document 0: legacy kyverno.io/v1 ClusterPolicy require-team-label is not supported: scan evaluates ValidatingPolicy, NamespacedValidatingPolicy and ImageValidatingPolicy of policies.kyverno.io (v1alpha1, v1beta1, v1); convert it to a ValidatingPolicy (validate.cel rules convert directly; patterns, JMESPath and other rule types need rewriting in CEL) or check it with \`kyverno apply\``,
    );
  });

  it('fails when a --policy holds a policy kind scan does not evaluate, or a policy without a name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'krate-scan-policy-'));
    try {
      writeFileSync(
        join(dir, 'mutating.yaml'),
        'apiVersion: policies.kyverno.io/v1\nkind: MutatingPolicy\nmetadata: {name: add-labels}\nspec: {}\n---\napiVersion: policies.kyverno.io/v1\nkind: ValidatingPolicy\nmetadata: {}\nspec: {}\n',
      );
      expect(() => readPolicyFiles([join(dir, 'mutating.yaml')])).toThrow(
        new ConfigError([
          `--policy ${join(dir, 'mutating.yaml')}: document 0: MutatingPolicy add-labels: policies.kyverno.io/v1 MutatingPolicy is not supported: scan evaluates ValidatingPolicy, NamespacedValidatingPolicy and ImageValidatingPolicy of policies.kyverno.io (v1alpha1, v1beta1, v1); remove it from the --policy path`,
          `--policy ${join(dir, 'mutating.yaml')}: document 1: ValidatingPolicy has no metadata.name (results name the policy by it)`,
        ]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails when a policy does not compile, naming the file, the policy, the field and the CEL error', () => {
    const docs = inRepo(() => readPolicyFiles([at('bad', 'broken-cel.yaml')]));
    expect(() => new KyvernoPolicySet(docs, [], { engine: createKyvernoCelEngine() })).toThrow(
      `--policy ${at('bad', 'broken-cel.yaml')}: ValidatingPolicy broken-cel does not compile: spec.validations[0].expression: CEL expression does not compile: Unexpected token: EOF`,
    );
  });

  it('fails when a policy is defined twice', () => {
    expect(() => inRepo(() => readPolicyFiles([at('policies'), at('policies', 'require-team-label.yaml')]))).toThrow(
      `--policy ${at('policies', 'require-team-label.yaml')}: document 0: ValidatingPolicy require-team-label is already defined in ${at('policies', 'require-team-label.yaml')} (document 0); a policy name is unique (rename one or drop the copy)`,
    );
  });

  it('fails when an --exceptions file holds something other than PolicyExceptions', () => {
    expect(() => inRepo(() => readExceptionFiles([at('bad', 'no-policy.yaml')], NOW))).toThrow(
      `--exceptions ${at('bad', 'no-policy.yaml')}: document 0: v1 ConfigMap is not a policy exception (exceptions lists policies.kyverno.io PolicyException files)`,
    );
  });

  const FORMS =
    '(--context takes a Kyverno CLI Context file (apiVersion: cli.kyverno.io/v1alpha1, kind: Context, spec.resources) or a kubectl export (kubectl get … -o yaml: a List, or Kubernetes objects one per document))';

  it('fails when a --context file is neither a Context nor a kubectl export', () => {
    expect(() => readContextFile(at('bad', 'not-a-snapshot.yaml'))).toThrow(
      `--context ${at('bad', 'not-a-snapshot.yaml')}: document 0: cli.kyverno.io/v1alpha1 Values is not a cluster snapshot ${FORMS}`,
    );
    expect(() => readContextFile(at('policies', 'artifacthub-pkg.yml'))).toThrow(
      `--context ${at('policies', 'artifacthub-pkg.yml')}: document 0: not a Kubernetes object (needs apiVersion and kind) ${FORMS}`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'krate-scan-context-'));
    try {
      writeFileSync(join(dir, 'empty.yaml'), '# nothing\n');
      writeFileSync(join(dir, 'nameless.yaml'), 'apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: ConfigMap, metadata: {}}]\n');
      writeFileSync(
        join(dir, 'bad-context.yaml'),
        'apiVersion: cli.kyverno.io/v1alpha1\nkind: Context\nspec: {resources: [{kind: Pod}]}\n',
      );
      expect(() => readContextFile(join(dir, 'empty.yaml'))).toThrow(
        `--context ${join(dir, 'empty.yaml')}: no Kubernetes object in it ${FORMS}`,
      );
      expect(() => readContextFile(join(dir, 'nameless.yaml'))).toThrow(
        `--context ${join(dir, 'nameless.yaml')}: document 0: ConfigMap has no metadata.name (resource.Get finds objects by name)`,
      );
      expect(() => readContextFile(join(dir, 'bad-context.yaml'))).toThrow(
        `--context ${join(dir, 'bad-context.yaml')}: spec.resources[0]: not a Kubernetes object (needs apiVersion, kind and metadata)`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails when a --context file does not exist or is not valid YAML', () => {
    expect(() => readContextFile('no/such/snapshot.yaml')).toThrow(`--context no/such/snapshot.yaml: no such file ${FORMS}`);
    const dir = mkdtempSync(join(tmpdir(), 'krate-scan-context-'));
    try {
      writeFileSync(join(dir, 'broken.yaml'), 'items: [\n');
      expect(() => readContextFile(join(dir, 'broken.yaml'))).toThrow(`--context ${join(dir, 'broken.yaml')}: document 0: YAML error:`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('krate-policy scan --policy (CLI)', () => {
  const policies = at('policies');
  const resources = at('resources.yaml');

  it('evaluates only the given policies when --policy comes without --env or --all-templates', () => {
    const r = cli('--policy', policies, resources);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1); // shop-no-latest is Deny
    expect(r.stdout.trim().split('\n')).toEqual([
      `FAIL  audit    require-team-label  ConfigMap/shop/unlabelled  ConfigMap unlabelled needs a team label  (${resources}:6)`,
      `FAIL  audit    require-team-label  ConfigMap/billing/legacy  ConfigMap legacy needs a team label  (${resources}:11)`,
      `FAIL  enforce  shop/shop-no-latest  Pod/shop/web  shop pins its images  (${resources}:16)`,
      'scan (--policy: 2 policies): 2 pass, 3 fail, 0 skip, 0 error',
    ]);
  });

  it('evaluates the given policies with every template (--all-templates) or an environment’s policies (--env)', () => {
    const all = JSON.parse(cli('--policy', policies, '--all-templates', '--output', 'json', resources).stdout);
    const names = new Set(all.results.map((x: { policy: string }) => x.policy));
    expect(names).toContain('require-team-label');
    expect(names).toContain('krate-scan-cluster-disallow-latest-tag');
    const alone = JSON.parse(cli('--policy', policies, '--output', 'json', resources).stdout);
    const templates = JSON.parse(cli('--all-templates', '--output', 'json', resources).stdout);
    // Side by side, each keeps its own results: the templates' first, then the user's policies'.
    expect(all.results).toEqual([...templates.results, ...alone.results]);
    const dev = cli('--policy', policies, '--env', 'dev', resources);
    expect(dev.stdout).toMatch(/scan \(environment dev, \d+ policies; --policy: 2 policies\): /);
  });

  it('honours --exceptions', () => {
    const r = cli('--policy', policies, '--exceptions', at('exceptions'), '--output', 'json', resources);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).summary).toEqual({ pass: 2, fail: 2, skip: 1, error: 0 });
  });

  it('gives the same results with a Context file and with a kubectl export', () => {
    const run = (context: string) =>
      cli(
        '--policy',
        at('ingress', 'unique-ingress-host.yaml'),
        '--context',
        at('ingress', context),
        '--output',
        'json',
        at('ingress', 'ingresses.yaml'),
      );
    const fromContext = run('context.yaml');
    expect(fromContext.status).toBe(1);
    expect(JSON.parse(fromContext.stdout).summary).toEqual({ pass: 2, fail: 1, skip: 0, error: 0 });
    expect(run('kubectl-export.yaml').stdout).toBe(fromContext.stdout);
  });

  it('fails when a --policy is a legacy ClusterPolicy, does not compile, holds no policy, or clashes with a template (exit 2)', () => {
    const legacy = cli('--policy', at('bad', 'legacy-clusterpolicy.yaml'), resources);
    expect(legacy.status).toBe(2);
    expect(legacy.stderr).toContain('legacy kyverno.io/v1 ClusterPolicy require-team-label is not supported');
    const broken = cli('--policy', at('bad', 'broken-cel.yaml'), resources);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain('ValidatingPolicy broken-cel does not compile: spec.validations[0].expression:');
    const none = cli('--policy', at('bad', 'no-policy.yaml'), resources);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain(`error: --policy ${at('bad', 'no-policy.yaml')}: no policy found`);
    const dir = mkdtempSync(join(tmpdir(), 'krate-scan-clash-'));
    try {
      writeFileSync(
        join(dir, 'p.yaml'),
        'apiVersion: policies.kyverno.io/v1\nkind: ValidatingPolicy\nmetadata: {name: krate-scan-cluster-disallow-latest-tag}\nspec: {validationActions: [Audit], validations: [{expression: "true"}]}\n',
      );
      const clash = cli('--policy', join(dir, 'p.yaml'), '--all-templates', resources);
      expect(clash.status).toBe(2);
      expect(clash.stderr).toContain(
        "error: --policy: krate-scan-cluster-disallow-latest-tag has the name of one of the project's policies; rename it (or scan it without --env/--all-templates)",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails when a --context file is neither form or is missing (exit 2)', () => {
    const neither = cli('--policy', policies, '--context', at('ingress', 'kyverno-test.yaml'), resources);
    expect(neither.status).toBe(2);
    expect(neither.stderr).toContain(
      `error: --context ${at('ingress', 'kyverno-test.yaml')}: document 0: cli.kyverno.io/v1alpha1 Test is not a cluster snapshot`,
    );
    const missing = cli('--policy', policies, '--context', 'no/such.yaml', resources);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('error: --context no/such.yaml: no such file');
    expect(cli('--context', at('ingress', 'context.yaml'), '--context', at('ingress', 'context.yaml'), resources).stderr).toContain(
      '--context: given twice',
    );
  });
});

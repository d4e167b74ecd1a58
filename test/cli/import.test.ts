// `krate-policy import` in a throwaway copy of the repository: an imported policy is a template
// folder with its converted suite, on the ladder at audit:dev, and `npm run synth` renders it on dev
// in Audit with the repository's naming, labels and exclusions; refusals write nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../lib/paths';
import { copyRepo } from './copy-repo';
import { prettierUnformatted } from '../support/prettier';

const FIXTURES = join(REPO_ROOT, 'test', 'cli', 'fixtures', 'import');
const UPSTREAM = join(REPO_ROOT, '..', 'shared', 'upstream', 'kyverno-policies');
const UPSTREAM_POLICY = join(UPSTREAM, 'best-practices-vpol', 'restrict-service-external-ips', 'restrict-service-external-ips.yaml');
const hasUpstream = existsSync(UPSTREAM_POLICY);
const TODAY = '2026-12-01';

let repo: string;
beforeAll(() => {
  repo = copyRepo('krate-import-');
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(repo, 'bin', 'krate-policy.mjs'), ...args], { cwd: repo, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
};
const read = (path: string) => readFileSync(join(repo, path), 'utf8');
const lastLine = (s: string) => s.trim().split('\n').pop();

/** What import may write: the rollout, the catalog, the README and the policies/ tree. */
function snapshot(): string {
  const walk = (dir: string): string[] =>
    readdirSync(join(repo, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(`${dir}/${e.name}`) : [`${dir}/${e.name}:${read(`${dir}/${e.name}`)}`],
    );
  return [read('environments/rollout.ts'), read('policies/catalog.ts'), read('README.md'), ...walk('policies')].join('\n');
}

type Spec = Record<string, any>;
const rendered = (env: string, name: string): { metadata: Spec; spec: Spec } | undefined => {
  const file = join(repo, 'dist', env, 'policies', `validatingpolicy-krate-a5c-cluster-${name}.yaml`);
  return existsSync(file) ? parse(readFileSync(file, 'utf8')) : undefined;
};

/** The checks every imported template must pass: its suite, the ladder line, and dev in Audit with the exclusions. */
function expectImported(name: string, folder: string, own: Spec[] = []): void {
  expect(read('environments/rollout.ts')).toContain(`  '${name}': { stage: 'audit:dev', since: '${TODAY}' },\n};`);
  expect(read('policies/catalog.ts')).toContain(`./${folder.slice('policies/'.length)}/template`);
  expect(read('README.md')).toContain(`| \`${name}\` |`);
  const t = cli('test', folder);
  expect(lastLine(t.out)).toMatch(/^\d+ passed, 0 failed$/);
  expect(t.status).toBe(0);
  const policy = rendered('dev', name)!;
  expect(policy.metadata.labels).toMatchObject({ 'krate.a5c.ai/policy-template': name, 'krate.a5c.ai/policy-mode': 'audit' });
  expect(policy.metadata.annotations['krate.a5c.ai/policy-template']).toBe(`${name}@1.0.0`);
  expect(policy.spec.validationActions).toEqual(['Audit']);
  expect(policy.spec.failurePolicy).toBe('Ignore');
  const selector = policy.spec.matchConstraints.namespaceSelector;
  expect(selector.matchExpressions[0]).toEqual({
    key: 'kubernetes.io/metadata.name',
    operator: 'NotIn',
    values: expect.arrayContaining(['kube-system', 'kyverno', 'argocd', 'krate-system']),
  });
  expect(selector.matchExpressions.slice(1)).toEqual(own);
  expect([rendered('staging', name), rendered('prod', name)]).toEqual([undefined, undefined]);
}

describe('krate-policy import', () => {
  it('imports a team policy with its suite: the CEL kept, its own namespaceSelector joined with the exclusions', () => {
    const r = cli('import', join(FIXTURES, 'team-policy', 'require-team-annotation.yaml'), '--today', TODAY);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    const folder = 'policies/best-practices/require-team-annotation';
    expect(r.out).toContain(
      `is the template require-team-annotation: ${folder}/ (template.ts, resources.yaml, values.yaml, kyverno-test.yaml, policy.yaml)`,
    );
    expect(r.out).toContain('import: converted ');
    expect(r.out).toContain(': 2 passed, 0 failed');
    expect(r.out).toContain(
      'import: note: validationActions ["Deny"] and failurePolicy Fail: replaced by the ladder (Audit with failurePolicy Ignore from audit:dev, Deny with failurePolicy Fail from its enforce rung)',
    );
    // Only the resources its results name are carried over.
    expect(read(`${folder}/resources.yaml`)).not.toContain('unrelated');
    expect(parse(read(`${folder}/kyverno-test.yaml`)).results.map((x: Spec) => x.policy)).toEqual([
      'krate-example-cluster-require-team-annotation',
      'krate-example-cluster-require-team-annotation',
    ]);

    const synth = cli('synth');
    expect(synth.err).toBe('');
    expect(synth.status).toBe(0);
    expectImported('require-team-annotation', folder, [{ key: 'tenant', operator: 'Exists' }]);
    const spec = rendered('dev', 'require-team-annotation')!.spec;
    expect(spec.validations[0].expression).toBe("variables.team != ''");
    expect(spec.matchConstraints.excludeResourceRules[0].resourceNames).toEqual(['kubernetes']);
    expect(spec.auditAnnotations).toEqual([{ key: 'team', valueExpression: 'string(variables.team)' }]);
  });

  (hasUpstream ? it : it.skip)(
    `imports one of Kyverno's published policies with its converted suite${hasUpstream ? '' : ` (skipped: ${UPSTREAM_POLICY} is absent)`}`,
    () => {
      const r = cli('import', UPSTREAM_POLICY, '--today', TODAY);
      expect(r.err).toBe('');
      expect(r.status).toBe(0);
      expect(r.out).toContain('.kyverno-test/kyverno-test.yaml: 3 passed, 0 failed');
      expect(cli('synth').status).toBe(0);
      expectImported('restrict-external-ips', 'policies/best-practices/restrict-external-ips');
      expect(rendered('dev', 'restrict-external-ips')!.metadata.annotations['policies.kyverno.io/title']).toBe('Restrict External IPs');
    },
  );

  it('imports a legacy ClusterPolicy of validate.cel rules, its per-rule results merged into one per resource', () => {
    const r = cli('import', join(FIXTURES, 'legacy', 'require-owner-label.yaml'), '--today', TODAY);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(r.out).toContain(
      "import: note: results: the ClusterPolicy's per-rule results merged into one per resource (a template is one policy)",
    );
    expect(cli('synth').status).toBe(0);
    expectImported('require-owner-label', 'policies/best-practices/require-owner-label', [
      { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['sandbox'] },
    ]);
  });

  it('scaffolds a suite that fails on purpose when the policy has none, and says so', () => {
    const r = cli('import', join(FIXTURES, 'no-suite', 'no-suite.yaml'), '--name', 'no-node-ports', '--today', TODAY);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(r.out).toContain(
      'was scaffolded with placeholder cases: it fails on purpose (1 passed, 1 failed) until good.yaml and bad.yaml hold real ones.',
    );
    expect(read('policies/best-practices/no-node-ports/kyverno-test.yaml')).toContain('Scaffolded by `krate-policy import`');
    const t = cli('test', 'policies/best-practices/no-node-ports');
    expect([t.status, lastLine(t.out)]).toEqual([1, '1 passed, 1 failed']);
  });

  it('keeps the imported folder but fails when the converted suite does not prove the template both ways, saying what is missing', () => {
    const r = cli('import', join(FIXTURES, 'one-sided', 'deny-default-namespace.yaml'), '--today', TODAY);
    expect(r.status).toBe(1);
    expect(r.err).toContain(
      'import: the converted suite does not yet prove the template both ways (npm test fails until it does); fix policies/best-practices/deny-default-namespace/:',
    );
    expect(r.err).toContain(
      'policies/best-practices/deny-default-namespace/kyverno-test.yaml: has no result: pass; add a resource the template must admit (good.yaml) and expect pass for it',
    );
    expect(existsSync(join(repo, 'policies/best-practices/deny-default-namespace/template.ts'))).toBe(true);
  });

  it('leaves a repository that type-checks, is formatted and keeps its generated files in step', () => {
    const tsc = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', 'tsconfig.json'],
      {
        cwd: repo,
        encoding: 'utf8',
      },
    );
    expect(tsc.stdout).toBe('');
    expect(tsc.status).toBe(0);
    expect(prettierUnformatted(repo, ['policies/'])).toEqual([]);
    expect(cli('generate').out).toContain('every generated file in step');
  });

  it.each([
    [
      'the name exists already',
      [join(FIXTURES, 'no-suite', 'no-suite.yaml'), '--name', 'disallow-host-path'],
      1,
      "import: refused: template 'disallow-host-path' already exists (policies/pod-security-baseline/disallow-host-path/); name the imported one with --name <template>, or edit that template",
    ],
    [
      'the pack is unknown',
      [join(FIXTURES, 'no-suite', 'no-suite.yaml'), '--pack', 'best-practice'],
      2,
      "error: --pack: 'best-practice' is not a policy pack (did you mean 'best-practices'?)",
    ],
    [
      'the file holds several policies and no --name selects one',
      [join(FIXTURES, 'refused', 'two-policies.yaml')],
      2,
      'holds 2 policies (first-policy, second-policy); a template is one policy: import them one at a time with --name <policy>',
    ],
    [
      'the file is not a policy',
      [join(FIXTURES, 'refused', 'not-a-policy.yaml')],
      2,
      'not-a-policy.yaml: not a policy (found v1 ConfigMap)',
    ],
    [
      'a rule validates with a pattern',
      [join(FIXTURES, 'refused', 'pattern.yaml')],
      1,
      'ClusterPolicy require-requests: spec.rules[1] (check-requests).validate.pattern: a validate.pattern is an overlay pattern, not CEL; rewrite the rule in CEL',
    ],
    [
      'a rule uses JMESPath preconditions and deny conditions',
      [join(FIXTURES, 'refused', 'jmespath.yaml')],
      1,
      'spec.rules[0] (no-kube-system).preconditions: preconditions are JMESPath conditions; write them as celPreconditions (CEL)',
    ],
    ['a rule mutates', [join(FIXTURES, 'refused', 'mutate.yaml')], 1, 'spec.rules[0] (add-label).mutate: a mutate rule changes objects'],
    [
      'a rule takes parameters',
      [join(FIXTURES, 'refused', 'params.yaml')],
      1,
      'spec.rules[0] (replicas).validate.cel.paramKind: parameter resources have no place',
    ],
    [
      'a validation does not return a bool (synth would refuse it)',
      [join(FIXTURES, 'refused', 'bad-cel.yaml')],
      1,
      'import: refused: spec.validations[0].expression: returns int, must return bool (template replicas-not-bool@1.0.0): Kyverno v1.19 would refuse it (and so would synth); fix the policy and import again',
    ],
    ['no policy file is named', [], 2, 'error: import: name exactly one policy file'],
  ])('fails when %s, and writes nothing', (_label, args, status, message) => {
    const before = snapshot();
    const r = cli('import', ...(args as string[]), '--today', TODAY);
    expect(r.err).toContain(message);
    expect(r.status).toBe(status);
    expect(r.out).toBe('');
    expect(snapshot()).toBe(before);
  });
});

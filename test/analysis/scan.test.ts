import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readInputs } from '../../cli/commands/scan';
import { renderPolicy } from '../../policies/render';
import { allTemplatePolicies, environmentPolicyManifests } from '../support/fixtures';
import { findTemplate } from '../../policies';
import { parseManifests, type Manifest } from '../../lib/manifests';
import { REPO_ROOT } from '../../lib/paths';
import {
  ADMISSION_ONLY_MESSAGE,
  autogenExpression,
  honouredExceptionsOnly,
  PolicySet,
  resourceName,
  scanFails,
  selectorMatches,
  toPolicyReports,
} from '../../analysis/scan';
import { SchemaValidator, formatFinding } from '../../analysis/schema';

const docs = (yaml: string) => parseManifests(yaml, 'input.yaml');
const pod = (name: string, ns: string | undefined, spec: string, labels = '{}') =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}${ns ? `, namespace: ${ns}` : ''}, labels: ${labels}}\nspec: ${spec}\n`;
const policy = (template: string, opts: Partial<Parameters<typeof renderPolicy>[1]> = {}) =>
  renderPolicy(findTemplate(template)!, { org: 't', mode: 'Audit', ...opts });
const scanWith = (policies: Manifest[], yaml: string, now?: Date) => new PolicySet(policies, { now }).scan(docs(yaml));

describe('scan engine: policies that read the cluster', () => {
  const contextPolicy = (validations: object[], variables: object[] = []): Manifest => ({
    apiVersion: 'policies.kyverno.io/v1',
    kind: 'ValidatingPolicy',
    metadata: { name: 'ctx', labels: { 'krate.a5c.ai/policy-template': 'ctx' } },
    spec: {
      validationActions: ['Audit'],
      matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'], operations: ['CREATE'] }] },
      variables,
      validations,
    },
  });
  const cm = (name: string, data = '{}') => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: a}\ndata: ${data}\n`;
  const get = "dyn(resource.Get('v1', 'configmaps', 'a', 'other')) != null";

  it('reports skip (decided by Kyverno in the cluster) when a validation calls resource.Get, never pass', () => {
    const r = scanWith([contextPolicy([{ expression: get, message: 'needs other' }])], cm('x'));
    expect(r.results.map((x) => [x.result, x.message])).toEqual([
      [
        'skip',
        'validation 0: resource.Get reads other objects in the cluster: evaluated by Kyverno at admission and in its background scans, not offline',
      ],
    ]);
    expect(scanFails(r)).toBe(false);
  });

  it('keeps a failure found before the validation that reads the cluster', () => {
    const policy = contextPolicy([
      { expression: 'has(object.data.team)', message: 'data.team is required' },
      { expression: get, message: 'needs other' },
    ]);
    expect(scanWith([policy], cm('x')).results.map((x) => x.result)).toEqual(['fail']);
    expect(scanWith([policy], cm('y', '{team: a}')).results.map((x) => x.result)).toEqual(['skip']);
  });

  it('reports skip when a variable reads the cluster (resource.List)', () => {
    const policy = contextPolicy(
      [{ expression: 'size(variables.others) == 0' }],
      [{ name: 'others', expression: "resource.List('v1', 'configmaps', 'a').items" }],
    );
    expect(scanWith([policy], cm('x')).results.map((x) => [x.result, x.message])).toEqual([
      [
        'skip',
        'variable others: resource.List reads other objects in the cluster: evaluated by Kyverno at admission and in its background scans, not offline',
      ],
    ]);
  });
});

describe('scan engine', () => {
  it('matches resourceRules by group, resource and operation', () => {
    const p = policy('disallow-host-namespaces');
    const r = scanWith(
      [p],
      `${pod('a', 'x', '{hostPID: true, containers: []}')}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n`,
    );
    expect(r.results.map((x) => `${x.resource.kind}/${x.resource.name}:${x.result}`)).toEqual(['Pod/a:fail']);
    const deleteOnly = {
      ...p,
      spec: {
        ...(p.spec as object),
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['DELETE'] }] },
      },
    };
    expect(scanWith([deleteOnly as Manifest], pod('a', 'x', '{hostPID: true, containers: []}')).results).toEqual([]);
  });

  it('evaluates namespaceSelector against kubernetes.io/metadata.name and supplied Namespace labels; no namespace means default', () => {
    const p = policy('disallow-host-namespaces', {
      namespaceSelector: {
        matchExpressions: [
          { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] },
          { key: 'tier', operator: 'NotIn', values: ['system'] },
        ],
      },
    });
    const yaml = [
      pod('sys', 'kube-system', '{hostPID: true, containers: []}'),
      pod('labelled', 'infra', '{hostPID: true, containers: []}'),
      pod('plain', undefined, '{hostPID: true, containers: []}'),
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: infra, labels: {tier: system}}\n',
    ].join('---\n');
    expect(scanWith([p], yaml).results.map((x) => `${x.resource.namespace}/${x.resource.name}`)).toEqual(['default/plain']);
  });

  it('honours objectSelector and matchConditions', () => {
    const base = policy('disallow-host-namespaces');
    const p = {
      ...base,
      spec: {
        ...(base.spec as object),
        matchConstraints: { ...(base.spec as any).matchConstraints, objectSelector: { matchLabels: { scan: 'yes' } } },
      },
    } as Manifest;
    const yaml = `${pod('a', 'x', '{hostPID: true, containers: []}', '{scan: "yes"}')}---\n${pod('b', 'x', '{hostPID: true, containers: []}')}`;
    expect(scanWith([p], yaml).results.map((x) => x.resource.name)).toEqual(['a']);
    // disallow-privilege-escalation does not apply to Windows pods (matchCondition).
    const win = pod('w', 'x', '{os: {name: windows}, containers: [{name: c, image: i}]}');
    expect(scanWith([policy('disallow-privilege-escalation')], win).results).toEqual([]);
    // block-wip-pr-merge applies only when a merge is requested.
    expect(
      scanWith(
        [policy('block-wip-pr-merge')],
        'apiVersion: krate.a5c.ai/v1alpha1\nkind: PullRequest\nmetadata: {name: p, namespace: t}\nspec: {title: "WIP x", merge: false}\n',
      ).results,
    ).toEqual([]);
  });

  it('checks ephemeral containers on whole Pods, and a rule for only the pods/ephemeralcontainers subresource never matches a whole object', () => {
    const p = policy('disallow-privileged-containers');
    const debugged = pod(
      'dbg',
      'x',
      '{containers: [{name: c, image: i}], ephemeralContainers: [{name: debugger, image: busybox, securityContext: {privileged: true}}]}',
    );
    expect(scanWith([p], debugged).results.map((r) => `${r.resource.name}:${r.result}`)).toEqual(['dbg:fail']);
    const subresourceOnly = {
      ...p,
      spec: {
        ...(p.spec as object),
        matchConstraints: {
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods/ephemeralcontainers'], operations: ['UPDATE'] }],
        },
      },
    } as Manifest;
    expect(scanWith([subresourceOnly], debugged).results).toEqual([]);
  });

  it('auto-generates Pod policies for every pod controller (spec.template, CronJob spec.jobTemplate.spec.template)', () => {
    expect(
      autogenExpression(
        "object.spec.containers.all(c, object.metadata.?labels.orValue({}).size() > 0) && object.metadata.name != ''",
        'template',
      ),
    ).toBe(
      "object.spec.template.spec.containers.all(c, object.spec.template.metadata.?labels.orValue({}).size() > 0) && object.metadata.name != ''",
    );
    expect(autogenExpression('object.spec.hostPID', 'cronjob')).toBe('object.spec.jobTemplate.spec.template.spec.hostPID');
    const spec = '{hostPID: true, containers: [{name: c, image: i}]}';
    const yaml = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']
      .map(
        (k) => `apiVersion: apps/v1\nkind: ${k}\nmetadata: {name: ${k.toLowerCase()}, namespace: x}\nspec: {template: {spec: ${spec}}}\n`,
      )
      .concat([
        `apiVersion: batch/v1\nkind: Job\nmetadata: {name: job, namespace: x}\nspec: {template: {spec: ${spec}}}\n`,
        `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cronjob, namespace: x}\nspec: {jobTemplate: {spec: {template: {spec: ${spec}}}}}\n`,
      ])
      .join('---\n');
    expect(scanWith([policy('disallow-host-namespaces')], yaml).results.map((r) => `${r.resource.name}:${r.result}`)).toEqual(
      ['deployment', 'statefulset', 'daemonset', 'replicaset', 'job', 'cronjob'].map((n) => `${n}:fail`),
    );
  });

  it('reports skip when a PolicyException names the policy and all its matchConditions hold; ignores expired ones', () => {
    const p = policy('disallow-host-namespaces');
    const ex = (expiresAt: string) =>
      docs(
        `apiVersion: policies.kyverno.io/v1\nkind: PolicyException\nmetadata: {name: ex, namespace: krate-system}\nspec:\n  expiresAt: "${expiresAt}"\n  policyRefs: [{kind: ValidatingPolicy, name: ${p.metadata.name}}]\n  matchConditions: [{name: n, expression: "object.metadata.name == 'a'"}]\n`,
      )[0].manifest;
    const yaml = `${pod('a', 'x', '{hostPID: true, containers: []}')}---\n${pod('b', 'x', '{hostPID: true, containers: []}')}`;
    const now = new Date('2026-12-01T00:00:00Z');
    expect(scanWith([p, ex('2027-01-01T00:00:00Z')], yaml, now).results.map((r) => `${r.resource.name}:${r.result}`)).toEqual([
      'a:skip',
      'b:fail',
    ]);
    expect(scanWith([p, ex('2026-11-01T00:00:00Z')], yaml, now).results.map((r) => `${r.resource.name}:${r.result}`)).toEqual([
      'a:fail',
      'b:fail',
    ]);
  });

  it('reports ImageValidatingPolicies as skip (signatures are verified at admission only), honouring matching and exceptions by kind', () => {
    const p = policy('production-deployment-image-verified');
    expect(p.kind).toBe('ImageValidatingPolicy');
    const job = (name: string, env: string) =>
      `apiVersion: krate.a5c.ai/v1alpha1\nkind: Job\nmetadata: {name: ${name}, namespace: t, labels: {krate.a5c.ai/surface: deployment, krate.a5c.ai/environment: ${env}}}\nspec: {image: "r.example/app:1"}\n`;
    const yaml = `${job('prod-a', 'production')}---\n${job('prod-b', 'production')}---\n${job('stage', 'staging')}`;
    expect(scanWith([p], yaml).results.map((r) => `${r.resource.name}:${r.result}:${r.message}`)).toEqual([
      `prod-a:skip:${ADMISSION_ONLY_MESSAGE}`,
      `prod-b:skip:${ADMISSION_ONLY_MESSAGE}`,
    ]);
    const ex = (kind: string) =>
      docs(
        `apiVersion: policies.kyverno.io/v1\nkind: PolicyException\nmetadata: {name: ex, namespace: krate-system}\nspec:\n  policyRefs: [{kind: ${kind}, name: ${p.metadata.name}}]\n  matchConditions: [{name: n, expression: "object.metadata.name == 'prod-a'"}]\n`,
      )[0].manifest;
    expect(scanWith([p, ex('ImageValidatingPolicy')], yaml).results.map((r) => `${r.resource.name}:${r.message}`)).toEqual([
      'prod-a:exempted by PolicyException krate-system/ex',
      `prod-b:${ADMISSION_ONLY_MESSAGE}`,
    ]);
    // A ref with the wrong kind does not name the policy (Kyverno matches kind and name).
    expect(scanWith([p, ex('ValidatingPolicy')], yaml).results.map((r) => r.message)).toEqual([
      ADMISSION_ONLY_MESSAGE,
      ADMISSION_ONLY_MESSAGE,
    ]);
  });

  it('keeps only exceptions in the namespace Kyverno honours them in', () => {
    const ex = (ns: string) =>
      ({
        apiVersion: 'policies.kyverno.io/v1',
        kind: 'PolicyException',
        metadata: { name: `ex-${ns}`, namespace: ns },
        spec: {},
      }) as Manifest;
    const p = policy('disallow-host-path');
    expect(honouredExceptionsOnly([p, ex('krate-system'), ex('team-a')], 'krate-system').map((m) => m.metadata.name)).toEqual([
      p.metadata.name,
      'ex-krate-system',
    ]);
  });

  it('reports error (not a crash) when an expression cannot be evaluated', () => {
    const r = scanWith([policy('disallow-host-namespaces')], 'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x}\n');
    expect(r.results[0]).toMatchObject({ result: 'error' });
    expect(r.results[0].message).toContain('No such key: spec');
  });

  it('exits 1 for enforce-mode failures, not for audit-mode failures', () => {
    const yaml = pod('a', 'x', '{hostPID: true, containers: []}');
    expect(scanFails(scanWith([policy('disallow-host-namespaces')], yaml))).toBe(false);
    expect(scanFails(scanWith([policy('disallow-host-namespaces', { mode: 'Enforce' })], yaml))).toBe(true);
  });

  it('fails when any policy cannot be evaluated, in audit mode too', () => {
    const report = scanWith([policy('disallow-host-namespaces')], 'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x}\n');
    expect(report.results.map((r) => `${r.mode}:${r.result}`)).toEqual(['Audit:error']);
    expect(scanFails(report)).toBe(true);
  });

  it('keeps a generateName-only object, named by its generateName', () => {
    const r = scanWith(
      [policy('disallow-host-namespaces')],
      'apiVersion: v1\nkind: Pod\nmetadata: {generateName: job-, namespace: x}\nspec: {hostPID: true, containers: []}\n',
    );
    expect(r.results.map((x) => `${x.resource.kind}/${x.resource.namespace}/${x.resource.name}:${x.result}`)).toEqual(['Pod/x/job-:fail']);
  });

  it('fails when a policy expression does not compile, naming the policy and field', () => {
    const p = policy('disallow-host-namespaces');
    const broken = { ...p, spec: { ...(p.spec as object), validations: [{ expression: 'object.spec +', message: 'm' }] } } as Manifest;
    expect(() => new PolicySet([broken], { source: 'x.yaml' })).toThrow(
      `x.yaml: ValidatingPolicy/${p.metadata.name}: spec.validations[0].expression: CEL expression does not compile`,
    );
  });

  it('names resources and evaluates selectors as Kubernetes does', () => {
    expect(['Pod', 'Ingress', 'NetworkPolicy', 'Repository', 'Endpoints', 'WebhookSubscription'].map(resourceName)).toEqual([
      'pods',
      'ingresses',
      'networkpolicies',
      'repositories',
      'endpoints',
      'webhooksubscriptions',
    ]);
    expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['x'] }] }, {})).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'Exists' }] }, {})).toBe(false);
    expect(selectorMatches({ matchLabels: { a: 'x' } }, { a: 'x' })).toBe(true);
  });

  it('renders schema-valid wgpolicyk8s.io PolicyReports, one per resource', async () => {
    const policies = allTemplatePolicies();
    const report = new PolicySet(policies).scan(
      readInputs([join(REPO_ROOT, 'policies/pod-security-baseline/disallow-host-path/bad.yaml')]),
    );
    const reports = toPolicyReports(report, policies, new Date('2026-12-01T00:00:00Z'));
    expect(reports.length).toBe(new Set(report.results.map((r) => r.resource.name)).size);
    expect(reports[0]).toMatchObject({
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: 'PolicyReport',
      scope: { kind: 'Pod', name: 'bad-1', namespace: 'shop' },
    });
    const items = reports.map((manifest, index) => ({ manifest, file: 'report.yaml', index }));
    expect((await new SchemaValidator().validate(items)).map(formatFinding)).toEqual([]);
  });
});

describe('scan of our own manifests', () => {
  it('keeps an audit-override namespace in Audit while the template enforces elsewhere', async () => {
    // staging enforces require-labels but keeps job-runner in audit (environments/rollout.ts).
    const set = new PolicySet(environmentPolicyManifests('staging'));
    const unlabelled = (ns: string) => pod(`p-${ns}`, ns, '{containers: [{name: c, image: "nginx:1.27"}]}');
    const report = set.scan(docs(`${unlabelled('job-runner')}---\n${unlabelled('shop')}---\n${unlabelled('kube-system')}`));
    const labels = report.results
      .filter((r) => r.template === 'require-labels')
      .map((r) => `${r.resource.namespace}:${r.mode}:${r.result}`);
    expect(labels.sort()).toEqual(['job-runner:Audit:fail', 'shop:Enforce:fail']);
  });
});

describe('krate-policy scan (CLI)', () => {
  const cli = (args: string[], input?: string) =>
    spawnSync(process.execPath, [join(REPO_ROOT, '.build', 'cli', 'main.mjs'), 'scan', ...args], {
      encoding: 'utf8',
      input,
      cwd: REPO_ROOT,
    });
  const bad = pod('web', 'shop', '{hostPID: true, containers: [{name: c, image: "nginx:latest"}]}');

  it('prints the JSON shape and exits 0 when only audit policies fail', () => {
    const r = cli(['--all-templates', '--output', 'json', '-'], bad);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['results', 'summary']);
    expect(Object.keys(out.summary)).toEqual(['pass', 'fail', 'skip', 'error']);
    expect(out.results.find((x: { template: string }) => x.template === 'disallow-host-namespaces')).toEqual({
      policy: 'krate-scan-cluster-disallow-host-namespaces',
      template: 'disallow-host-namespaces',
      pack: 'pod-security-baseline',
      mode: 'Audit',
      resource: { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web' },
      result: 'fail',
      message: 'Sharing the host PID namespace is not allowed: spec.hostPID must be unset or false.',
      file: '-',
      line: 1,
      severity: 'high',
      suppressed: false,
    });
  });

  it('exits 1 when an enforce-mode policy fails (dev enforces disallow-latest-tag) and prints one line per failure', () => {
    const r = cli(['--env', 'dev', '-'], bad);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('FAIL  enforce  krate-a5c-cluster-disallow-latest-tag  Pod/shop/web  Images must be pinned');
    expect(r.stdout).toMatch(/scan \(environment dev, \d+ policies\): \d+ pass, \d+ fail, 0 skip, 0 error/);
  });

  it('fails when a document is not valid YAML, naming the file and document index (exit 2)', () => {
    const r = cli(['-'], `${bad}---\nkind: [\n`);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error: -: document 1: YAML error:');
  });

  it('fails when a file cannot be read or the environment is unknown (exit 2)', () => {
    expect(cli(['no/such.yaml']).stderr).toContain('error: no/such.yaml: no such file or folder');
    const r = cli(['--env', 'qa', 'dist']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error: --env: 'qa' is not an environment (one of dev|staging|prod)");
  });

  it('fails when --env is misspelled, suggesting the environment meant', () => {
    const r = cli(['--env', 'stagin', 'dist']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error: --env: 'stagin' is not an environment (did you mean 'staging'?) (one of dev|staging|prod)");
  });

  it('fails when a document is not a Kubernetes object, naming file and index', () => {
    expect(() => readInputs(['-'], () => 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\njust: data\n')).toThrow(
      '-: document 1: not a Kubernetes object (needs apiVersion and kind)',
    );
  });
});

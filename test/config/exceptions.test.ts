import { App, Testing } from 'cdk8s';
import { PolicyExceptions } from '../../constructs/policy-exceptions';
import { ENVIRONMENTS } from '../support/fixtures';
import { environmentPolicyManifests, fixtureEnvironment, fixtureSources, resolveFixture } from '../support/fixtures';
import { EXCEPTIONS } from '../support/fixtures';
import type { ExceptionRequest } from '../../environments/types';
import { runChecks } from '../../config/check';
import { resolveEnvironments } from '../support/fixtures';
import { join } from 'node:path';
import { readInputs } from '../../cli/commands/scan';
import { celEnvironment, exceptionMatchConditions, namedWorkloadCondition } from '../../config/exceptions';
import { PolicySet } from '../../analysis/scan';

const TODAY = '2026-11-22';
const good: ExceptionRequest = {
  name: 'node-exporter',
  environment: 'prod',
  template: 'disallow-host-path',
  namespaces: ['monitoring'],
  names: ['node-exporter'],
  justification: 'node-exporter reads /proc and /sys from the host.',
  ticket: 'PLAT-1',
  requester: 'sre-oncall@a5c.ai',
  approver: 'platform-lead@a5c.ai',
  requested: '2026-11-20',
  expiresAt: '2026-12-10',
};

/** Everything `check` reports for one exception (as untyped data, like a bad edit), on TODAY. */
function problemsFor(patch: Record<string, unknown>, today = TODAY): string {
  const e = { ...good, ...patch } as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete e[k];
  return runChecks(today, fixtureSources({ exceptions: [e as unknown as ExceptionRequest] })).problems.join('\n');
}

describe('exception requests', () => {
  it('accepts a bounded, approved exception', () => {
    expect(problemsFor({})).toBe('');
  });

  it('fails when an exception runs longer than the maximum', () => {
    expect(problemsFor({ expiresAt: '2027-03-01' })).toContain(
      "exceptions.node-exporter.expiresAt: '2027-03-01' is 101 days after requested '2026-11-20'; profile 'platform' of org 'a5c' allows at most 30 in environment prod (profiles[].exceptions.maxDays); shorten it or renew it later with a new request (edit environments/exceptions.ts)",
    );
  });

  it('fails when an exception has no expiry', () => {
    expect(problemsFor({ expiresAt: undefined })).toContain(
      'exceptions.node-exporter.expiresAt: missing: every exception expires; write a date at most 30 days after requested',
    );
  });

  it('fails when the expiry is not after the request', () => {
    expect(problemsFor({ expiresAt: '2026-11-20' })).toContain(
      "exceptions.node-exporter.expiresAt: '2026-11-20' is not after requested '2026-11-20'",
    );
  });

  it('fails when the request date is not a date', () => {
    expect(problemsFor({ requested: 'yesterday' })).toContain(
      "exceptions.node-exporter.requested: 'yesterday' is not a date like 2026-11-22 (YYYY-MM-DD)",
    );
  });

  it('fails when risk acceptance is missing for an enforced template', () => {
    // require-labels enforces in staging (enforce:staging in environments/rollout.ts).
    expect(problemsFor({ environment: 'staging', template: 'require-labels' })).toContain(
      "exceptions.node-exporter.riskAcceptance: missing: 'require-labels' enforces in staging for org 'a5c', and profile 'krate-default' requires the approver to record the accepted risk",
    );
  });

  it('fails when the approver is missing', () => {
    expect(problemsFor({ approver: '' })).toContain(
      'exceptions.node-exporter.approver: missing approver: name the platform engineer who approved this exception',
    );
  });

  it('fails when the ticket is not a ticket key or URL', () => {
    expect(problemsFor({ ticket: 'see slack' })).toContain(
      "exceptions.node-exporter.ticket: 'see slack' is not a ticket key like PLAT-1234 or an https URL",
    );
  });

  it('fails when the justification is too short', () => {
    expect(problemsFor({ justification: 'needed' })).toContain(
      "exceptions.node-exporter.justification: 'needed' is too short: say why the bypass is needed (profile 'platform' of org 'a5c' asks for at least 20 characters)",
    );
  });

  it('fails when an exception covers every resource', () => {
    expect(problemsFor({ namespaces: undefined, names: undefined })).toContain(
      'exceptions.node-exporter: covers every resource: list the namespaces and/or resource names (names) the exception is for',
    );
  });

  it('fails when an exception names a protected namespace', () => {
    expect(problemsFor({ namespaces: ['kube-system'] })).toContain(
      "exceptions.node-exporter.namespaces[0]: 'kube-system' is a protected namespace: policies never run there, so no exception is needed; remove it",
    );
  });

  it('fails when a resource name is not a Kubernetes name', () => {
    expect(problemsFor({ names: ['Node_Exporter'] })).toContain(
      "exceptions.node-exporter.names[0]: 'Node_Exporter' is not a Kubernetes object name (lowercase DNS subdomain)",
    );
  });

  it('fails when a condition is not valid CEL', () => {
    expect(problemsFor({ conditions: [{ name: 'bad', expression: 'object.kind ==' }] })).toContain(
      "exceptions.node-exporter.conditions[0].expression: 'object.kind ==' is not valid CEL",
    );
  });

  it('fails when a condition does not return a bool (Kyverno refuses the PolicyException)', () => {
    expect(problemsFor({ conditions: [{ name: 'bad', expression: 'object.metadata.name' }] })).toContain(
      "exceptions.node-exporter.conditions[0].expression: 'object.metadata.name' is not valid CEL: returns dyn, must return bool (edit environments/exceptions.ts)",
    );
    expect(problemsFor({ conditions: [{ name: 'bad', expression: 'params.x == 1' }] })).toContain(
      "'params.x == 1' is not valid CEL: Unknown variable: params",
    );
  });

  it('fails when a condition reuses a generated condition name', () => {
    expect(problemsFor({ conditions: [{ name: 'krate-namespaces', expression: 'true' }] })).toContain(
      "exceptions.node-exporter.conditions[0].name: 'krate-namespaces' is already used in this exception; pick another name",
    );
  });

  it('fails when a condition limits a pod template to a controller kind, leaving its Pods uncovered', () => {
    expect(problemsFor({ conditions: [{ name: 'daemonsets-only', expression: "object.kind == 'DaemonSet'" }] })).toContain(
      `exceptions.node-exporter.conditions[0].expression: 'object.kind == 'DaemonSet'' matches only the DaemonSet, never the Pods (or ReplicaSets/Jobs) it creates, which 'disallow-host-path' checks too, so they would still fail (and be denied once it enforces); drop the condition`,
    );
    expect(
      problemsFor({
        conditions: [
          {
            name: 'ds',
            expression:
              "object.kind == 'DaemonSet' || object.metadata.?ownerReferences.orValue([]).exists(r, r.?kind.orValue('') == 'DaemonSet')",
          },
        ],
      }),
    ).toBe('');
    // Not a pod template: a kind condition narrows nothing that autogen would check.
    expect(
      problemsFor({
        template: 'require-pr-description',
        riskAcceptance: 'x',
        conditions: [{ name: 'k', expression: "object.kind == 'Job'" }],
      }),
    ).not.toContain('matches only the Job');
  });

  it('fails when the template is not rendered in that environment (synth refuses it, not only check)', () => {
    // The fixture rollout has production-deployment-image-verified at audit:dev: nothing renders in prod.
    const message =
      "exceptions.node-exporter.template: 'production-deployment-image-verified' is not rendered in prod (its rollout stage does not reach prod, or profile 'platform' leaves it out), so the exception has nothing to bypass; remove it, or promote the template first (edit environments/exceptions.ts)";
    expect(problemsFor({ template: 'production-deployment-image-verified' })).toContain(message);
    expect(() => resolveFixture({ exceptions: [{ ...good, template: 'production-deployment-image-verified' }] })).toThrow(message);
  });

  it('fails when the template is unknown', () => {
    expect(problemsFor({ template: 'disallow-hostpath' })).toContain(
      "exceptions.node-exporter.template: 'disallow-hostpath' is not a known template (did you mean 'disallow-host-path'?); templates are the folders policies/<pack>/<template>/",
    );
  });

  it('fails when the environment is not on the ladder', () => {
    expect(problemsFor({ environment: 'qa' })).toContain("exceptions.node-exporter.environment: 'qa' is not one of dev|staging|prod");
  });

  it('fails when an exception has an unknown field', () => {
    expect(problemsFor({ expires: '2026-12-01' })).toContain(
      'exceptions.node-exporter.expires: unknown field; expected one of name|environment|template|namespaces|names|conditions',
    );
  });

  it('fails when two exceptions in one environment share a name', () => {
    const problems = runChecks(TODAY, fixtureSources({ exceptions: [good, good] })).problems.join('\n');
    expect(problems).toContain(
      "exceptions.node-exporter.name: 'node-exporter' is used twice in environment prod; exception names must be unique per environment",
    );
  });
});

describe('check (dated rules)', () => {
  it('fails when an exception has expired', () => {
    expect(problemsFor({}, '2026-12-10')).toContain(
      'exceptions.node-exporter (prod): expired on 2026-12-10 (today is 2026-12-10): remove it from environments/exceptions.ts, or file a new request',
    );
  });

  it('fails when an exception is requested in the future', () => {
    expect(problemsFor({ requested: '2026-11-25' })).toContain(
      'exceptions.node-exporter (prod): requested 2026-11-25 is in the future (today is 2026-11-22)',
    );
  });

  it('fails when a rollout date is in the future', () => {
    const problems = runChecks(
      TODAY,
      fixtureSources({ rollout: { 'require-labels': { stage: 'audit:dev', since: '2026-12-24' } }, exceptions: [] }),
    ).problems;
    expect(problems).toContain(
      'rollout.require-labels: audit:dev → audit:dev: since 2026-12-24 is in the future (today is 2026-11-22); a stage begins when it is merged [rule: future-date]',
    );
  });
});

describe('PolicyException rendering', () => {
  const envs = resolveEnvironments(ENVIRONMENTS);
  const prod = envs.find((e) => e.name === 'prod')!;

  it('renders in the exception namespace, referencing the generated policy, with the expiry', () => {
    const app = Testing.app() as App;
    const chart = new PolicyExceptions(app, 'x', { env: fixtureEnvironment('prod', { exceptions: [good] }) });
    const [obj, ...rest] = chart.toJson();
    expect(rest).toEqual([]);
    expect(obj).toMatchObject({
      apiVersion: 'policies.kyverno.io/v1',
      kind: 'PolicyException',
      metadata: {
        name: 'node-exporter',
        namespace: prod.kyverno.policyNamespace,
        labels: { 'krate.a5c.ai/policy-template': 'disallow-host-path' },
        annotations: { 'krate.a5c.ai/approver': 'platform-lead@a5c.ai', 'krate.a5c.ai/ticket': 'PLAT-1' },
      },
      spec: { policyRefs: [{ name: 'krate-a5c-cluster-disallow-host-path', kind: 'ValidatingPolicy' }], expiresAt: '2026-12-10T00:00:00Z' },
    });
    // No cleanup.kyverno.io/ttl: Kyverno would delete the object and Argo CD's self-heal recreate it,
    // in a loop; spec.expiresAt already ends the exception, and `check` turns CI red until git drops it.
    expect(
      Object.keys((obj as { metadata: { labels: object } }).metadata.labels).filter((l) => l.startsWith('cleanup.kyverno.io/')),
    ).toEqual([]);
  });

  it('builds matchConditions that the real CEL engine evaluates as intended', () => {
    const conditions = exceptionMatchConditions({
      ...good,
      conditions: [{ name: 'daemonsets', expression: "object.kind == 'DaemonSet'" }],
    });
    const matches = (object: unknown): boolean => conditions.every((c) => celEnvironment().evaluate(c.expression, { object }) === true);
    const ds = { kind: 'DaemonSet', metadata: { namespace: 'monitoring', name: 'node-exporter' } };
    expect(matches(ds)).toBe(true);
    expect(matches({ ...ds, metadata: { namespace: 'shop', name: 'node-exporter' } })).toBe(false);
    expect(matches({ ...ds, metadata: { namespace: 'monitoring', name: 'other' } })).toBe(false);
    expect(matches({ ...ds, kind: 'Deployment' })).toBe(false);
    expect(matches({ kind: 'Namespace', metadata: { name: 'node-exporter' } })).toBe(false); // cluster-scoped: no namespace
  });

  it("covers what a named workload owns: its ReplicaSets and Pods, a DaemonSet's, StatefulSet's or Job's Pods, a CronJob's Jobs and Pods", () => {
    const covers = (object: unknown, names = ['billing-api', 'nightly', 'web.v1']) =>
      celEnvironment().evaluate(namedWorkloadCondition(names), { object }) === true;
    const owned = (kind: string, name: string) => [{ apiVersion: 'apps/v1', kind, name, uid: 'u', controller: true }];
    expect(covers({ metadata: { name: 'billing-api' } })).toBe(true);
    expect(covers({ metadata: { name: 'billing-api-5d8f7c', ownerReferences: owned('Deployment', 'billing-api') } })).toBe(true);
    // A Deployment's Pod at admission: no name yet, generateName and pod-template-hash from its ReplicaSet.
    expect(covers({ metadata: { generateName: 'billing-api-5d8f7c-', labels: { 'pod-template-hash': '5d8f7c' } } })).toBe(true);
    expect(
      covers({ metadata: { labels: { 'pod-template-hash': '5d8f7c' }, ownerReferences: owned('ReplicaSet', 'billing-api-5d8f7c') } }),
    ).toBe(true);
    expect(covers({ metadata: { name: 'nightly-29123456', ownerReferences: owned('CronJob', 'nightly') } })).toBe(true);
    expect(covers({ metadata: { generateName: 'nightly-29123456-', ownerReferences: owned('Job', 'nightly-29123456') } })).toBe(true);
    expect(covers({ metadata: { ownerReferences: owned('Job', 'web.v1-29123456') } })).toBe(true);
    // Similar names are not covered: a bare prefix match would take billing-api-v2's Pods too.
    expect(covers({ metadata: { name: 'billing-api-v2' } })).toBe(false);
    expect(
      covers({
        metadata: {
          generateName: 'billing-api-v2-7c9f4b-',
          labels: { 'pod-template-hash': '7c9f4b' },
          ownerReferences: owned('ReplicaSet', 'billing-api-v2-7c9f4b'),
        },
      }),
    ).toBe(false);
    expect(covers({ metadata: { generateName: 'billing-api-' } })).toBe(false);
    expect(covers({ metadata: { ownerReferences: owned('Job', 'nightly-backfill') } })).toBe(false);
    expect(covers({ metadata: { ownerReferences: owned('Job', 'webxv1-1') } })).toBe(false); // '.' is literal
    expect(covers({})).toBe(false);
  });

  it('skips the excepted workloads and everything they own in scan; similar names and ownerless look-alikes still fail', async () => {
    const items = readInputs([join(__dirname, 'fixtures', 'excepted-workloads.yaml')]);
    const results = async (env: string, template: string) =>
      new PolicySet(environmentPolicyManifests(env))
        .scan(items)
        .results.filter((r) => r.template === template)
        .map((r) => `${r.resource.kind}/${r.resource.name}: ${r.mode} ${r.result}`);
    expect((await results('staging', 'require-labels')).filter((r) => r.includes('billing'))).toEqual([
      'Deployment/billing-api: Enforce skip',
      'ReplicaSet/billing-api-5d8f7c: Enforce skip',
      'Pod/billing-api-5d8f7c-abcde: Enforce skip',
      'Deployment/billing-api-v2: Enforce fail',
      'ReplicaSet/billing-api-v2-7c9f4b: Enforce fail',
      'Pod/billing-api-v2-7c9f4b-qwert: Enforce fail',
    ]);
    expect((await results('prod', 'disallow-host-path')).filter((r) => r.includes('node-exporter'))).toEqual([
      'DaemonSet/node-exporter: Audit skip',
      'Pod/node-exporter-x7k2p: Audit skip',
      'Pod/node-exporter-debug: Audit fail',
    ]);
  });

  it('ships example exceptions for every environment', () => {
    expect(new Set(EXCEPTIONS.map((e) => e.environment))).toEqual(new Set(['dev', 'staging', 'prod']));
  });
});

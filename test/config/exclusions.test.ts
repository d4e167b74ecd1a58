import { ENVIRONMENTS, type EnvironmentConfig } from '../support/fixtures';
import { resolveEnvironments } from '../support/fixtures';
import { configErrorOf, type Mutable } from '../support/config-errors';
import {
  auditOverrideNamespaces,
  excludedNamespaces,
  platformNamespaces,
  policyNamespaceSelector,
  PROTECTED_NAMESPACES,
  templateExcludedNamespaces,
} from '../../config/exclusions';

const prod = ENVIRONMENTS.find((e) => e.name === 'prod')!;

function withExclusions(exclusions: unknown, patch: (e: Mutable) => void = () => undefined): EnvironmentConfig {
  const e = JSON.parse(JSON.stringify(prod)) as Mutable;
  e.exclusions = exclusions;
  patch(e);
  return e as EnvironmentConfig;
}

const errorFor = (config: EnvironmentConfig): string => configErrorOf([config]);

describe('namespace exclusions', () => {
  it('layers protected, built-in platform and per-environment platform namespaces', () => {
    const [env] = resolveEnvironments([withExclusions({ platformNamespaces: ['cert-manager', 'csi-driver'] })]);
    expect(platformNamespaces(env)).toEqual(['argocd', 'cert-manager', 'csi-driver', 'krate-system', 'kyverno']);
    expect(excludedNamespaces(env)).toEqual([
      'argocd',
      'cert-manager',
      'csi-driver',
      'krate-system',
      'kube-node-lease',
      'kube-public',
      'kube-system',
      'kyverno',
    ]);
  });

  it('adds per-template exclusions only to that template', () => {
    const [env] = resolveEnvironments([withExclusions({ templates: { 'disallow-host-path': ['monitoring'] } })]);
    expect(templateExcludedNamespaces(env, 'disallow-host-path')).toContain('monitoring');
    expect(templateExcludedNamespaces(env, 'require-labels')).not.toContain('monitoring');
  });

  it('drops a platform namespace only through a justified override, never a protected one', () => {
    const [env] = resolveEnvironments([
      withExclusions({
        removePlatformExclusions: [
          { namespace: 'krate-system', justification: 'Krate runs untrusted webhooks here; they must be audited too.' },
        ],
      }),
    ]);
    expect(excludedNamespaces(env)).not.toContain('krate-system');
    for (const ns of PROTECTED_NAMESPACES) expect(excludedNamespaces(env)).toContain(ns);
  });

  it('renders label-scoped matching into the namespaceSelector', () => {
    const [env] = resolveEnvironments([
      withExclusions({
        namespaceLabels: [{ key: 'krate.a5c.ai/org' }, { key: 'krate.a5c.ai/trust-tier', values: ['untrusted', 'trusted'] }],
      }),
    ]);
    expect(policyNamespaceSelector(env, 'require-labels', 'cluster', []).matchExpressions).toEqual([
      { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: excludedNamespaces(env) },
      { key: 'krate.a5c.ai/org', operator: 'Exists' },
      { key: 'krate.a5c.ai/trust-tier', operator: 'In', values: ['trusted', 'untrusted'] },
    ]);
  });

  it('splits an enforcing template with audit overrides into an enforce and an audit selector', () => {
    const envs = resolveEnvironments(ENVIRONMENTS);
    const staging = envs.find((e) => e.name === 'staging')!;
    const prodEnv = envs.find((e) => e.name === 'prod')!;
    const overrides = auditOverrideNamespaces(staging, 'require-labels', ['job-runner', 'kube-system']);
    expect(overrides).toEqual(['job-runner']);
    expect(policyNamespaceSelector(staging, 'require-labels', 'cluster', overrides).matchExpressions![0]).toEqual({
      key: 'kubernetes.io/metadata.name',
      operator: 'NotIn',
      values: [...excludedNamespaces(staging), 'job-runner'].sort(),
    });
    expect(policyNamespaceSelector(staging, 'require-labels', 'audit', overrides).matchExpressions![0]).toEqual({
      key: 'kubernetes.io/metadata.name',
      operator: 'In',
      values: ['job-runner'],
    });
    // Without overrides (prod only audits require-labels) one policy covers job-runner too.
    expect(policyNamespaceSelector(prodEnv, 'require-labels', 'cluster', []).matchExpressions![0].values).not.toContain('job-runner');
  });

  it('fails when an override removes kube-system, naming the environment and namespace', () => {
    expect(
      errorFor(
        withExclusions({
          removePlatformExclusions: [{ namespace: 'kube-system', justification: 'we want to police kube-system as well' }],
        }),
      ),
    ).toContain(
      "environments.prod.exclusions.removePlatformExclusions[0].namespace: 'kube-system' is a protected namespace in environment prod: it can never be removed from exclusions",
    );
  });

  it('fails when an override removes a platform namespace without a justification', () => {
    expect(errorFor(withExclusions({ removePlatformExclusions: [{ namespace: 'argocd', justification: 'because' }] }))).toContain(
      "environments.prod.exclusions.removePlatformExclusions[0].justification: dropping platform namespace 'argocd' in environment prod needs a justification of at least 20 characters, got 'because'",
    );
  });

  it('fails when an override names a namespace that is not a platform namespace', () => {
    expect(
      errorFor(withExclusions({ removePlatformExclusions: [{ namespace: 'shop', justification: 'nothing to remove here at all' }] })),
    ).toContain(
      "environments.prod.exclusions.removePlatformExclusions[0].namespace: 'shop' is not a platform namespace of environment prod",
    );
  });

  it('fails when a platform namespace repeats a protected one', () => {
    expect(errorFor(withExclusions({ platformNamespaces: ['kube-system'] }))).toContain(
      "environments.prod.exclusions.platformNamespaces[0]: 'kube-system' is always excluded in environment prod (protected namespace); remove it from the list",
    );
  });

  it('fails when a platform namespace is listed twice', () => {
    expect(errorFor(withExclusions({ platformNamespaces: ['cert-manager', 'cert-manager'] }))).toContain(
      "environments.prod.exclusions.platformNamespaces[1]: 'cert-manager' is listed twice",
    );
  });

  it('fails when per-template exclusions name an unknown template', () => {
    expect(errorFor(withExclusions({ templates: { 'no-such-template': ['x'] } }))).toContain(
      "environments.prod.exclusions.templates.no-such-template: unknown template 'no-such-template'",
    );
  });

  it("fails when a namespace label key's name is longer than 63 characters", () => {
    const key = `example.com/${'a'.repeat(64)}`;
    expect(errorFor(withExclusions({ namespaceLabels: [{ key }] }))).toContain(
      `environments.prod.exclusions.namespaceLabels[0].key: '${key}' is not a valid label key (an optional DNS-subdomain prefix and '/', then a name of 1–63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit)`,
    );
  });

  it('fails when a namespace label key is invalid', () => {
    expect(errorFor(withExclusions({ namespaceLabels: [{ key: 'not a key' }] }))).toContain(
      "environments.prod.exclusions.namespaceLabels[0].key: 'not a key' is not a valid label key (an optional DNS-subdomain prefix and '/', then a name of 1–63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit)",
    );
  });

  it('fails when namespace label values are an empty list', () => {
    expect(errorFor(withExclusions({ namespaceLabels: [{ key: 'krate.a5c.ai/org', values: [] }] }))).toContain(
      'environments.prod.exclusions.namespaceLabels[0].values: must list at least one label value (or omit values to require only the key)',
    );
  });

  it('fails when the exclusions have an unknown field', () => {
    expect(errorFor(withExclusions({ protectedNamespaces: [] }))).toContain(
      'environments.prod.exclusions.protectedNamespaces: unknown field; expected one of platformNamespaces|removePlatformExclusions|templates|namespaceLabels',
    );
  });

  it('fails when an environment name is not a rung of the ladder', () => {
    expect(errorFor(withExclusions({}, (e) => (e.name = 'qa')))).toContain(
      "environments.qa.name: 'qa' is not on the rollout ladder; an environment's ladder position is its name, one of dev|staging|prod",
    );
  });

  it("fails when a profile's exception maximum is not a whole number of days", () => {
    const profile = { name: 'p', displayName: 'P', templates: ['*'], posture: 'enforce', exceptions: { maxDays: 0 } };
    expect(errorFor(withExclusions({}, (e) => (e.profiles = [profile])))).toContain(
      'environments.prod.profiles[0].exceptions.maxDays: 0 must be a whole number from 1 to 365',
    );
  });

  it('fails when the failing-result threshold is negative', () => {
    expect(errorFor(withExclusions({}, (e) => (e.promotion = { maxFailingResults: -1 })))).toContain(
      'environments.prod.promotion.maxFailingResults: -1 must be a whole number from 0 to 1000000',
    );
  });
});

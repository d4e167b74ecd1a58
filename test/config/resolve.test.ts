import { ENVIRONMENTS } from '../support/fixtures';
import { resolveEnvironments } from '../support/fixtures';
import type { EnvironmentConfig } from '../../environments/types';
import { editableEnvironment, errorFor } from '../support/config-errors';

const prod = ENVIRONMENTS.find((e) => e.name === 'prod')!;

describe('resolveEnvironments', () => {
  it('resolves every shipped environment with defaults applied', () => {
    const envs = resolveEnvironments(ENVIRONMENTS);
    expect(envs.map((e) => e.name)).toEqual(['dev', 'staging', 'prod']);
    const p = envs[2];
    expect(p.argocd).toMatchObject({ repoURL: prod.argocd.repoURL, targetRevision: 'main', namespace: 'argocd', project: 'krate-prod' });
    expect(p.kyverno.managed).toEqual({
      chartVersion: '3.9.0',
      admissionReplicas: 3,
      controllerReplicas: 2,
      installMethod: 'argocd',
      values: {},
    });
    expect(p.kyverno.policyNamespace).toBe('krate-system');
  });

  it('fails when the kyverno mode is misspelled', () => {
    expect(errorFor((e) => (e.kyverno.mode = 'managd'))).toContain(
      "environments.prod.kyverno.mode: 'managd' is not one of disabled|byo|managed|auto (edit environments/prod.ts)",
    );
  });

  it('fails when an environment has an unknown field', () => {
    expect(errorFor((e) => (e.kyvern = {}))).toContain(
      'environments.prod.kyvern: unknown field; expected one of name|org|argocd|clusters|kyverno|krate|exclusions|profiles|orgs|bindings|people|promotion',
    );
  });

  it('fails when the org is not a DNS label', () => {
    expect(errorFor((e) => (e.org = 'A5C_AI'))).toContain("environments.prod.org: 'A5C_AI' is not a DNS label");
  });

  it('fails when the repo URL is not a URL', () => {
    expect(errorFor((e) => (e.argocd.repoURL = 'not a url'))).toContain("environments.prod.argocd.repoURL: 'not a url' is not a URL");
  });

  it('fails when no cluster is listed', () => {
    expect(errorFor((e) => (e.clusters = []))).toContain('environments.prod.clusters: must list at least one cluster');
  });

  it('fails when a cluster is listed twice', () => {
    expect(errorFor((e) => (e.clusters = [{ name: 'a' }, { name: 'a' }]))).toContain(
      "environments.prod.clusters[1].name: 'a' is listed twice",
    );
  });

  it('fails when a cluster server is not https', () => {
    expect(errorFor((e) => (e.clusters = [{ name: 'a', server: 'http://x' }]))).toContain(
      "environments.prod.clusters[0].server: 'http://x' is not a URL (https:)",
    );
  });

  it('fails when a cluster label value is invalid', () => {
    expect(errorFor((e) => (e.clusters = [{ name: 'a', labels: { env: 'no spaces' } }]))).toContain(
      "environments.prod.clusters[0].labels.env: 'no spaces' is not a valid label value (1–63 characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit)",
    );
  });

  it('fails when the Kyverno chart version is a range', () => {
    expect(errorFor((e) => (e.kyverno.managed = { chartVersion: '^3.9.0' }))).toContain(
      "environments.prod.kyverno.managed.chartVersion: '^3.9.0' is not an exact version like 3.9.0 (ranges are not allowed: pin it)",
    );
  });

  it('fails when replicas are out of range', () => {
    expect(errorFor((e) => (e.kyverno.managed = { admissionReplicas: 0 }))).toContain(
      'environments.prod.kyverno.managed.admissionReplicas: 0 must be a whole number from 1 to 15',
    );
  });

  it.each(['disabled', 'auto'] as const)(
    'fails when the ladder enforces a template in an environment whose Kyverno is %s and requireForEnforceMode is true',
    (mode) => {
      // require-labels is at enforce:staging in environments/rollout.ts.
      expect(errorFor((e) => (e.kyverno = { mode }), 'staging')).toContain(
        `environments.staging.kyverno.mode: '${mode}' renders no policies, but the ladder enforces require-labels in staging (environments/rollout.ts: enforce:staging) and kyverno.requireForEnforceMode is true: nothing would enforce it (edit environments/staging.ts: set kyverno.mode to managed or byo, or kyverno.requireForEnforceMode: false; or move require-labels below enforce:staging in environments/rollout.ts)`,
      );
    },
  );

  it('accepts an enforcing ladder without Kyverno when requireForEnforceMode is false', () => {
    const staging = editableEnvironment('staging');
    staging.kyverno = { mode: 'disabled', requireForEnforceMode: false };
    expect(() => resolveEnvironments([staging as EnvironmentConfig])).not.toThrow();
  });

  it('fails when a byo environment does not name its exception namespace', () => {
    expect(errorFor((e) => (e.kyverno = { mode: 'byo' }), 'staging')).toContain(
      "environments.staging.kyverno.policyNamespace: must be set when kyverno.mode is 'byo': Kyverno honours PolicyExceptions only in its features.policyExceptions.namespace, which the existing Kyverno's owners choose, not this repository; a default could put every exception where Kyverno ignores it (set it to that Kyverno's features.policyExceptions.namespace) (edit environments/staging.ts)",
    );
  });

  it('takes the byo exception namespace as configured', () => {
    const staging = editableEnvironment('staging');
    staging.kyverno = { mode: 'byo', policyNamespace: 'kyverno-exceptions' };
    expect(resolveEnvironments([staging as EnvironmentConfig])[0].kyverno.policyNamespace).toBe('kyverno-exceptions');
  });

  it('fails when two environments share a name', () => {
    expect(() => resolveEnvironments([prod, prod])).toThrow("environments.prod.name: 'prod' is defined twice");
  });

  it('reports every problem at once', () => {
    const msg = errorFor((e) => {
      e.org = '';
      e.kyverno.mode = 'x';
    });
    expect(msg.split('\n')).toHaveLength(2);
  });
});

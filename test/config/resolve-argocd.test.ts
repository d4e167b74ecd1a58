import { ENVIRONMENTS } from '../support/fixtures';
import { resolveEnvironments } from '../support/fixtures';
import { errorFor } from '../support/config-errors';

const prod = ENVIRONMENTS.find((e) => e.name === 'prod')!;

describe('resolveEnvironments: Argo CD sync policy and fleets', () => {
  const envs = resolveEnvironments(ENVIRONMENTS);
  const byName = (n: string) => envs.find((e) => e.name === n)!;

  it('resolves sync policy per environment as data, with retry defaults', () => {
    expect(byName('dev').argocd.syncPolicy).toEqual({
      automated: true,
      prune: true,
      selfHeal: true,
      retry: { limit: 5, duration: '10s', factor: 2, maxDuration: '5m' },
    });
    expect(byName('prod').argocd.syncPolicy).toMatchObject({ automated: true, prune: false, selfHeal: true });
  });

  it('adds the fleet labels to every cluster and applies per-cluster overrides', () => {
    const p = byName('prod');
    expect(p.clusters.map((c) => c.labels['krate.a5c.ai/policy-environment'])).toEqual(['prod', 'prod', 'prod']);
    expect(p.clusters.map((c) => c.labels['krate.a5c.ai/cluster'])).toEqual(p.clusters.map((c) => c.name));
    const gov = p.clusters.find((c) => c.name === 'prod-us-gov-1')!;
    expect(gov.syncPolicy).toMatchObject({ automated: false, prune: false, selfHeal: false });
    expect(gov.targetRevision).toBe('main');
    expect(p.clusters[0].syncPolicy).toBe(p.argocd.syncPolicy);
  });

  it('defaults to automated sync without prune or self-heal', () => {
    const [env] = resolveEnvironments([{ ...prod, argocd: { repoURL: prod.argocd.repoURL } }]);
    expect(env.argocd.syncPolicy).toMatchObject({ automated: true, prune: false, selfHeal: false });
  });

  it('fails when prune is set on a manual sync policy', () => {
    expect(errorFor((e) => (e.argocd.syncPolicy = { automated: false, prune: true }))).toContain(
      'environments.prod.argocd.syncPolicy.prune: only applies to automated sync; set automated: true or remove prune (edit environments/prod.ts)',
    );
  });

  it('fails when a sync policy field is misspelled', () => {
    expect(errorFor((e) => (e.argocd.syncPolicy = { selfheal: true }))).toContain(
      'environments.prod.argocd.syncPolicy.selfheal: unknown field; expected one of automated|prune|selfHeal|retry',
    );
  });

  it('fails when a sync policy flag is not a boolean', () => {
    expect(errorFor((e) => (e.argocd.syncPolicy = { automated: 'yes' }))).toContain(
      "environments.prod.argocd.syncPolicy.automated: 'yes' must be true or false (edit environments/prod.ts)",
    );
  });

  it('fails when a retry duration is not a duration', () => {
    expect(errorFor((e) => (e.argocd.syncPolicy = { retry: { maxDuration: '5 minutes' } }))).toContain(
      `environments.prod.argocd.syncPolicy.retry.maxDuration: "5 minutes" is not a duration like '10s', '5m' or '1h' (edit environments/prod.ts)`,
    );
  });

  it('fails when a retry limit is out of range', () => {
    expect(errorFor((e) => (e.argocd.syncPolicy = { retry: { limit: -1 } }))).toContain(
      'environments.prod.argocd.syncPolicy.retry.limit: -1 must be a whole number from 0 to 100',
    );
  });

  it('fails when a cluster override is misspelled', () => {
    expect(errorFor((e) => (e.clusters[0].overrides = { targetRevison: 'x' }))).toContain(
      'environments.prod.clusters[0].overrides.targetRevison: unknown field; expected one of targetRevision|syncPolicy',
    );
  });

  it('fails when a cluster override sync policy is invalid', () => {
    expect(errorFor((e) => (e.clusters[0].overrides = { syncPolicy: { automated: false, selfHeal: true } }))).toContain(
      'environments.prod.clusters[0].overrides.syncPolicy.selfHeal: only applies to automated sync',
    );
  });

  it('fails when a cluster override revision is empty', () => {
    expect(errorFor((e) => (e.clusters[0].overrides = { targetRevision: ' ' }))).toContain(
      "environments.prod.clusters[0].overrides.targetRevision: ' ' must be a non-empty string",
    );
  });

  it('fails when two clusters share an API server', () => {
    expect(
      errorFor(
        (e) =>
          (e.clusters = [
            { name: 'a', server: 'https://x' },
            { name: 'b', server: 'https://x' },
          ]),
      ),
    ).toContain(
      "environments.prod.clusters[1].server: 'https://x' is already cluster 'a'; each cluster needs its own API server URL (edit environments/prod.ts)",
    );
  });

  it('fails when a cluster sets a derived fleet label to another value', () => {
    expect(errorFor((e) => (e.clusters[0].labels = { 'krate.a5c.ai/policy-environment': 'staging' }))).toContain(
      "environments.prod.clusters[0].labels.krate.a5c.ai/policy-environment: 'staging' must be 'prod' (it is derived; remove the label from environments/prod.ts)",
    );
  });
});

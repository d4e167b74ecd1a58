import { ApiObject, App } from 'cdk8s';
import type { Construct } from 'constructs';
import type { CatalogEntry } from '../../constructs/krate-environment';
import { AppChart } from '../../constructs/app-chart';
import { KrateEnvironment } from '../../constructs/krate-environment';
import { ENVIRONMENTS, type EnvironmentConfig, type ResolvedEnvironment } from '../support/fixtures';
import { resolveEnvironments } from '../support/fixtures';
import type { Manifest } from '../../lib/manifests';
import { formatFinding, SchemaValidator } from '../../analysis/schema';

const dev = ENVIRONMENTS.find((e) => e.name === 'dev')!;

type Any = any;

/** An app rendering the given objects (no helm), for testing what the App-of-Apps derives from them. */
function fixtureApp(name: string, syncWave: number, objects: Record<string, unknown>[], extra: Partial<CatalogEntry> = {}): CatalogEntry {
  return {
    name,
    syncWave,
    destinationNamespace: () => 'krate-system',
    build: (scope: Construct, env: ResolvedEnvironment) => {
      const chart = new AppChart(scope, name, { env, app: name });
      objects.forEach((o, i) => new ApiObject(chart, `o${i}`, o as Any));
      return chart;
    },
    ...extra,
  };
}

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'policyprofiles.krate.a5c.ai' },
  spec: { group: 'krate.a5c.ai', scope: 'Namespaced', names: { kind: 'PolicyProfile', plural: 'policyprofiles' }, versions: [] },
};
const engineApp = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'kyverno', namespace: 'argocd' },
  spec: {
    project: 'krate-dev',
    source: { repoURL: 'https://kyverno.github.io/kyverno/', chart: 'kyverno', targetRevision: '3.9.0' },
    destination: { server: 'https://kubernetes.default.svc', namespace: 'kyverno' },
  },
};
const policy = {
  apiVersion: 'policies.kyverno.io/v1',
  kind: 'ValidatingPolicy',
  metadata: { name: 'p' },
  spec: { validationActions: ['Audit'] },
};
const exception = {
  apiVersion: 'policies.kyverno.io/v1',
  kind: 'PolicyException',
  metadata: { name: 'x', namespace: 'krate-system' },
  spec: {},
};

const CATALOG: CatalogEntry[] = [
  fixtureApp('engine', 0, [crd, engineApp, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'krate-system' } }]),
  fixtureApp('policies', 10, [policy], { argocd: { finalizer: 'foreground' } }),
  fixtureApp('policy-exceptions', 20, [exception]),
];

function render(config: EnvironmentConfig): Manifest[] {
  const [env] = resolveEnvironments([config]);
  const app = new App({ outdir: 'unused', recordConstructMetadata: false });
  new KrateEnvironment(app, env.name, { env, catalog: CATALOG });
  return app.charts.flatMap((c) => c.toJson() as Manifest[]);
}

const find = (ms: Manifest[], kind: string, name: string): Any => {
  const m = ms.find((x) => x.kind === kind && x.metadata.name === name);
  if (!m) throw new Error(`${kind}/${name} not rendered; have ${ms.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return m;
};

const fleet: EnvironmentConfig = {
  ...dev,
  clusters: [
    { name: 'c1', server: 'https://c1.example' },
    { name: 'c2', server: 'https://c2.example' },
    { name: 'c3', server: 'https://c3.example', overrides: { targetRevision: 'release-1', syncPolicy: { automated: false } } },
  ],
};

describe('KrateEnvironment (App-of-Apps)', () => {
  const single = render(dev);

  it('orders child apps with sync waves, engine before policies before exceptions', () => {
    expect(
      ['engine', 'policies', 'policy-exceptions'].map(
        (a) => find(single, 'Application', `dev-${a}`).metadata.annotations['argocd.argoproj.io/sync-wave'],
      ),
    ).toEqual(['0', '10', '20']);
  });

  it('derives ServerSideApply and server-side diff for an app that renders CRDs', () => {
    const engine = find(single, 'Application', 'dev-engine');
    expect(engine.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
    expect(engine.metadata.annotations['argocd.argoproj.io/compare-options']).toBe('ServerSideDiff=true,IncludeMutationWebhook=true');
    expect(engine.spec.syncPolicy.syncOptions).not.toContain('CreateNamespace=true'); // the app creates its namespace itself
  });

  it('derives SkipDryRunOnMissingResource for custom resources whose CRD comes from another app', () => {
    expect(find(single, 'Application', 'dev-policies').spec.syncPolicy.syncOptions).toContain('SkipDryRunOnMissingResource=true');
    expect(find(single, 'Application', 'dev-engine').spec.syncPolicy.syncOptions).not.toContain('SkipDryRunOnMissingResource=true');
  });

  it('applies the catalog finalizer choice and none by default', () => {
    expect(find(single, 'Application', 'dev-policies').metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    expect(find(single, 'Application', 'dev-policy-exceptions').metadata.finalizers).toBeUndefined();
  });

  it('renders the environment sync policy with retry and backoff', () => {
    expect(find(single, 'Application', 'dev-policies').spec.syncPolicy).toMatchObject({
      automated: { prune: true, selfHeal: true },
      retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
    });
  });

  it('restricts the AppProject to this repo, the upstream charts used, the destinations and the cluster kinds rendered', () => {
    const p = find(single, 'AppProject', 'krate-dev');
    expect(p.spec.sourceRepos).toEqual(['https://github.com/a5c-ai/krate-policy-gitops.git', 'https://kyverno.github.io/kyverno/']);
    // Not argocd: the engine Application lives in the App-of-Apps, so no child app may create Applications.
    expect(p.spec.destinations).toEqual(
      ['krate-system', 'kyverno'].map((namespace) => ({ server: 'https://kubernetes.default.svc', namespace })),
    );
    const kinds = p.spec.clusterResourceWhitelist.map((gk: Any) => `${gk.group}/${gk.kind}`);
    expect(kinds).toEqual([
      '/Namespace',
      'admissionregistration.k8s.io/MutatingWebhookConfiguration',
      'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
      'apiextensions.k8s.io/CustomResourceDefinition',
      'policies.kyverno.io/ValidatingPolicy',
      'rbac.authorization.k8s.io/ClusterRole',
      'rbac.authorization.k8s.io/ClusterRoleBinding',
    ]);
    expect(kinds).not.toContain('policies.kyverno.io/PolicyException'); // namespaced
  });

  it("gives the root app a project that may only manage Argo CD objects in Argo CD's namespace", () => {
    const rootProject = find(single, 'AppProject', 'krate-dev-root');
    expect(rootProject.spec.clusterResourceWhitelist).toEqual([]);
    expect(rootProject.spec.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'argocd' }]);
    const root = find(single, 'Application', 'krate-dev-root');
    expect(root.spec).toMatchObject({ project: 'krate-dev-root', source: { path: 'dist/dev/app-of-apps' } });
    expect(root.metadata.finalizers).toBeUndefined();
  });

  it('renders one ApplicationSet per app for a fleet, with a cluster generator per override group', () => {
    const ms = render(fleet);
    // Only the root stays an Application; the chart's engine Application fans out like every other app.
    expect(ms.filter((m) => m.kind === 'Application').map((m) => m.metadata.name)).toEqual(['krate-dev-root']);
    const engine = find(ms, 'ApplicationSet', 'dev-kyverno');
    expect(engine.spec.template.spec).toMatchObject({
      project: 'krate-dev',
      destination: { namespace: 'kyverno', server: '{{ .server }}' },
      source: { chart: 'kyverno' },
    });
    expect(engine.spec.generators.map((g: Any) => g.clusters.selector.matchExpressions[0].values)).toEqual([['c1', 'c2'], ['c3']]);
    const set = find(ms, 'ApplicationSet', 'dev-policies');
    expect(set.spec.generators.map((g: Any) => g.clusters.selector)).toEqual([
      {
        matchLabels: { 'krate.a5c.ai/policy-environment': 'dev' },
        matchExpressions: [{ key: 'krate.a5c.ai/cluster', operator: 'In', values: ['c1', 'c2'] }],
      },
      {
        matchLabels: { 'krate.a5c.ai/policy-environment': 'dev' },
        matchExpressions: [{ key: 'krate.a5c.ai/cluster', operator: 'In', values: ['c3'] }],
      },
    ]);
    expect(set.spec.generators[1].clusters.values.targetRevision).toBe('release-1');
    expect(JSON.parse(set.spec.generators[1].clusters.values.syncPolicy).automated).toBeUndefined();
    expect(JSON.parse(set.spec.generators[0].clusters.values.syncPolicy).automated).toEqual({ prune: true, selfHeal: true });
    expect(set.spec.template.spec.destination.server).toBe('{{ .server }}');
    expect(set.spec.template.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    expect(find(ms, 'AppProject', 'krate-dev').spec.destinations.map((d: Any) => d.server)).toContain('https://c3.example');
  });

  it('renders Argo CD objects that pass schema validation, single cluster and fleet', async () => {
    const items = [...single, ...render(fleet)]
      .filter((m) => m.apiVersion.startsWith('argoproj.io/'))
      .map((manifest, index) => ({ manifest, file: 'rendered', index }));
    expect((await new SchemaValidator().validate(items)).map(formatFinding)).toEqual([]);
  });
});

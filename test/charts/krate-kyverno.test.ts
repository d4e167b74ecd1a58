import { cpSync, existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helm } from '../../lib/helm';
import { parseManifests, type Manifest, type SourcedManifest } from '../../lib/manifests';
import { CHARTS_DIR, REPO_ROOT } from '../../lib/paths';
import { auditRbac, formatRbacFinding } from '../../analysis/rbac-audit';
import { TEMPLATES } from '../../policies';
import { readsCluster, renderPolicy } from '../../policies/render';

const CHART = join(CHARTS_DIR, 'krate-kyverno');
const MODES = ['disabled', 'byo', 'managed', 'auto'] as const;
type Values = Record<string, unknown>;

/** `{mode: 'byo', managed: {...}}` → values with those keys under externalDependencies.kyverno. */
const kyverno = (k: Values, rest: Values = {}): Values => ({ externalDependencies: { kyverno: k }, ...rest });

function template(values: Values, chart = CHART): { status: number; stderr: string; items: SourcedManifest[] } {
  const r = helm(['template', 'krate-kyverno', chart, '--namespace', 'krate-system'], values);
  return { status: r.status, stderr: r.stderr, items: r.status === 0 ? parseManifests(r.stdout, 'helm template') : [] };
}
function render(values: Values, chart = CHART): Manifest[] {
  const r = template(values, chart);
  if (r.status !== 0) throw new Error(r.stderr);
  return r.items.map((i) => i.manifest);
}
function failure(values: Values, chart = CHART): string {
  const r = template(values, chart);
  expect(r.status).not.toBe(0);
  return r.stderr;
}
const find = (ms: Manifest[], kind: string, name: string) => ms.find((m) => m.kind === kind && m.metadata.name === name);
type Rule = { apiGroups?: string[]; resources?: string[]; verbs?: string[] };
const rulesOf = (ms: Manifest[]): Rule[] => ms.filter((m) => m.kind === 'Role' || m.kind === 'ClusterRole').flatMap((m) => (m as unknown as { rules: Rule[] }).rules ?? []);
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const kyvernoWrites = (ms: Manifest[]) =>
  rulesOf(ms).filter((r) => r.apiGroups?.some((g) => g.endsWith('kyverno.io')) && r.verbs?.some((v) => WRITE.includes(v)));

/** The Krate resources (plural) the template library's expressions pass to resource.Get / resource.List, sorted. */
function krateKindsReadByTemplates(): string[] {
  const call = /(?<![\w.])resource\s*\.\s*(?:Get|get|List|list)\s*\(\s*'krate\.a5c\.ai\/[^']+'\s*,\s*'([a-z]+)'/g;
  const read = new Set<string>();
  for (const t of TEMPLATES.filter(readsCluster))
    for (const m of JSON.stringify(renderPolicy(t, { org: 'x', mode: 'Audit' }).spec).matchAll(call)) read.add(m[1]);
  return [...read].sort();
}

describe('krate-kyverno chart in each mode', () => {
  const byMode = Object.fromEntries(MODES.map((m) => [m, render(kyverno({ mode: m }))])) as Record<(typeof MODES)[number], Manifest[]>;

  it.each(MODES)('passes helm lint --strict in %s mode', (mode) => {
    const r = helm(['lint', '--strict', CHART, '--set', `externalDependencies.kyverno.mode=${mode}`]);
    expect(r.stdout + r.stderr).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(r.status).toBe(0);
  });

  it.each(MODES)('renders the ConfigMap keys Krate loads with envFrom in %s mode', (mode) => {
    const cm = find(byMode[mode], 'ConfigMap', 'krate-kyverno-config') as unknown as { data: Record<string, string> };
    expect(cm.data).toEqual({
      KRATE_KYVERNO_MODE: mode,
      KRATE_KYVERNO_NAMESPACE: 'kyverno',
      KRATE_KYVERNO_POLICY_NAMESPACE: 'krate-system',
      KRATE_KYVERNO_REQUIRE_FOR_ENFORCE_MODE: 'true',
      KRATE_KYVERNO_POLICY_REPORTER_ENABLED: 'false',
      KRATE_KYVERNO_DISCOVER_EXISTING: 'true',
    });
  });

  it.each(MODES)('passes the RBAC audit in %s mode, with every write switch on where allowed', (mode) => {
    const items = template(kyverno({ mode, policyReporter: { enabled: mode !== 'disabled', mode: 'managed' } }, {
      rbac: { managedPolicyBindings: { enabled: mode === 'managed' }, personas: { viewer: { groups: ['v'] }, platformAdmin: { groups: ['p'] } }, orgs: [{ name: 'shop', namespaces: ['shop'], exceptionRequester: { groups: ['d'] }, repoAdmin: { groups: ['r'] } }] },
    })).items;
    expect(auditRbac(items, { exceptionNamespace: 'krate-system', platformGroups: ['p'] }).map(formatRbacFinding)).toEqual([]);
  });

  it('renders the Kyverno Application only in managed mode with installMethod argocd', () => {
    const apps = (ms: Manifest[]) => ms.filter((m) => m.kind === 'Application').map((m) => m.metadata.name);
    expect(apps(byMode.managed)).toEqual(['kyverno']);
    for (const mode of ['disabled', 'byo', 'auto'] as const) expect(apps(byMode[mode])).toEqual([]);
    expect(apps(render(kyverno({ mode: 'managed', managed: { installMethod: 'none' } })))).toEqual([]);
  });

  it('renders no Kyverno object and no Kyverno access when disabled', () => {
    expect(byMode.disabled.filter((m) => /kyverno\.io|argoproj\.io/.test(m.apiVersion))).toEqual([]);
    expect(rulesOf(byMode.disabled).filter((r) => r.apiGroups?.some((g) => /kyverno\.io|wgpolicyk8s\.io|openreports\.io|apiextensions/.test(g)))).toEqual([]);
    expect(byMode.disabled.some((m) => m.metadata.namespace === 'kyverno')).toBe(false);
  });

  it('grants read-only Kyverno access in byo and auto, and only the exception controller writes in managed', () => {
    expect(kyvernoWrites(byMode.byo)).toEqual([]);
    expect(kyvernoWrites(byMode.auto)).toEqual([]);
    expect(kyvernoWrites(byMode.managed)).toEqual([
      { apiGroups: ['policies.kyverno.io', 'kyverno.io'], resources: ['policyexceptions'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
    ]);
    const role = find(byMode.managed, 'Role', 'krate-kyverno-exception-controller-policyexceptions')!;
    expect(role.metadata.namespace).toBe('krate-system');
    const binding = find(byMode.managed, 'RoleBinding', 'krate-kyverno-exception-controller-policyexceptions') as unknown as { subjects: unknown[] };
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'krate-exception-controller', namespace: 'krate-system' }]);
  });

  it('gives the controller read on every Kyverno policy kind and report, Deployments in the Kyverno namespace only, and CRD get by name', () => {
    const cr = find(byMode.byo, 'ClusterRole', 'krate-kyverno-controller') as unknown as { rules: (Rule & { resourceNames?: string[] })[] };
    const read = (group: string) => cr.rules.filter((r) => r.apiGroups?.includes(group)).flatMap((r) => r.resources);
    expect(read('kyverno.io')).toEqual(['clusterpolicies', 'policies', 'policyexceptions']);
    expect(read('policies.kyverno.io')).toEqual(expect.arrayContaining(['validatingpolicies', 'namespacedvalidatingpolicies', 'mutatingpolicies', 'generatingpolicies', 'deletingpolicies', 'imagevalidatingpolicies', 'policyexceptions']));
    expect(read('wgpolicyk8s.io')).toEqual(['policyreports', 'clusterpolicyreports']);
    expect(read('openreports.io')).toEqual(['reports', 'clusterreports']);
    for (const r of cr.rules.filter((x) => x.apiGroups?.some((g) => /kyverno|wgpolicy|openreports/.test(g)))) expect(r.verbs).toEqual(['get', 'list', 'watch']);
    const crd = cr.rules.find((r) => r.apiGroups?.includes('apiextensions.k8s.io')) as Rule & { resourceNames: string[] };
    expect(crd.verbs).toEqual(['get']);
    expect(crd.resourceNames).toContain('validatingpolicies.policies.kyverno.io');
    const deploy = find(byMode.byo, 'Role', 'krate-kyverno-controller-kyverno-deployments') as unknown as { metadata: { namespace: string }; rules: Rule[] };
    expect(deploy.metadata.namespace).toBe('kyverno');
    expect(deploy.rules).toEqual([{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch'] }]);
  });

  it('grants policy write only with managed policy bindings enabled', () => {
    expect(find(byMode.managed, 'ClusterRole', 'krate-kyverno-controller-policy-write')).toBeUndefined();
    const on = render(kyverno({ mode: 'managed' }, { rbac: { managedPolicyBindings: { enabled: true } } }));
    const write = find(on, 'ClusterRole', 'krate-kyverno-controller-policy-write') as unknown as { rules: Rule[] };
    // Krate renders only validating policies: write on mutating/generating/deleting kinds would be
    // cluster-admin through Kyverno's ServiceAccounts.
    expect(write.rules).toEqual([{ apiGroups: ['policies.kyverno.io'], resources: ['validatingpolicies', 'imagevalidatingpolicies'], verbs: ['create', 'update', 'patch', 'delete'] }]);
    expect(find(on, 'ClusterRoleBinding', 'krate-kyverno-controller-policy-write')).toBeDefined();
  });

  it("aggregates the viewer into view, binds personas only to the groups given, and org personas only in the org's namespaces", () => {
    const viewer = find(byMode.auto, 'ClusterRole', 'krate-kyverno-viewer')!;
    expect(viewer.metadata.labels).toMatchObject({ 'rbac.authorization.k8s.io/aggregate-to-view': 'true' });
    const viewerResources = (viewer as unknown as { rules: Rule[] }).rules.flatMap((r) => r.apiGroups!.map((g) => `${g}:${r.resources!.join(',')}`));
    expect(viewerResources).toEqual(expect.arrayContaining(['kyverno.io:clusterpolicies,policies,policyexceptions', 'openreports.io:reports,clusterreports']));
    expect(byMode.auto.filter((m) => m.kind === 'ClusterRoleBinding').map((m) => m.metadata.name)).toEqual(['krate-kyverno-controller', 'krate-kyverno-exception-controller']);
    const bound = render(kyverno({ mode: 'auto' }, { rbac: { personas: { platformAdmin: { groups: ['platform'] } }, orgs: [{ name: 'shop', namespaces: ['shop', 'shop-payments'], repoAdmin: { groups: ['team-a', 'team-b'] } }] } }));
    const crb = find(bound, 'ClusterRoleBinding', 'krate-kyverno-platform-admin') as unknown as { subjects: unknown[] };
    expect(crb.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'platform' }]);
    expect(find(bound, 'ClusterRoleBinding', 'krate-kyverno-repo-admin')).toBeUndefined();
    const rbs = bound.filter((m) => m.kind === 'RoleBinding' && m.metadata.name.startsWith('krate-kyverno-repo-admin-'));
    expect(rbs.map((m) => m.metadata.namespace)).toEqual(['shop', 'shop-payments']);
    expect((rbs[0] as unknown as { subjects: unknown[] }).subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'team-a' },
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'team-b' },
    ]);
    expect(find(bound, 'ClusterRoleBinding', 'krate-kyverno-catalog-reader')).toBeDefined();
  });

  it('lets a managed Kyverno read exactly the Krate kinds the context-aware templates read, aggregated into its admission and reports controllers', () => {
    const role = find(byMode.managed, 'ClusterRole', 'krate-kyverno-context-reader') as unknown as { metadata: { labels: Record<string, string> }; rules: Rule[] };
    expect(role.metadata.labels).toMatchObject({ 'rbac.kyverno.io/aggregate-to-admission-controller': 'true', 'rbac.kyverno.io/aggregate-to-reports-controller': 'true' });
    expect(role.rules.map((r) => ({ ...r, resources: [...(r.resources ?? [])].sort() }))).toEqual([
      { apiGroups: ['krate.a5c.ai'], resources: krateKindsReadByTemplates(), verbs: ['get', 'list', 'watch'] },
    ]);
    for (const mode of ['disabled', 'byo', 'auto'] as const) expect([mode, find(byMode[mode], 'ClusterRole', 'krate-kyverno-context-reader')]).toEqual([mode, undefined]);
  });

  it('installs the four Krate CRDs with spec and status schemas, a status subresource and mode/phase/age columns', () => {
    const crds = byMode.byo.filter((m) => m.kind === 'CustomResourceDefinition');
    expect(crds.map((c) => (c.spec as { names: { kind: string } }).names.kind).sort()).toEqual(['PolicyBinding', 'PolicyExceptionRequest', 'PolicyProfile', 'PolicyTemplate']);
    for (const crd of crds) {
      const v = (crd.spec as { versions: { name: string; subresources: unknown; additionalPrinterColumns: { name: string }[]; schema: { openAPIV3Schema: { properties: Record<string, { properties?: Record<string, unknown> }> } } }[] }).versions[0];
      expect(v.name).toBe('v1alpha1');
      expect(v.subresources).toEqual({ status: {} });
      expect(v.additionalPrinterColumns.map((c) => c.name)).toEqual(['Mode', 'Phase', 'Age']);
      expect(Object.keys(v.schema.openAPIV3Schema.properties.spec.properties!)).toContain('mode');
      expect(Object.keys(v.schema.openAPIV3Schema.properties.status.properties!)).toEqual(expect.arrayContaining(['phase', 'conditions', 'observedGeneration']));
    }
  });
});

describe('the managed Kyverno Application', () => {
  const values = kyverno({ mode: 'managed', excludedNamespaces: ['argocd', 'team-platform'] });
  const app = find(render(values), 'Application', 'kyverno') as unknown as {
    metadata: { namespace: string; annotations: Record<string, string> };
    spec: { source: { repoURL: string; chart: string; targetRevision: string; helm: { valuesObject: Record<string, any> } }; syncPolicy: { syncOptions: string[] } };
  };
  const upstream = app.spec.source.helm.valuesObject;

  it('pins the upstream chart and syncs before any policy with server-side apply and diff', () => {
    expect(app.metadata.namespace).toBe('argocd');
    expect(app.spec.source).toMatchObject({ repoURL: 'https://kyverno.github.io/kyverno/', chart: 'kyverno', targetRevision: '3.9.0' });
    expect(app.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
    expect(app.metadata.annotations['argocd.argoproj.io/compare-options']).toBe('ServerSideDiff=true,IncludeMutationWebhook=true');
    expect(Number(app.metadata.annotations['argocd.argoproj.io/sync-wave'])).toBeLessThan(0);
  });

  it('sets HA replicas (3 admission by default), config.preserve false and exceptions in the policy namespace only', () => {
    expect(upstream.admissionController.replicas).toBe(3);
    expect(upstream.backgroundController.replicas).toBe(2);
    expect(upstream.config.preserve).toBe(false);
    expect(upstream.features.policyExceptions).toEqual({ enabled: true, namespace: 'krate-system' });
    expect(upstream).not.toHaveProperty('createSelfSignedCert');
    const custom = find(render(kyverno({ mode: 'managed', managed: { replicas: { admissionController: 5 }, values: { admissionController: { resources: { limits: { memory: '1Gi' } } } } } })), 'Application', 'kyverno') as any;
    expect(custom.spec.source.helm.valuesObject.admissionController).toEqual({ replicas: 5, resources: { limits: { memory: '1Gi' } } });
  });

  it('excludes the given namespaces plus kube-system, Kyverno and the policy namespace from webhooks and resource filters', () => {
    const expected = ['argocd', 'krate-system', 'kube-system', 'kyverno', 'team-platform'];
    expect(upstream.config.webhooks.namespaceSelector).toEqual({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: expected }] });
    expect(upstream.config.resourceFiltersIncludeNamespaces).toEqual(expected);
  });

  it('keeps upstream\'s default resource filters: it adds and removes entries instead of replacing the list', () => {
    expect(upstream.config).not.toHaveProperty('resourceFilters');
    expect(upstream.config).not.toHaveProperty('resourceFiltersExcludeNamespaces');
    // Only upstream's ReplicaSet filters are dropped, in every spelling a 3.x chart used.
    expect(upstream.config.resourceFiltersExclude).toEqual(['[ReplicaSet,*,*]', '[ReplicaSet/*,*,*]', '[ReplicaSet/?*,*,*]']);
  });

  it('adds a pinned Policy Reporter Application after Kyverno when asked', () => {
    const ms = render(kyverno({ mode: 'managed', policyReporter: { enabled: true, mode: 'managed' } }));
    const pr = find(ms, 'Application', 'policy-reporter') as any;
    expect(pr.spec.source).toMatchObject({ chart: 'policy-reporter', targetRevision: '3.9.0' });
    expect(Number(pr.metadata.annotations['argocd.argoproj.io/sync-wave'])).toBeGreaterThan(Number(app.metadata.annotations['argocd.argoproj.io/sync-wave']));
    expect(find(render(kyverno({ mode: 'managed', policyReporter: { enabled: true } })), 'Application', 'policy-reporter')).toBeUndefined();
    expect((find(ms, 'ConfigMap', 'krate-kyverno-config') as any).data.KRATE_KYVERNO_POLICY_REPORTER_ENABLED).toBe('true');
  });
});

describe('krate-kyverno install-time checks', () => {
  it('fails when Kyverno is disabled, enforce mode needs it and the default pack enforces', () => {
    expect(failure(kyverno({ mode: 'disabled', requireForEnforceMode: true, defaultPolicyPack: { enabled: true, mode: 'enforce' } }))).toContain(
      "externalDependencies.kyverno.defaultPolicyPack.mode is 'enforce' but externalDependencies.kyverno.mode is 'disabled' and requireForEnforceMode is true: nothing would enforce the pack. Set externalDependencies.kyverno.mode to byo, managed or auto, or set defaultPolicyPack.mode=audit (or defaultPolicyPack.enabled=false).",
    );
    // The same pack renders when Kyverno is there, or when the platform accepts unenforced policy.
    expect(render(kyverno({ mode: 'disabled', requireForEnforceMode: false, defaultPolicyPack: { mode: 'enforce' } })).length).toBeGreaterThan(0);
  });

  it('fails when the mode is mistyped (schema)', () => {
    expect(failure(kyverno({ mode: 'managd' }))).toContain("at '/externalDependencies/kyverno/mode': value must be one of 'auto', 'disabled', 'byo', 'managed'");
  });

  it('fails when a flag is not a boolean (schema)', () => {
    expect(failure(kyverno({ mode: 'byo', discoverExisting: 'yes' }))).toContain("at '/externalDependencies/kyverno/discoverExisting': got string, want boolean");
  });

  it('fails when the kyverno block has an unknown key (schema)', () => {
    expect(failure(kyverno({ mode: 'byo', namespaces: 'kyverno' }))).toContain("at '/externalDependencies/kyverno': additional properties 'namespaces' not allowed");
  });

  it('fails when managed.enabled contradicts the mode', () => {
    expect(failure(kyverno({ mode: 'byo', managed: { enabled: true } }))).toContain("externalDependencies.kyverno.managed.enabled is true but externalDependencies.kyverno.mode is 'byo'");
  });

  it('fails when managed policy bindings are enabled for a Kyverno Krate does not install', () => {
    expect(failure(kyverno({ mode: 'byo' }, { rbac: { managedPolicyBindings: { enabled: true } } }))).toContain(
      "rbac.managedPolicyBindings.enabled is true but externalDependencies.kyverno.mode is 'byo': Krate writes policies only to a Kyverno it installs",
    );
  });

  it('fails when Policy Reporter is enabled with Kyverno disabled', () => {
    expect(failure(kyverno({ mode: 'disabled', policyReporter: { enabled: true } }))).toContain("policyReporter.enabled is true but externalDependencies.kyverno.mode is 'disabled'");
  });

  it('fails when the pinned upstream chart predates resourceFiltersExclude and resourceFiltersIncludeNamespaces', () => {
    expect(failure(kyverno({ mode: 'managed', managed: { targetRevision: '3.1.4' } }))).toContain(
      "externalDependencies.kyverno.managed.targetRevision is 3.1.4: Krate needs kyverno chart 3.2.0 or later (config.resourceFiltersExclude and config.resourceFiltersIncludeNamespaces keep upstream's resource filters without ReplicaSets). Pin 3.2.0 or later.",
    );
    expect(render(kyverno({ mode: 'managed', managed: { targetRevision: '3.2.0' } })).length).toBeGreaterThan(0);
    // With installMethod none the user installs Kyverno; the pin is not used.
    expect(render(kyverno({ mode: 'managed', managed: { installMethod: 'none', targetRevision: '3.1.4' } })).length).toBeGreaterThan(0);
  });

  it('fails when createSelfSignedCert is set for the upstream chart', () => {
    expect(failure(kyverno({ mode: 'managed', managed: { values: { createSelfSignedCert: true } } }))).toContain(
      'externalDependencies.kyverno.managed.values.createSelfSignedCert is set: it renders private keys into manifests',
    );
  });
});

describe('managed.values cannot override what Krate computes', () => {
  it.each([
    ['config', 'webhooks', { namespaceSelector: { matchExpressions: [] } }, 'excludedNamespaces'],
    ['config', 'resourceFilters', ['[Event,*,*]'], 'excludedNamespaces'],
    ['config', 'resourceFiltersExclude', [], 'excludedNamespaces'],
    ['config', 'resourceFiltersExcludeNamespaces', ['kube-system'], 'excludedNamespaces'],
    ['config', 'resourceFiltersIncludeNamespaces', ['team-a'], 'excludedNamespaces'],
    ['config', 'excludeKyvernoNamespace', false, 'excludedNamespaces'],
    ['features', 'policyExceptions', { enabled: true, namespace: 'default' }, 'policyNamespace'],
  ])('fails when managed.values sets %s.%s', (section, key, value, instead) => {
    expect(failure(kyverno({ mode: 'managed', managed: { values: { [section]: { [key]: value } } } }))).toContain(
      `externalDependencies.kyverno.managed.values.${section}.${key} is set: Krate computes it from externalDependencies.kyverno.excludedNamespaces and externalDependencies.kyverno.policyNamespace, and managed.values would win over them (a protected namespace could be dropped). Remove it; set externalDependencies.kyverno.${instead} instead.`,
    );
  });

  it('fails when managed.values adds a ReplicaSet resource filter', () => {
    expect(failure(kyverno({ mode: 'managed', managed: { values: { config: { resourceFiltersInclude: ['[MyCRD,*,*]', '[ReplicaSet,*,*]'] } } } }))).toContain(
      "externalDependencies.kyverno.managed.values.config.resourceFiltersInclude filters '[ReplicaSet,*,*]': Krate's Pod policies autogenerate rules for ReplicaSets, so admission would skip what scan reports. Remove it.",
    );
    const app = find(render(kyverno({ mode: 'managed', managed: { values: { config: { resourceFiltersInclude: ['[MyCRD,*,*]'] } } } })), 'Application', 'kyverno') as any;
    expect(app.spec.source.helm.valuesObject.config.resourceFiltersInclude).toEqual(['[MyCRD,*,*]']);
  });

  it('fails when managed.values replaces the config block with a non-object', () => {
    expect(failure(kyverno({ mode: 'managed', managed: { values: { config: 'none' } } }))).toContain(
      "externalDependencies.kyverno.managed.values.config must be an object: it would replace Krate's webhook exclusions and exception settings.",
    );
  });

  it('still merges other upstream values under config and features', () => {
    const app = find(render(kyverno({ mode: 'managed', managed: { values: { config: { webhookAnnotations: { a: 'b' } }, features: { logging: { format: 'json' } } } } })), 'Application', 'kyverno') as any;
    const v = app.spec.source.helm.valuesObject;
    expect(v.config.webhookAnnotations).toEqual({ a: 'b' });
    expect(v.config.webhooks.namespaceSelector.matchExpressions[0].values).toContain('kube-system');
    expect(v.features).toEqual({ logging: { format: 'json' }, policyExceptions: { enabled: true, namespace: 'krate-system' } });
  });
});

interface HelmStep {
  readonly text: string;
  readonly install: boolean;
  /** Values after this step: its --set flags over the previous step's with --reuse-values. */
  readonly values: Values;
}

/** `helm upgrade` command sequences in the READMEs (a new `--install` starts a sequence), with their --set values. */
function documentedHelmInstalls(): HelmStep[][] {
  const sequences: HelmStep[][] = [];
  for (const file of [join(REPO_ROOT, 'README.md'), join(CHART, 'README.md')]) {
    const commands = readFileSync(file, 'utf8').replace(/\\\n\s*/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l.startsWith('helm upgrade'));
    for (const text of commands) {
      const install = text.includes('--install');
      const previous = install ? undefined : sequences[sequences.length - 1];
      if (!install) expect(text).toContain('--reuse-values');
      const values: Values = structuredClone(previous ? previous[previous.length - 1].values : {});
      for (const [, key, raw] of text.matchAll(/--set ([\w.]+)=(\S+)/g)) {
        const path = key.split('.');
        let node = values as Record<string, any>;
        for (const p of path.slice(0, -1)) node = node[p] ??= {};
        node[path[path.length - 1]] = raw === 'true' ? true : raw === 'false' ? false : raw;
      }
      if (install) sequences.push([]);
      sequences[sequences.length - 1].push({ text, install, values });
    }
  }
  return sequences;
}

describe('installMethod helm-dependency (offline, with a local stand-in for the upstream chart)', () => {
  let dir: string;
  let chart: string;
  const vendor = (version: string): void => {
    const sub = join(chart, 'charts', 'kyverno');
    rmSync(sub, { recursive: true, force: true });
    mkdirSync(join(sub, 'templates'), { recursive: true });
    writeFileSync(join(sub, 'Chart.yaml'), `apiVersion: v2\nname: kyverno\nversion: ${version}\n`);
    // Echoes the values Helm hands the subchart, so the test sees exactly what upstream would get.
    writeFileSync(join(sub, 'templates', 'values.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kyverno-received-values}\ndata: {values.json: {{ .Values | toJson | quote }}}\n');
  };
  const helmDep = kyverno({ mode: 'managed', managed: { installMethod: 'helm-dependency' } });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'krate-kyverno-'));
    chart = join(dir, 'krate-kyverno');
    cpSync(CHART, chart, { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails when the upstream chart is not vendored, saying what to run online', () => {
    expect(failure(helmDep)).toContain('helm pull kyverno --repo https://kyverno.github.io/kyverno/ --version 3.9.0 --untar --untardir charts/krate-kyverno/charts');
  });

  it('installs the vendored subchart with the HA, exception and exclusion values and no Application', () => {
    vendor('3.9.0');
    const ms = render(helmDep, chart);
    expect(ms.filter((m) => m.kind === 'Application')).toEqual([]);
    const got = JSON.parse((find(ms, 'ConfigMap', 'kyverno-received-values') as any).data['values.json']);
    expect(got.admissionController.replicas).toBe(3);
    expect(got.features.policyExceptions).toEqual({ enabled: true, namespace: 'krate-system' });
    expect(got.config.webhooks.namespaceSelector.matchExpressions[0].values).toContain('kube-system');
  });

  it('fails when the vendored version differs from the pin', () => {
    vendor('3.8.0');
    expect(failure(helmDep, chart)).toContain('charts/kyverno is version 3.8.0 but externalDependencies.kyverno.managed.targetRevision pins 3.9.0');
  });

  it('fails when the subchart values would not exclude an excluded namespace', () => {
    vendor('3.9.0');
    expect(failure({ ...helmDep, kyverno: { config: { webhooks: { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kyverno'] }] } } } } }, chart)).toContain(
      "kyverno.config.webhooks.namespaceSelector does not exclude namespace 'argocd'",
    );
  });

  it('fails when the subchart values would filter out ReplicaSets (upstream default)', () => {
    vendor('3.9.0');
    // Without the chart's resourceFiltersExclude, upstream's own default list filters ReplicaSets.
    expect(failure({ ...helmDep, kyverno: { config: { resourceFilters: ['[Event,*,*]', '[ReplicaSet,*,*]'], resourceFiltersExclude: null } } }, chart)).toContain(
      "kyverno.config.resourceFilters filters '[ReplicaSet,*,*]': Krate's Pod policies autogenerate rules for ReplicaSets, so admission would skip what scan reports. Add it to kyverno.config.resourceFiltersExclude (the chart's default values do) or remove it from kyverno.config.resourceFiltersInclude.",
    );
    expect(failure({ ...helmDep, kyverno: { config: { resourceFiltersInclude: ['[ReplicaSet/?*,*,*]'] } } }, chart)).toContain("kyverno.config.resourceFilters filters '[ReplicaSet/?*,*,*]'");
    // The chart's defaults drop upstream's ReplicaSet filters and add the excluded namespaces.
    const got = JSON.parse((find(render({ ...helmDep, kyverno: { config: { resourceFilters: ['[Event,*,*]', '[ReplicaSet,*,*]', '[ReplicaSet/?*,*,*]'] } } }, chart), 'ConfigMap', 'kyverno-received-values') as any).data['values.json']);
    expect(got.config.resourceFiltersExclude).toEqual(['[ReplicaSet,*,*]', '[ReplicaSet/*,*,*]', '[ReplicaSet/?*,*,*]']);
    expect(got.config.resourceFiltersIncludeNamespaces).toContain('kube-system');
  });

  it('installs with the documented plain-helm commands: no Krate custom resource in the release that creates its CRDs', () => {
    vendor('3.9.0');
    // Helm maps every object of a release before applying any, so a PolicyProfile next to its CRD
    // fails on a fresh cluster with "resource mapping not found".
    const sameReleaseCustomResources = (ms: Manifest[]): string[] => {
      const crdKinds = new Set(ms.filter((m) => m.kind === 'CustomResourceDefinition').map((m) => `${(m.spec as any).group}/${(m.spec as any).names.kind}`));
      return ms.filter((m) => crdKinds.has(`${m.apiVersion.split('/')[0]}/${m.kind}`)).map((m) => `${m.kind}/${m.metadata.name}`);
    };
    const chartFor = (v: Values): string => (JSON.stringify(v).includes('helm-dependency') ? chart : CHART);
    expect(sameReleaseCustomResources(render({})).sort()).toEqual(['PolicyBinding/krate-example', 'PolicyProfile/krate-default']);
    const sequences = documentedHelmInstalls();
    expect(sequences.length).toBeGreaterThanOrEqual(2); // the chart README's install and its helm-dependency section
    for (const steps of sequences) {
      expect(steps[0].install).toBe(true);
      expect({ command: steps[0].text, crs: sameReleaseCustomResources(render(steps[0].values, chartFor(steps[0].values))) }).toEqual({ command: steps[0].text, crs: [] });
      // The later --reuse-values step brings the default pack once the CRDs exist.
      const last = steps[steps.length - 1];
      expect(sameReleaseCustomResources(render(last.values, chartFor(last.values)))).toContain('PolicyProfile/krate-default');
    }
  });

  it('fails when a vendored subchart would install Kyverno in another mode', () => {
    vendor('3.9.0');
    expect(failure(kyverno({ mode: 'byo' }), chart)).toContain("charts/kyverno is vendored into this chart but externalDependencies.kyverno.mode is 'byo'");
  });
});

/** ../shared/upstream (development checkouts only): the real kyverno chart the managed install pins. */
const UPSTREAM_KYVERNO = join(REPO_ROOT, '..', 'shared', 'upstream', 'charts', 'kyverno-3.9.0');
const withUpstream = existsSync(UPSTREAM_KYVERNO);
const describeWithUpstream = withUpstream ? describe : describe.skip;

describeWithUpstream(`the resource filters the real kyverno 3.9.0 chart renders from Krate's values${withUpstream ? '' : ` (skipped: ${UPSTREAM_KYVERNO} is absent)`}`, () => {
  const excluded = ['argocd', 'krate-system', 'kube-node-lease', 'kube-public', 'kube-system', 'kyverno', 'team-platform'];
  const isReplicaSet = (f: string) => f.startsWith('[ReplicaSet,') || f.startsWith('[ReplicaSet/');
  /** The entries of the kyverno ConfigMap's resourceFilters in a render (upstream folds them into one line). */
  const filtersOf = (ms: Manifest[]): string[] => {
    const cm = ms.find((m) => m.kind === 'ConfigMap' && typeof (m as any).data?.resourceFilters === 'string') as any;
    expect(cm).toBeDefined();
    return cm.data.resourceFilters.match(/\[[^\]]*\]/g) as string[];
  };
  const upstreamRender = (release: string, namespace: string, values: Values): Manifest[] => {
    const r = helm(['template', release, UPSTREAM_KYVERNO, '--namespace', namespace, '--show-only', 'templates/config/configmap.yaml'], values);
    if (r.status !== 0) throw new Error(r.stderr);
    return parseManifests(r.stdout, 'helm template kyverno').map((i) => i.manifest);
  };

  it('keeps every upstream default but the ReplicaSet filters, and adds the excluded namespaces (installMethod argocd)', () => {
    const defaults = filtersOf(upstreamRender('kyverno', 'kyverno', {}));
    expect(defaults).toEqual(expect.arrayContaining(['[Event,*,*]', '[Node,*,*]', '[APIService,*,*]', '[TokenReview,*,*]', '[SubjectAccessReview,*,*]', '[ReplicaSet,*,*]']));
    expect(defaults.length).toBeGreaterThan(80);
    const app = find(render(kyverno({ mode: 'managed', excludedNamespaces: ['argocd', 'team-platform'] })), 'Application', 'kyverno') as any;
    const got = filtersOf(upstreamRender('kyverno', 'kyverno', app.spec.source.helm.valuesObject));
    expect(got).toEqual(expect.arrayContaining(defaults.filter((f) => !isReplicaSet(f))));
    expect(got.filter(isReplicaSet)).toEqual([]);
    expect(got).toEqual(expect.arrayContaining(excluded.map((ns) => `[*/*,${ns},*]`)));
  });

  it('keeps every upstream default but the ReplicaSet filters, and adds the excluded namespaces (installMethod helm-dependency)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'krate-kyverno-upstream-'));
    try {
      const chart = join(dir, 'krate-kyverno');
      cpSync(CHART, chart, { recursive: true });
      cpSync(UPSTREAM_KYVERNO, join(chart, 'charts', 'kyverno'), { recursive: true });
      // The subchart renders under the parent's release, so its defaults name krate-kyverno's objects.
      const defaults = filtersOf(upstreamRender('krate-kyverno', 'krate-system', {}));
      const got = filtersOf(render(kyverno({ mode: 'managed', managed: { installMethod: 'helm-dependency' } }), chart));
      expect(got).toEqual(expect.arrayContaining(defaults.filter((f) => !isReplicaSet(f))));
      expect(got.filter(isReplicaSet)).toEqual([]);
      expect(got).toEqual(expect.arrayContaining(excluded.filter((ns) => ns !== 'team-platform').map((ns) => `[*/*,${ns},*]`)));
      // Helm hands the parent the subchart's defaults: without the exclusions they filter ReplicaSets.
      expect(failure({ ...kyverno({ mode: 'managed', managed: { installMethod: 'helm-dependency' } }), kyverno: { config: { resourceFiltersExclude: null } } }, chart)).toContain(
        "kyverno.config.resourceFilters filters '[ReplicaSet,*,*]'",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

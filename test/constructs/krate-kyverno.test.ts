import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { krateKyvernoRelease, krateKyvernoValues, managedChartRepos } from '../../constructs/krate-kyverno';
import { ENVIRONMENTS, resolveFixture, type EnvironmentConfig } from '../support/fixtures';
import { resolveEnvironments } from '../support/fixtures';
import { errorFor } from '../support/config-errors';
import { excludedNamespaces } from '../../config/exclusions';
import { CHARTS_DIR, REPO_ROOT } from '../../lib/paths';
import { helm } from '../../lib/helm';
import { parseManifests } from '../../lib/manifests';
import { renderEnvironments } from '../../synth/synth';
import { parse } from 'yaml';

const envs = resolveEnvironments(ENVIRONMENTS);
const tree = renderEnvironments(resolveFixture());
const obj = (path: string): any => parse(tree.get(path) ?? 'null');
const files = (env: string) => [...tree.keys()].filter((p) => p.startsWith(`${env}/krate-kyverno/`));

describe('krateKyvernoValues', () => {
  const schema = JSON.parse(readFileSync(join(CHARTS_DIR, 'krate-kyverno', 'values.schema.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

  it.each(envs.map((e) => [e.name, e] as const))('maps %s to values the chart schema accepts', (_name, env) => {
    expect(validate(krateKyvernoValues(env)) ? [] : validate.errors).toEqual([]);
  });

  it('passes excludedNamespaces(env) through, so webhooks and policies exclude the same namespaces', () => {
    for (const env of envs) {
      expect(krateKyvernoValues(env).externalDependencies.kyverno.excludedNamespaces).toEqual(excludedNamespaces(env));
      const app = obj(`${env.name}/krate-kyverno/application-kyverno.yaml`);
      if (app)
        expect(app.spec.source.helm.valuesObject.config.webhooks.namespaceSelector.matchExpressions[0].values).toEqual(
          excludedNamespaces(env),
        );
    }
  });

  it("lists the chart repositories the environment's AppProject must allow", () => {
    expect(Object.fromEntries(envs.map((e) => [e.name, managedChartRepos(e)]))).toEqual({
      dev: ['https://kyverno.github.io/kyverno/', 'https://kyverno.github.io/policy-reporter'],
      staging: [],
      prod: ['https://kyverno.github.io/kyverno/', 'https://kyverno.github.io/policy-reporter'],
    });
  });
});

describe("dist/<env>/krate-kyverno reflects each environment's mode", () => {
  it('dev: managed, single replicas, Policy Reporter, managed policy bindings', () => {
    expect(obj('dev/krate-kyverno/configmap-krate-kyverno-config.yaml').data.KRATE_KYVERNO_MODE).toBe('managed');
    // The chart's engine Application is hoisted into the App-of-Apps, where Argo CD runs.
    const values = obj('dev/app-of-apps/application-dev-kyverno.yaml').spec.source.helm.valuesObject;
    expect(values.admissionController.replicas).toBe(1);
    expect(tree.has('dev/app-of-apps/application-dev-policy-reporter.yaml')).toBe(true);
    expect(files('dev')).toContain('dev/krate-kyverno/clusterrole-krate-kyverno-controller-policy-write.yaml');
    expect(files('dev').filter((p) => p.startsWith('dev/krate-kyverno/application-'))).toEqual([]);
  });

  it('staging: byo, nothing installed and nothing written', () => {
    expect(obj('staging/krate-kyverno/configmap-krate-kyverno-config.yaml').data.KRATE_KYVERNO_MODE).toBe('byo');
    expect(files('staging').filter((p) => /application-|policy-write|policyexceptions/.test(p))).toEqual([]);
  });

  it('prod: managed and highly available (3 admission replicas, 2 of each controller)', () => {
    // prod is a fleet: the engine fans out with an ApplicationSet, one Application per cluster.
    const app = obj('prod/app-of-apps/applicationset-prod-kyverno.yaml').spec.template;
    expect(app.spec.project).toBe('krate-prod');
    expect(app.spec.destination).toEqual({ namespace: 'kyverno', server: '{{ .server }}' });
    const v = app.spec.source.helm.valuesObject;
    expect([
      v.admissionController.replicas,
      v.backgroundController.replicas,
      v.cleanupController.replicas,
      v.reportsController.replicas,
    ]).toEqual([3, 2, 2, 2]);
  });

  it('binds the persona groups each environment names', () => {
    expect(obj('prod/krate-kyverno/clusterrolebinding-krate-kyverno-platform-admin.yaml').subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'krate-platform' },
    ]);
  });
});

describe('Kyverno settings in environments', () => {
  const prod = ENVIRONMENTS.find((e) => e.name === 'prod')!;

  it('fails when a Kyverno flag is not a boolean', () => {
    expect(errorFor((e) => (e.kyverno.discoverExisting = 'yes'))).toContain(
      "environments.prod.kyverno.discoverExisting: 'yes' must be true or false (edit environments/prod.ts)",
    );
  });

  it('fails when the install method is unknown', () => {
    expect(errorFor((e) => (e.kyverno.managed = { installMethod: 'kustomize' }))).toContain(
      "environments.prod.kyverno.managed.installMethod: 'kustomize' is not one of argocd|helm-dependency|none",
    );
  });

  it('fails when managed values set createSelfSignedCert', () => {
    expect(errorFor((e) => (e.kyverno.managed = { values: { createSelfSignedCert: true } }))).toContain(
      'environments.prod.kyverno.managed.values.createSelfSignedCert: must not be set: it renders private keys into dist/',
    );
  });

  it.each([
    ['config', 'webhooks', { namespaceSelector: {} }, 'exclusions.platformNamespaces'],
    ['config', 'resourceFilters', ['[Event,*,*]'], 'exclusions.platformNamespaces'],
    ['config', 'resourceFiltersExclude', [], 'exclusions.platformNamespaces'],
    ['config', 'resourceFiltersExcludeNamespaces', ['kube-system'], 'exclusions.platformNamespaces'],
    ['config', 'resourceFiltersIncludeNamespaces', ['team-a'], 'exclusions.platformNamespaces'],
    ['config', 'excludeKyvernoNamespace', false, 'exclusions.platformNamespaces'],
    ['features', 'policyExceptions', { enabled: true, namespace: 'default' }, 'kyverno.policyNamespace'],
  ])(
    'fails when managed values override %s.%s (it could drop a protected namespace or move exceptions)',
    (section, key, value, instead) => {
      const msg = errorFor((e) => (e.kyverno.managed = { values: { [section]: { [key]: value } } }));
      expect(msg).toContain(`environments.prod.kyverno.managed.values.${section}.${key}: must not be set: Krate computes it`);
      expect(msg).toContain(`(remove it; use ${instead} instead) (edit environments/prod.ts)`);
    },
  );

  it('fails when managed values replace the config or features block with a non-object', () => {
    expect(errorFor((e) => (e.kyverno.managed = { values: { config: 'none' } }))).toContain(
      "environments.prod.kyverno.managed.values.config: 'none' must be an object (it would replace Krate's webhook exclusions and exception settings)",
    );
  });

  it('accepts other upstream values under config and features', () => {
    const ok = {
      ...prod,
      kyverno: {
        ...prod.kyverno,
        managed: { values: { config: { preserve: false, webhookAnnotations: { a: 'b' } }, features: { logging: { format: 'json' } } } },
      },
    };
    expect(() => resolveEnvironments([ok])).not.toThrow();
  });

  it('fails when the Policy Reporter mode is unknown, or the superseded default pack is still configured', () => {
    const msg = errorFor((e) => {
      e.kyverno.defaultPolicyPack = { mode: 'enforce' };
      e.kyverno.policyReporter = { mode: 'bundled' };
    });
    expect(msg).toContain('environments.prod.kyverno.defaultPolicyPack: unknown field; expected one of mode|namespace|policyNamespace');
    expect(msg).toContain("environments.prod.kyverno.policyReporter.mode: 'bundled' is not one of external|managed");
  });

  it('fails when persona groups are not a list of names, or a persona is unknown', () => {
    expect(errorFor((e) => (e.rbac = { personas: { admins: [] } }))).toContain(
      'environments.prod.rbac.personas.admins: unknown field; expected one of viewer|platformAdmin',
    );
    expect(errorFor((e) => (e.rbac = { personas: { viewer: 'devs' } }))).toContain(
      "environments.prod.rbac.personas.viewer: 'devs' must be a list of group names",
    );
  });

  it("turns the chart's placeholder pack off: the tenancy model renders profiles and bindings", () => {
    const values = krateKyvernoValues(resolveEnvironments([prod])[0]);
    expect(values.externalDependencies.kyverno.defaultPolicyPack).toEqual({ enabled: false, installExamples: false });
  });
});

describe('admission policies and their trusted writers come from the environment', () => {
  const prod = ENVIRONMENTS.find((e) => e.name === 'prod')!;
  const rendered = (config: EnvironmentConfig) => {
    const release = krateKyvernoRelease(resolveEnvironments([config])[0]);
    // An old --kube-version: only the environment's setting may decide, never helm's default.
    const r = helm(
      ['template', release.releaseName, release.chart, '--namespace', release.namespace, '--kube-version', '1.28.0'],
      release.values,
    );
    if (r.status !== 0) throw new Error(r.stderr);
    return parseManifests(r.stdout, 'helm template krate-kyverno').map((i) => i.manifest);
  };
  const policies = (config: EnvironmentConfig) =>
    rendered(config)
      .filter((m) => m.kind === 'ValidatingAdmissionPolicy')
      .map((m) => m.metadata.name)
      .sort();

  it('renders the three ValidatingAdmissionPolicies by default and none with admissionPolicies: false', () => {
    expect(krateKyvernoValues(resolveEnvironments([prod])[0]).admissionPolicies).toEqual({ mode: 'enabled' });
    expect(policies(prod)).toEqual([
      'krate-kyverno-binding-enforce-mode',
      'krate-kyverno-exception-guard',
      'krate-kyverno-exception-request-guard',
    ]);
    expect(policies({ ...prod, admissionPolicies: false })).toEqual([]);
  });

  it("names the environment's Krate namespace, exception namespace and Argo CD controller in the exception guard", () => {
    const config: EnvironmentConfig = {
      ...prod,
      krate: { namespace: 'krate' },
      kyverno: { ...prod.kyverno, policyNamespace: 'exceptions' },
      argocd: { ...prod.argocd, namespace: 'gitops', applicationControllerServiceAccount: 'argo-ctl' },
    };
    const guard = rendered(config).find(
      (m) => m.metadata.name === 'krate-kyverno-exception-guard' && m.kind === 'ValidatingAdmissionPolicy',
    )!;
    expect((guard.spec as { variables: { name: string; expression: string }[] }).variables).toEqual([
      { name: 'inExceptionNamespace', expression: "request.namespace == 'exceptions'" },
      {
        name: 'writer',
        expression:
          "request.userInfo.username in ['system:serviceaccount:krate:krate-exception-controller', 'system:serviceaccount:gitops:argo-ctl']",
      },
    ]);
  });

  it('fails when admissionPolicies is not a boolean or the Argo CD ServiceAccount is not a DNS label', () => {
    expect(errorFor((e) => (e.admissionPolicies = 'auto'))).toContain("environments.prod.admissionPolicies: 'auto' must be true or false");
    expect(errorFor((e) => (e.argocd.applicationControllerServiceAccount = 'Argo_CD'))).toContain(
      "environments.prod.argocd.applicationControllerServiceAccount: 'Argo_CD'",
    );
  });
});

/** ../shared/upstream (development checkouts only): the real kyverno chart the managed install pins. */
const UPSTREAM_KYVERNO = join(REPO_ROOT, '..', 'shared', 'upstream', 'charts', 'kyverno-3.9.0');
const withUpstream = existsSync(UPSTREAM_KYVERNO);

(withUpstream ? describe : describe.skip)(
  `an environment's managed Kyverno, rendered by the real kyverno 3.9.0 chart${withUpstream ? '' : ` (skipped: ${UPSTREAM_KYVERNO} is absent)`}`,
  () => {
    const fixture: EnvironmentConfig = {
      name: 'staging',
      org: 'acme',
      argocd: { repoURL: 'https://example.com/acme/policy.git' },
      clusters: [{ name: 'one' }],
      kyverno: { mode: 'managed' },
      exclusions: { platformNamespaces: ['cert-manager'] },
    };
    const filtersOf = (values: unknown): string[] => {
      const r = helm(
        ['template', 'kyverno', UPSTREAM_KYVERNO, '--namespace', 'kyverno', '--show-only', 'templates/config/configmap.yaml'],
        values,
      );
      if (r.status !== 0) throw new Error(r.stderr);
      const cm = parseManifests(r.stdout, 'helm template kyverno')[0].manifest as unknown as { data: { resourceFilters: string } };
      return cm.data.resourceFilters.match(/\[[^\]]*\]/g) ?? [];
    };
    const isReplicaSet = (f: string) => f.startsWith('[ReplicaSet,') || f.startsWith('[ReplicaSet/');

    it("keeps upstream's default resource filters except ReplicaSets and adds every excluded namespace", () => {
      const env = resolveEnvironments([fixture], { exceptions: [] })[0];
      const release = krateKyvernoRelease(env);
      const r = helm(['template', release.releaseName, release.chart, '--namespace', release.namespace], release.values);
      expect(r.stderr).toBe('');
      const app = parseManifests(r.stdout, 'helm template krate-kyverno')
        .map((i) => i.manifest)
        .find((m) => m.kind === 'Application' && m.metadata.name === 'kyverno') as unknown as {
        spec: { source: { helm: { valuesObject: unknown } } };
      };
      const defaults = filtersOf({});
      const got = filtersOf(app.spec.source.helm.valuesObject);
      expect(got).toEqual(expect.arrayContaining(defaults.filter((f) => !isReplicaSet(f))));
      expect(got.filter(isReplicaSet)).toEqual([]);
      expect(got).toEqual(expect.arrayContaining(excludedNamespaces(env).map((ns) => `[*/*,${ns},*]`)));
      expect(excludedNamespaces(env)).toContain('cert-manager');
    });
  },
);

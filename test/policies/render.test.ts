import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/paths';
import { ENVIRONMENTS } from '../support/fixtures';
import { ROLLOUT } from '../support/fixtures';
import { findTemplate, TEMPLATES } from '../../policies';
import { POLICY_PACKS } from '../../policies/packs';
import { joinSelectors, podControllersOf, renderPolicy, resolveParameters } from '../../policies/render';
import type { PolicyTemplate } from '../../policies/template';
import { SchemaValidator, formatFinding } from '../../analysis/schema';
import { resolveEnvironments } from '../support/fixtures';
import { excludedNamespaces } from '../../config/exclusions';
import { modeAt } from '../../lib/ladder';

import type { ResolvedEnvironment } from '../../config/resolve';
import type { Manifest } from '../../lib/manifests';

const envs = resolveEnvironments(ENVIRONMENTS);
const env = (name: string) => envs.find((e) => e.name === name)!;
// What the policies app renders from an environment's plan.
const environmentPolicies = (e: ResolvedEnvironment): Manifest[] => e.plan.policies.map((p) => renderPolicy(p.template, p.options));
const policyNamesFor = (e: ResolvedEnvironment, t: string): string[] =>
  e.plan.policies.filter((p) => p.template.name === t).map((p) => p.name);
const policyRefsFor = (e: ResolvedEnvironment, t: string) =>
  e.plan.policies.filter((p) => p.template.name === t).map((p) => ({ name: p.name, kind: p.kind }));

const spec = (m: Manifest) => m.spec as Record<string, any>;
const templateOf = (m: Manifest) => (m.metadata.labels as Record<string, string>)['krate.a5c.ai/policy-template'];

describe('policy templates', () => {
  it('gives every template a unique name and one of the packs', () => {
    expect(new Set(TEMPLATES.map((t) => t.name)).size).toBe(TEMPLATES.length);
    for (const t of TEMPLATES) expect([t.name, (POLICY_PACKS as readonly string[]).includes(t.pack)]).toEqual([t.name, true]);
  });

  it('renders labels and annotations, background evaluation on, and audit by default', () => {
    const p = renderPolicy(findTemplate('disallow-host-path')!, { org: 'a5c', mode: 'Audit' });
    expect(p.metadata.name).toBe('krate-a5c-cluster-disallow-host-path');
    expect(p.metadata.annotations).toMatchObject({
      'krate.a5c.ai/policy-template': 'disallow-host-path@1.0.0',
      'policies.kyverno.io/title': 'Disallow hostPath volumes',
      'policies.kyverno.io/category': 'Pod Security Standards (Baseline)',
      'policies.kyverno.io/severity': 'high',
      'policies.kyverno.io/subject': 'Pod',
    });
    expect(spec(p)).toMatchObject({
      validationActions: ['Audit'],
      evaluation: { background: { enabled: true } },
      autogen: { podControllers: { controllers: expect.arrayContaining(['deployments', 'cronjobs']) } },
    });
    expect(spec(renderPolicy(findTemplate('disallow-host-path')!, { org: 'a5c', mode: 'Enforce' })).validationActions).toEqual(['Deny']);
  });

  it("renders each environment's active templates in the mode the ladder gives, with the environment's exclusions", () => {
    for (const e of envs) {
      const policies = environmentPolicies(e);
      const expected = TEMPLATES.flatMap((t) => policyNamesFor(e, t.name));
      expect(policies.map((p) => p.metadata.name).sort()).toEqual(expected.sort());
      for (const p of policies) {
        const template = templateOf(p);
        const selector = spec(p).matchConstraints.namespaceSelector;
        if (!p.metadata.name.includes('-audit-')) {
          // Never the environment's excluded namespaces (plus, when enforcing, the ones kept in audit).
          const audit = ROLLOUT[template].auditNamespaces ?? [];
          const enforcing = spec(p).validationActions[0] === 'Deny';
          expect(selector.matchExpressions[0]).toEqual({
            key: 'kubernetes.io/metadata.name',
            operator: 'NotIn',
            values: [...excludedNamespaces(e), ...(enforcing ? audit : [])].sort(),
          });
          expect([template, spec(p).validationActions]).toEqual([
            template,
            [modeAt(ROLLOUT[template].stage, e.name as 'dev') === 'Enforce' ? 'Deny' : 'Audit'],
          ]);
        }
      }
    }
    expect(environmentPolicies(env('prod')).some((p) => templateOf(p) === 'restrict-volume-types')).toBe(false);
  });

  it('splits an enforcing template with auditNamespaces into Enforce (excluding them) and an Audit twin (only them)', () => {
    const staging = environmentPolicies(env('staging')).filter((p) => templateOf(p) === 'require-labels');
    const excluded = excludedNamespaces(env('staging'));
    expect(staging.map((p) => [p.metadata.name, spec(p).validationActions, spec(p).matchConstraints.namespaceSelector])).toEqual([
      [
        'krate-a5c-cluster-require-labels',
        ['Deny'],
        { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...excluded, 'job-runner'].sort() }] },
      ],
      [
        'krate-a5c-audit-require-labels',
        ['Audit'],
        { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['job-runner'] }] },
      ],
    ]);
  });

  it('renders pod templates with the one resource rule Kyverno v1.19.0 can auto-generate for pod controllers', () => {
    // Autogen needs exactly one rule: apiGroups [''], apiVersions ['v1'], resources ['pods'] (a
    // namespaceSelector is allowed since kyverno/kyverno#16476); anything else silently drops it.
    for (const t of TEMPLATES.filter((x) => podControllersOf(x).length > 0)) {
      const p = renderPolicy(t, { org: 'a5c', mode: 'Audit' });
      expect([t.name, spec(p).matchConstraints.resourceRules]).toEqual([
        t.name,
        [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE', 'UPDATE'] }],
      ]);
      expect(spec(p).autogen.podControllers.controllers.length).toBeGreaterThan(0);
    }
  });

  it('applies parameters: require-labels renders the configured label keys', () => {
    const p = renderPolicy(findTemplate('require-labels')!, { org: 'a5c', mode: 'Audit', parameters: { labels: ['owner'] } });
    expect(spec(p).variables[0]).toEqual({ name: 'requiredLabels', expression: '["owner"]' });
    expect(resolveParameters(findTemplate('require-labels')!)).toEqual({ labels: ['team', 'app'] });
  });

  it('fails when a parameter is unknown, naming it and the known ones', () => {
    expect(() => resolveParameters(findTemplate('require-labels')!, { label: ['x'] }, "ROLLOUT['require-labels'].parameters")).toThrow(
      "ROLLOUT['require-labels'].parameters.label: unknown parameter of template require-labels (known: labels)",
    );
  });

  it('fails when a parameter has the wrong type, naming the value and what is expected', () => {
    expect(() => resolveParameters(findTemplate('require-labels')!, { labels: 'team' })).toThrow(
      "parameters.labels: 'team' is not a list of non-empty strings (Label keys every Pod must have.)",
    );
    expect(() => resolveParameters(findTemplate('disallow-host-ports')!, { allowedHostPorts: [70000] })).toThrow(
      'parameters.allowedHostPorts: [70000] is not a list of integers 0-65535',
    );
    expect(() => resolveParameters(findTemplate('require-pr-description')!, { minLength: -1 })).toThrow(
      'parameters.minLength: -1 is not a non-negative integer',
    );
  });

  describe('production-deployment-image-verified (ImageValidatingPolicy)', () => {
    const t = findTemplate('production-deployment-image-verified')!;
    const signer = [
      {
        name: 'release',
        cosign: {
          keyless: {
            identities: [
              { issuer: 'https://token.actions.githubusercontent.com', subjectRegExp: '^https://github[.]com/a5c-ai/.+@refs/tags/v.+$' },
            ],
          },
        },
      },
    ];

    it('renders an ImageValidatingPolicy that verifies signatures with the attestors, never a self-reported field', async () => {
      const p = renderPolicy(t, { org: 'a5c', mode: 'Audit' });
      expect([p.apiVersion, p.kind, p.metadata.name]).toEqual([
        'policies.kyverno.io/v1',
        'ImageValidatingPolicy',
        'krate-a5c-cluster-production-deployment-image-verified',
      ]);
      expect(p.metadata.labels).toMatchObject({
        'krate.a5c.ai/policy-template': t.name,
        'krate.a5c.ai/policy-pack': 'krate',
        'krate.a5c.ai/policy-mode': 'audit',
      });
      expect(p.metadata.annotations).toMatchObject({
        'krate.a5c.ai/policy-template': `${t.name}@2.0.0`,
        'policies.kyverno.io/subject': 'Job',
      });
      expect(spec(p)).toMatchObject({
        validationActions: ['Audit'],
        evaluation: { background: { enabled: true } },
        matchConstraints: { resourceRules: [{ apiGroups: ['krate.a5c.ai'], resources: ['jobs'] }] },
        images: [{ name: 'deployment' }],
        matchImageReferences: [{ glob: '*' }],
        attestors: [{ name: 'krateRelease', cosign: { keyless: { identities: [{ issuer: 'https://issuer.configure-me.invalid' }] } } }],
        validationConfigurations: { mutateDigest: false, verifyDigest: true, required: true },
      });
      expect(JSON.stringify(spec(p))).not.toContain('imageVerification');
      expect(spec(p).validations[1].expression).toBe(
        'images.deployment.map(image, verifyImageSignatures(image, [attestors.krateRelease])).all(e, e > 0)',
      );
      const configured = renderPolicy(t, { org: 'a5c', mode: 'Enforce', parameters: { attestors: signer } });
      expect(spec(configured)).toMatchObject({ validationActions: ['Deny'], failurePolicy: 'Fail', attestors: signer });
      expect(spec(configured).validations[1].expression).toContain('[attestors.release]');
      const items = [p, configured].map((manifest, index) => ({ manifest, file: 'ivp.yaml', index }));
      expect((await new SchemaValidator().validate(items)).map(formatFinding)).toEqual([]);
    });

    it('fails when it would enforce with the placeholder attestors', () => {
      expect(() => renderPolicy(t, { org: 'a5c', mode: 'Enforce', parametersPath: `ROLLOUT['${t.name}'].parameters` })).toThrow(
        `ROLLOUT['${t.name}'].parameters.attestors: not configured, and the default is a placeholder: '${t.name}' cannot enforce with it (it would deny everything it matches); set it before promoting the template to an enforce rung`,
      );
    });

    it('fails when the attestors are malformed, naming the attestor field', () => {
      const bad = (attestors: unknown) => () => resolveParameters(t, { attestors });
      expect(bad([])).toThrow('parameters.attestors: [] is not a non-empty list of attestors');
      expect(bad([{ ...signer[0], name: 'release-ci' }])).toThrow(
        "parameters.attestors[0].name: 'release-ci' is not a CEL identifier (validations refer to it as attestors.<name>)",
      );
      expect(bad([signer[0], signer[0]])).toThrow("parameters.attestors[1].name: 'release' is used twice");
      expect(bad([{ name: 'k', cosign: {} }])).toThrow('parameters.attestors[0].cosign: {} must set exactly one of keyless or key');
      expect(bad([{ name: 'k', cosign: { key: { data: 'abc' } } }])).toThrow(
        'parameters.attestors[0].cosign.key.data: is not a PEM public key',
      );
      expect(bad([{ name: 'k', cosign: { keyless: { identities: [{ issuer: 'https://x' }] } } }])).toThrow(
        'parameters.attestors[0].cosign.keyless.identities[0]: ',
      );
      expect(
        resolveParameters(t, {
          attestors: [{ name: 'k', cosign: { key: { data: '-----BEGIN PUBLIC KEY-----\nMFk=\n-----END PUBLIC KEY-----' } } }],
        }).attestors,
      ).toHaveLength(1);
    });

    it('is referenced by PolicyExceptions with kind ImageValidatingPolicy', () => {
      expect(policyRefsFor(env('dev'), t.name)).toEqual([
        { name: 'krate-a5c-cluster-production-deployment-image-verified', kind: 'ImageValidatingPolicy' },
      ]);
      expect(policyRefsFor(env('dev'), 'disallow-host-path')).toEqual([
        { name: 'krate-a5c-cluster-disallow-host-path', kind: 'ValidatingPolicy' },
      ]);
      expect(
        environmentPolicies(env('dev'))
          .filter((p) => p.kind === 'ImageValidatingPolicy')
          .map((p) => p.metadata.name),
      ).toEqual(['krate-a5c-cluster-production-deployment-image-verified']);
    });
  });

  it("documents every Krate template's field contract", () => {
    for (const t of TEMPLATES.filter((x) => x.pack === 'krate')) expect([t.name, (t.fields ?? []).length > 0]).toEqual([t.name, true]);
  });
});

describe('README', () => {
  it("documents every template and each Krate template's field contract", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    for (const t of TEMPLATES) {
      expect([t.name, readme.includes(`\`${t.name}\``)]).toEqual([t.name, true]);
      for (const f of t.fields ?? []) expect([f, readme.includes(f)]).toEqual([f, true]);
    }
  });
});

describe('template fields an imported policy keeps', () => {
  const base: PolicyTemplate = {
    name: 'fixture-import',
    version: '1.0.0',
    pack: 'best-practices',
    title: 'Fixture',
    description: 'A fixture template with every matchConstraints field.',
    category: 'Best Practices',
    severity: 'low',
    subject: 'Service',
    surface: 'workload',
    remediation: 'Fix it.',
    resourceRules: [
      {
        apiGroups: [''],
        apiVersions: ['v1'],
        resources: ['services'],
        operations: ['CREATE', 'UPDATE'],
        resourceNames: ['a'],
        scope: 'Namespaced',
      },
    ],
    body: () => ({
      validations: [{ expression: 'true', message: 'm', reason: 'Forbidden' }],
      auditAnnotations: [{ key: 'seen', valueExpression: "'yes'" }],
    }),
  };
  const exclusions = { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn' as const, values: ['kube-system'] }] };

  it('renders excludeResourceRules, objectSelector, matchPolicy, evaluation, timeout, reasons and audit annotations as given', () => {
    const p = renderPolicy(
      {
        ...base,
        excludeResourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['services'], operations: ['UPDATE'] }],
        objectSelector: { matchLabels: { app: 'web' } },
        matchPolicy: 'Exact',
        evaluation: { background: false },
        timeoutSeconds: 5,
      },
      { org: 'a5c', mode: 'Audit', namespaceSelector: exclusions },
    );
    expect(spec(p)).toMatchObject({
      evaluation: { admission: { enabled: true }, background: { enabled: false } },
      matchConstraints: {
        resourceRules: [expect.objectContaining({ resourceNames: ['a'], scope: 'Namespaced' })],
        excludeResourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['services'], operations: ['UPDATE'] }],
        namespaceSelector: exclusions,
        objectSelector: { matchLabels: { app: 'web' } },
        matchPolicy: 'Exact',
      },
      webhookConfiguration: { timeoutSeconds: 5 },
      validations: [{ expression: 'true', message: 'm', reason: 'Forbidden' }],
      auditAnnotations: [{ key: 'seen', valueExpression: "'yes'" }],
    });
    expect(spec(p).autogen).toBeUndefined();
  });

  it("keeps the repository's exclusions when the template has its own namespaceSelector: both must hold", () => {
    const own = {
      matchLabels: { tier: 'web', 'kubernetes.io/metadata.name': 'shop' },
      matchExpressions: [{ key: 'env', operator: 'Exists' as const }],
    };
    const p = renderPolicy({ ...base, namespaceSelector: own }, { org: 'a5c', mode: 'Audit', namespaceSelector: exclusions });
    expect(spec(p).matchConstraints.namespaceSelector).toEqual({
      matchLabels: { tier: 'web', 'kubernetes.io/metadata.name': 'shop' },
      matchExpressions: [...exclusions.matchExpressions, { key: 'env', operator: 'Exists' }],
    });
    expect(
      spec(renderPolicy({ ...base, namespaceSelector: own }, { org: 'a5c', mode: 'Audit' })).matchConstraints.namespaceSelector,
    ).toEqual(own);
  });

  it('keeps both values when the two selectors set the same label key differently (an In expression for the second)', () => {
    expect(joinSelectors({ matchLabels: { tier: 'a' } }, { matchLabels: { tier: 'b', x: 'y' } })).toEqual({
      matchLabels: { tier: 'a', x: 'y' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['b'] }],
    });
    expect(joinSelectors(undefined, exclusions)).toBe(exclusions);
  });

  it('renders the pod controllers a template lists, none for an empty list, every one for true', () => {
    const pods = {
      ...base,
      resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE' as const] }],
    };
    const controllers = (podControllers: PolicyTemplate['podControllers']) =>
      spec(renderPolicy({ ...pods, podControllers }, { org: 'a5c', mode: 'Audit' })).autogen?.podControllers.controllers;
    expect(controllers(['deployments', 'jobs'])).toEqual(['deployments', 'jobs']);
    expect(controllers([])).toEqual([]);
    expect(controllers(true)).toEqual(['deployments', 'statefulsets', 'daemonsets', 'replicasets', 'jobs', 'cronjobs']);
    expect(controllers(false)).toBeUndefined();
    expect(podControllersOf({ podControllers: [] })).toEqual([]);
  });
});

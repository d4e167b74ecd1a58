import { formatFinding, SchemaValidator } from '../../analysis/schema';
import { resolveConfig } from '../../config/resolve';
import type { Manifest } from '../../lib/manifests';
import { renderManifests } from '../../synth/synth';
import { EXCEPTIONS, tenantSources } from '../support/fixtures';

type Any = Record<string, any>;

const shopException = {
  name: 'shop-root',
  org: 'shop',
  environment: 'dev',
  template: 'require-run-as-nonroot',
  namespaces: ['shop-payments'],
  justification: 'The legacy payment gateway image runs as root until the vendor ships a rootless build.',
  ticket: 'SHOP-77',
  requester: 'dana@a5c.ai',
  approver: 'platform-lead@a5c.ai',
  requested: '2026-11-30',
  expiresAt: '2026-12-14',
};

describe("KrateModel: Krate's resource model of an environment", () => {
  const config = resolveConfig(tenantSources(undefined, { exceptions: [...EXCEPTIONS, shopException] }));
  const rendered = renderManifests({ ...config, environments: config.environments.filter((e) => e.name === 'dev') });
  const all = rendered.map((r) => r.manifest);
  const model = rendered.filter((r) => r.app === 'krate-model').map((r) => r.manifest);
  const find = (kind: string, name: string): Any => {
    const m = all.find((x) => x.kind === kind && x.metadata.name === name);
    if (!m) throw new Error(`no ${kind}/${name}`);
    return m as Any;
  };

  it('renders every object valid against the chart’s own CRDs (rendered alongside)', async () => {
    const items = all.map((manifest: Manifest, index) => ({ manifest, file: 'rendered', index }));
    expect(model.length).toBeGreaterThan(0);
    expect((await new SchemaValidator().validate(items)).map(formatFinding)).toEqual([]);
  });

  it('renders a binding of a repository with a 63-character name valid against the CRDs (scope repo-<name>, name truncated)', async () => {
    const repository = 'r'.repeat(63);
    const long = resolveConfig(tenantSources((e) => e.bindings.push({ org: 'shop', repository, template: 'require-labels' })));
    const out = renderManifests({ ...long, environments: long.environments.filter((e) => e.name === 'dev') }).map((r) => r.manifest);
    const binding = out.find((m) => m.kind === 'PolicyBinding' && (m as Any).spec.match.repository === repository) as Any;
    expect(binding.spec.scope.name).toBe(`repo-${repository}`);
    expect(binding.metadata.name).toHaveLength(63);
    const items = out.map((manifest: Manifest, index) => ({ manifest, file: 'rendered', index }));
    expect((await new SchemaValidator().validate(items)).map(formatFinding)).toEqual([]);
  });

  it('renders a PolicyTemplate with display name, target kinds, parameter schema, modes, remediation and its Kyverno manifest', () => {
    const t = find('PolicyTemplate', 'require-labels');
    expect(t.metadata.labels['krate.a5c.ai/rendered-by']).toBe('gitops');
    expect(t.spec).toMatchObject({
      displayName: 'Require labels',
      category: 'Best Practices',
      severity: 'medium',
      surface: 'workload',
      targetKinds: [{ apiGroups: [''], resource: 'pods' }],
      parameters: [{ name: 'labels', type: 'array', required: false, default: ['team', 'app'] }],
      allowedModes: ['audit', 'enforce'],
      mode: 'audit',
      policy: { apiVersion: 'policies.kyverno.io/v1', kind: 'ValidatingPolicy' },
    });
    expect(t.spec.remediation).toContain('Add the missing labels');
  });

  it('renders a PolicyProfile per profile an org follows, with its orgs, posture and exception policy', () => {
    expect(model.filter((m) => m.kind === 'PolicyProfile').map((m) => m.metadata.name)).toEqual([
      'platform',
      'production-strict',
      'sandbox',
    ]);
    expect(find('PolicyProfile', 'production-strict').spec).toMatchObject({
      mode: 'enforce',
      orgs: ['shop'],
      packs: ['pod-security-restricted', 'best-practices'],
      exceptionPolicy: { maxDays: 14, minJustification: 40, approvers: ['platformAdmin'], requesters: ['exceptionRequester'] },
      failurePolicy: 'Fail',
    });
  });

  it('renders a PolicyBinding per generated policy, in its org’s namespace, naming the policy', () => {
    const bindings = model.filter((m) => m.kind === 'PolicyBinding');
    const policies = all.filter((m) => m.apiVersion === 'policies.kyverno.io/v1' && /ValidatingPolicy$/.test(m.kind));
    expect(bindings.map((b) => b.metadata.name).sort()).toEqual(policies.map((p) => p.metadata.name).sort());
    const repo = find('PolicyBinding', 'krate-shop-repo-payments-disallow-latest-tag');
    expect(repo.metadata.namespace).toBe('shop');
    expect(repo.spec).toMatchObject({
      org: 'shop',
      profile: 'production-strict',
      mode: 'enforce',
      approver: 'platform-lead@a5c.ai',
      scope: { level: 'repo', name: 'repo-payments' },
      match: { repository: 'payments', objectSelector: { matchLabels: { 'krate.a5c.ai/repository': 'payments' } } },
      generatedPolicyName: 'krate-shop-repo-payments-disallow-latest-tag',
    });
    expect(find('PolicyBinding', 'krate-a5c-cluster-require-labels').metadata.namespace).toBe('krate-system');
  });

  it('renders a PolicyExceptionRequest recording the request and its approval, next to the enforcing PolicyException', () => {
    const r = find('PolicyExceptionRequest', 'shop-root');
    expect(r.metadata.namespace).toBe('shop');
    expect(r.spec).toMatchObject({
      org: 'shop',
      requestedBy: 'dana@a5c.ai',
      requestedAt: '2026-11-30T00:00:00Z',
      expiresAt: '2026-12-14T00:00:00Z',
      approval: { approver: 'platform-lead@a5c.ai' },
      policyRefs: [{ kind: 'ValidatingPolicy', name: 'krate-shop-org-require-run-as-nonroot' }],
      exceptionName: 'shop-root',
      exceptionNamespace: 'krate-system',
    });
    expect(find('PolicyException', 'shop-root').spec.policyRefs).toEqual(r.spec.policyRefs);
  });
});

// config/plan.ts decides, once per environment, what renders, in which mode, with which twin.
import { planAllTemplates, planEnvironment, templateMode } from '../../config/plan';
import type { Rollout } from '../../config/rollout';
import type { ExceptionRequest } from '../../environments/types';
import { PROTECTED_NAMESPACES, excludedNamespaces } from '../../config/exclusions';
import { TEMPLATES } from '../../policies';
import { fixtureEnvironment } from '../support/fixtures';

const staging = fixtureEnvironment('staging');
const rollout: Rollout = {
  'require-labels': { stage: 'enforce:staging', since: '2026-11-01', auditNamespaces: ['job-runner', 'kube-system'] },
  'disallow-host-path': { stage: 'audit:staging', since: '2026-11-01' },
  'disallow-latest-tag': { stage: 'audit:dev', since: '2026-11-01' },
};
const exception = (template: string, name = 'x'): ExceptionRequest => ({
  name,
  environment: 'staging',
  template,
  namespaces: ['legacy'],
  justification: 'a justification of enough length',
  ticket: 'PLAT-1',
  requester: 'sre-oncall@a5c.ai',
  approver: 'platform-lead@a5c.ai',
  requested: '2026-11-01',
  expiresAt: '2026-11-20',
});

describe('planEnvironment', () => {
  const plan = planEnvironment(staging, rollout, TEMPLATES, [exception('require-labels', 'b'), exception('disallow-host-path', 'a')]);

  it('plans each template from its audit rung on, in the mode its rung gives, nothing below it', () => {
    expect(plan.policies.map((p) => [p.name, p.mode])).toEqual([
      ['krate-a5c-cluster-disallow-host-path', 'Audit'],
      ['krate-a5c-cluster-require-labels', 'Enforce'],
      ['krate-a5c-audit-require-labels', 'Audit'],
    ]);
  });

  it('keeps the audit namespaces in an Audit twin and out of the Enforce policy (never the protected ones)', () => {
    const [enforce, twin] = plan.policies.filter((p) => p.template.name === 'require-labels');
    expect(enforce.options.namespaceSelector?.matchExpressions?.[0]).toEqual({
      key: 'kubernetes.io/metadata.name',
      operator: 'NotIn',
      values: [...excludedNamespaces(staging), 'job-runner'].sort(),
    });
    expect(twin.options.namespaceSelector?.matchExpressions?.[0]).toEqual({
      key: 'kubernetes.io/metadata.name',
      operator: 'In',
      values: ['job-runner'],
    });
  });

  it('renders no twin while the template only audits', () => {
    const audit = planEnvironment(
      staging,
      { 'require-labels': { stage: 'audit:prod', since: '2026-11-01', auditNamespaces: ['job-runner'] } },
      TEMPLATES,
      [],
    );
    expect(audit.policies.map((p) => p.name)).toEqual(['krate-a5c-cluster-require-labels']);
  });

  it('lists the exceptions sorted by name, each referencing every policy of its template with its kind', () => {
    expect(plan.exceptions.map((e) => [e.request.name, e.policyRefs])).toEqual([
      ['a', [{ name: 'krate-a5c-cluster-disallow-host-path', kind: 'ValidatingPolicy' }]],
      [
        'b',
        [
          { name: 'krate-a5c-cluster-require-labels', kind: 'ValidatingPolicy' },
          { name: 'krate-a5c-audit-require-labels', kind: 'ValidatingPolicy' },
        ],
      ],
    ]);
  });

  it('plans nothing for an environment that is not a ladder rung', () => {
    expect(templateMode(rollout, 'require-labels', 'qa')).toBeUndefined();
  });
});

describe('planAllTemplates', () => {
  it('plans every template once, in Audit, excluding only the protected namespaces', () => {
    const plan = planAllTemplates(TEMPLATES);
    expect(plan).toHaveLength(TEMPLATES.length);
    for (const p of plan) {
      expect([p.template.name, p.mode]).toEqual([p.template.name, 'Audit']);
      expect(p.options.namespaceSelector?.matchExpressions?.[0].values).toEqual([...PROTECTED_NAMESPACES]);
    }
  });
});

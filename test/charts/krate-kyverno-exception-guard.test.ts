// The admission policies that keep exceptions where they belong, evaluated with the project's CEL
// engine against the exact expressions the chart renders: PolicyExceptions only in the exception
// namespace and only from its two writers; approved PolicyExceptionRequests unchanged, withdrawn
// only by their requester or a platform engineer.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { helm } from '../../lib/helm';
import { parseManifests, type Manifest } from '../../lib/manifests';
import { CHARTS_DIR, REPO_ROOT } from '../../lib/paths';
import { celProblems } from '../../synth/cel-check';
import { admit, crdRuleHolds, vapMatches, type AdmissionRequest, type VapSpec } from '../support/admission';

const CHART = join(CHARTS_DIR, 'krate-kyverno');
type Values = Record<string, unknown>;

function render(values: Values, namespace = 'krate-system', flags: string[] = []): Manifest[] {
  const r = helm(['template', 'krate-kyverno', CHART, '--namespace', namespace, ...flags], values);
  if (r.status !== 0) throw new Error(r.stderr);
  return parseManifests(r.stdout, 'helm template').map((i) => i.manifest);
}
const find = (ms: Manifest[], kind: string, name: string): Manifest => {
  const m = ms.find((x) => x.kind === kind && x.metadata.name === name);
  if (!m) throw new Error(`${kind}/${name} is not rendered`);
  return m;
};

const PLATFORM = 'krate-platform';
const DEFAULTS: Values = {
  externalDependencies: { kyverno: { mode: 'managed' } },
  rbac: { personas: { platformAdmin: { groups: [PLATFORM] } } },
};
const rendered = render(DEFAULTS);
const GUARD = find(rendered, 'ValidatingAdmissionPolicy', 'krate-kyverno-exception-guard');
const REQUEST_GUARD = find(rendered, 'ValidatingAdmissionPolicy', 'krate-kyverno-exception-request-guard');

const CONTROLLER = 'system:serviceaccount:krate-system:krate-exception-controller';
const ARGOCD = 'system:serviceaccount:argocd:argocd-application-controller';
const ENGINEER = { username: 'pat@a5c.ai', groups: [PLATFORM, 'system:authenticated'] };
const DEVELOPER = { username: 'dev@a5c.ai', groups: ['krate-developers', 'system:authenticated'] };

/** Every PolicyException version Kyverno has served (v1.9 on): what the guard must match. */
const VERSIONS = [
  'kyverno.io/v2/policyexceptions',
  'kyverno.io/v2beta1/policyexceptions',
  'kyverno.io/v2alpha1/policyexceptions',
  'policies.kyverno.io/v1/policyexceptions',
  'policies.kyverno.io/v1beta1/policyexceptions',
  'policies.kyverno.io/v1alpha1/policyexceptions',
];
const NOT_IN_NAMESPACE =
  "PolicyExceptions are written only in namespace 'krate-system', the one namespace Kyverno honours them in; request an exception with a PolicyExceptionRequest instead.";
const NOT_A_WRITER = `PolicyExceptions in 'krate-system' are written only by Krate's exception controller (${CONTROLLER}) and Argo CD's application controller (${ARGOCD}); request an exception with a PolicyExceptionRequest instead.`;

const exception = (namespace: string) => ({ apiVersion: 'policies.kyverno.io/v1', kind: 'PolicyException', metadata: { name: 'x', namespace } });
/** A PolicyException write: `who` creates (or updates) one in `namespace` through `resource`. */
function writePe(
  who: { username: string; groups?: readonly string[] },
  namespace: string,
  resource = VERSIONS[3],
  operation: 'CREATE' | 'UPDATE' = 'CREATE',
): AdmissionRequest {
  const object = exception(namespace);
  return { operation, resource, namespace, ...who, object, oldObject: operation === 'UPDATE' ? object : null };
}
const denials = (vap: Manifest, req: AdmissionRequest): readonly string[] | 'not matched' => {
  const d = admit(vap, req);
  return d.matched ? d.denied : 'not matched';
};

describe('PolicyException guard (krate-kyverno-exception-guard)', () => {
  it('compiles in Kubernetes’ typed ValidatingAdmissionPolicy environment (bool validations)', () => {
    const targets = [GUARD, REQUEST_GUARD].map((manifest) => ({ env: 'test', app: 'krate-kyverno', manifest }));
    expect(celProblems(targets)).toEqual([]);
    // The check itself fails on a broken expression, so the empty list above means something.
    const broken = structuredClone(GUARD);
    (broken.spec as { validations: { expression: string }[] }).validations[0].expression = 'request.namespace';
    expect(celProblems([{ env: 'test', app: 'krate-kyverno', manifest: broken }])).toEqual([
      expect.stringContaining('spec.validations[0].expression: returns string, must return bool'),
    ]);
  });

  it.each(VERSIONS)("lets the exception controller and Argo CD's application controller write %s in the exception namespace", (resource) => {
    for (const username of [CONTROLLER, ARGOCD])
      for (const operation of ['CREATE', 'UPDATE'] as const)
        expect(denials(GUARD, writePe({ username, groups: ['system:serviceaccounts'] }, 'krate-system', resource, operation))).toEqual([]);
  });

  it.each(VERSIONS)('fails when a platform engineer writes %s in the exception namespace', (resource) => {
    for (const operation of ['CREATE', 'UPDATE'] as const)
      expect(denials(GUARD, writePe(ENGINEER, 'krate-system', resource, operation))).toEqual([NOT_A_WRITER]);
  });

  it.each(VERSIONS)('fails when anyone, even the exception controller, writes %s outside the exception namespace', (resource) => {
    for (const who of [{ username: CONTROLLER }, { username: ARGOCD }, ENGINEER, DEVELOPER])
      for (const operation of ['CREATE', 'UPDATE'] as const)
        expect(denials(GUARD, writePe(who, 'team-a', resource, operation))).toEqual([NOT_IN_NAMESPACE]);
  });

  it('fails when a look-alike ServiceAccount writes: same name in another namespace, or another name in the namespace', () => {
    for (const username of [
      'system:serviceaccount:team-a:krate-exception-controller',
      'system:serviceaccount:krate-system:krate-exception-controller-2',
      'system:serviceaccount:argocd:argocd-server',
      'krate-exception-controller',
    ])
      expect(denials(GUARD, writePe({ username }, 'krate-system'))).toEqual([NOT_A_WRITER]);
  });

  it('leaves DELETE and every other resource alone (cleaning up a stray exception is always possible)', () => {
    expect(denials(GUARD, { operation: 'DELETE', resource: VERSIONS[0], namespace: 'team-a', ...DEVELOPER, oldObject: exception('team-a') })).toBe(
      'not matched',
    );
    expect(denials(GUARD, { ...writePe(DEVELOPER, 'team-a'), resource: 'krate.a5c.ai/v1alpha1/policyexceptionrequests' })).toBe('not matched');
    expect(denials(GUARD, { ...writePe(DEVELOPER, 'team-a'), resource: 'kyverno.io/v1/clusterpolicies' })).toBe('not matched');
  });

  it('fails closed, matches equivalent versions Kyverno adds later, and is bound in Deny', () => {
    const spec = GUARD.spec as VapSpec;
    expect(spec.failurePolicy).toBe('Fail');
    expect(spec.matchConstraints?.matchPolicy).toBe('Equivalent');
    const binding = find(rendered, 'ValidatingAdmissionPolicyBinding', 'krate-kyverno-exception-guard');
    expect(binding.spec).toEqual({ policyName: 'krate-kyverno-exception-guard', validationActions: ['Deny'] });
  });

  it('takes the namespace and both writers from the values, not from defaults', () => {
    const custom = render(
      {
        externalDependencies: { kyverno: { mode: 'managed', policyNamespace: 'exceptions' } },
        rbac: { exceptionController: { serviceAccountName: 'exc' } },
        argocd: { namespace: 'gitops', applicationController: { serviceAccountName: 'argo-ctl' } },
      },
      'krate',
    );
    const guard = find(custom, 'ValidatingAdmissionPolicy', 'krate-kyverno-exception-guard');
    expect(denials(guard, writePe({ username: 'system:serviceaccount:krate:exc' }, 'exceptions'))).toEqual([]);
    expect(denials(guard, writePe({ username: 'system:serviceaccount:gitops:argo-ctl' }, 'exceptions'))).toEqual([]);
    for (const username of [CONTROLLER, ARGOCD, 'system:serviceaccount:krate:krate-exception-controller'])
      expect(denials(guard, writePe({ username }, 'exceptions'))).toEqual([expect.stringContaining("PolicyExceptions in 'exceptions' are written only by")]);
    expect(denials(guard, writePe({ username: 'system:serviceaccount:krate:exc' }, 'krate-system'))).toEqual([
      expect.stringContaining("written only in namespace 'exceptions'"),
    ]);
  });

  const UPSTREAM = join(REPO_ROOT, '..', 'shared', 'upstream', 'kyverno-v1.19.0', 'crds');
  const present = existsSync(UPSTREAM);
  (present ? it : it.skip)(
    `matches CREATE and UPDATE of every version Kyverno v1.19.0's PolicyException CRDs serve${present ? '' : ` (skipped: ${UPSTREAM} is absent)`}`,
    () => {
      const files = ['kyverno/kyverno.io_policyexceptions.yaml', 'policies.kyverno.io/policies.kyverno.io_policyexceptions.yaml'];
      const served = files.flatMap((f) => {
        const crd = parseAllDocuments(readFileSync(join(UPSTREAM, f), 'utf8'))[0].toJS() as {
          spec: { group: string; names: { plural: string }; versions: { name: string; served: boolean }[] };
        };
        return crd.spec.versions.filter((v) => v.served).map((v) => `${crd.spec.group}/${v.name}/${crd.spec.names.plural}`);
      });
      expect(served.length).toBeGreaterThanOrEqual(5); // v2, v2beta1; v1, v1beta1, v1alpha1
      const spec = GUARD.spec as VapSpec;
      for (const gvr of served) for (const op of ['CREATE', 'UPDATE']) expect([gvr, op, vapMatches(spec, gvr, op)]).toEqual([gvr, op, true]);
      expect(VERSIONS).toEqual(expect.arrayContaining(served));
    },
  );
});

describe('PolicyExceptionRequest guard (krate-kyverno-exception-request-guard)', () => {
  const RESOURCE = 'krate.a5c.ai/v1alpha1/policyexceptionrequests';
  const request = (phase: string | undefined, spec: Values = {}, labels: Record<string, string> = {}) => ({
    apiVersion: 'krate.a5c.ai/v1alpha1',
    kind: 'PolicyExceptionRequest',
    metadata: { name: 'r', namespace: 'team-a', labels },
    spec: { requestedBy: DEVELOPER.username, policyRefs: [{ kind: 'ValidatingPolicy', name: 'p' }], reason: 'needs a bypass', expiresAt: '2027-01-01T00:00:00Z', ...spec },
    ...(phase ? { status: { phase, approvedBy: 'pat@a5c.ai' } } : {}),
  });
  const update = (who: { username: string; groups?: readonly string[] }, oldObject: unknown, object: unknown): AdmissionRequest => ({
    operation: 'UPDATE',
    resource: RESOURCE,
    namespace: 'team-a',
    ...who,
    object,
    oldObject,
  });
  const withdraw = (who: { username: string; groups?: readonly string[] }, oldObject: unknown): AdmissionRequest => ({
    operation: 'DELETE',
    resource: RESOURCE,
    namespace: 'team-a',
    ...who,
    oldObject,
  });
  const CHANGED = 'An approved PolicyExceptionRequest is not changed (only platform engineers may): withdraw it and request a new one.';
  const NOT_YOURS = 'A PolicyExceptionRequest is withdrawn only by its requester (spec.requestedBy) or a platform engineer.';
  const APPROVED = ['Approved', 'Active', 'Expired'];
  const SELF_APPROVED =
    'Only platform engineers (or Git, through Argo CD) record spec.approval on a PolicyExceptionRequest: create it without one and ask for approval.';

  it.each(APPROVED)('fails when the requester changes the spec, labels or annotations of a request in phase %s', (phase) => {
    const old = request(phase);
    expect(denials(REQUEST_GUARD, update(DEVELOPER, old, request(phase, { expiresAt: '2028-01-01T00:00:00Z' })))).toEqual([CHANGED]);
    expect(denials(REQUEST_GUARD, update(DEVELOPER, old, request(phase, {}, { team: 'b' })))).toEqual([CHANGED]);
    const annotated = { ...request(phase), metadata: { ...old.metadata, annotations: { note: 'x' } } };
    expect(denials(REQUEST_GUARD, update(DEVELOPER, old, annotated))).toEqual([CHANGED]);
  });

  it('fails when the requester changes a request approved in Git (spec.approval) before the controller reports its phase', () => {
    const approved = request(undefined, { approval: { approver: 'pat@a5c.ai' } });
    const widened = request(undefined, { approval: { approver: 'pat@a5c.ai' }, expiresAt: '2028-01-01T00:00:00Z' });
    expect(denials(REQUEST_GUARD, update(DEVELOPER, approved, widened))).toEqual([CHANGED]);
    expect(denials(REQUEST_GUARD, update(ENGINEER, approved, widened))).toEqual([]);
    expect(denials(REQUEST_GUARD, update({ username: ARGOCD }, approved, widened))).toEqual([]);
  });

  it('fails when anyone but a platform engineer or Argo CD records spec.approval (no self-approval)', () => {
    const selfApproved = request(undefined, { approval: { approver: 'pat@a5c.ai' } });
    const create = (who: { username: string; groups?: readonly string[] }): AdmissionRequest => ({
      operation: 'CREATE',
      resource: RESOURCE,
      namespace: 'team-a',
      ...who,
      object: selfApproved,
    });
    expect(denials(REQUEST_GUARD, create(DEVELOPER))).toEqual([SELF_APPROVED]);
    expect(denials(REQUEST_GUARD, create(ENGINEER))).toEqual([]);
    expect(denials(REQUEST_GUARD, create({ username: ARGOCD }))).toEqual([]);
    // Adding the approval to a pending request is a change of an approved one.
    expect(denials(REQUEST_GUARD, update(DEVELOPER, request('Pending'), { ...selfApproved, status: { phase: 'Pending' } }))).toEqual([CHANGED]);
  });

  it('lets platform engineers and Argo CD (the change was reviewed in Git) change an approved request', () => {
    const changed = request('Approved', { reason: 'a longer reason for it' });
    expect(denials(REQUEST_GUARD, update(ENGINEER, request('Approved'), changed))).toEqual([]);
    expect(denials(REQUEST_GUARD, update({ username: ARGOCD }, request('Approved'), changed))).toEqual([]);
  });

  it('lets an approved request be written unchanged, and pending or rejected requests be edited (not matched)', () => {
    const same = { ...request('Approved'), metadata: { ...request('Approved').metadata, resourceVersion: '2' } };
    expect(denials(REQUEST_GUARD, update(DEVELOPER, request('Approved'), same))).toEqual([]);
    for (const phase of [undefined, 'Pending', 'Rejected'])
      expect(denials(REQUEST_GUARD, update(DEVELOPER, request(phase), request(phase, { reason: 'edited reason' })))).toBe('not matched');
    expect(denials(REQUEST_GUARD, { operation: 'CREATE', resource: RESOURCE, namespace: 'team-a', ...DEVELOPER, object: request(undefined) })).toBe(
      'not matched',
    );
  });

  it.each([undefined, 'Pending', 'Approved', 'Active'])('lets the requester and a platform engineer withdraw a request (phase %s)', (phase) => {
    expect(denials(REQUEST_GUARD, withdraw(DEVELOPER, request(phase)))).toEqual([]);
    expect(denials(REQUEST_GUARD, withdraw(ENGINEER, request(phase)))).toEqual([]);
  });

  it("lets Argo CD prune and Kubernetes' namespace and garbage collectors delete", () => {
    for (const username of [
      ARGOCD,
      'system:serviceaccount:kube-system:namespace-controller',
      'system:serviceaccount:kube-system:generic-garbage-collector',
      'system:kube-controller-manager',
    ])
      expect(denials(REQUEST_GUARD, withdraw({ username }, request('Approved')))).toEqual([]);
  });

  it('fails when someone other than the requester or a platform engineer withdraws a request', () => {
    const other = { username: 'eve@a5c.ai', groups: ['krate-developers'] };
    expect(denials(REQUEST_GUARD, withdraw(other, request('Approved')))).toEqual([NOT_YOURS]);
    expect(denials(REQUEST_GUARD, withdraw(other, request(undefined)))).toEqual([NOT_YOURS]);
    expect(denials(REQUEST_GUARD, withdraw({ username: 'system:serviceaccount:team-a:ci' }, request('Pending')))).toEqual([NOT_YOURS]);
  });

  it('fails when a request records no requester and a developer withdraws it (only platform engineers may)', () => {
    const anonymous = request('Pending');
    delete (anonymous.spec as { requestedBy?: string }).requestedBy;
    expect(denials(REQUEST_GUARD, withdraw(DEVELOPER, anonymous))).toEqual([NOT_YOURS]);
    expect(denials(REQUEST_GUARD, withdraw(ENGINEER, anonymous))).toEqual([]);
  });

  it('takes the platform engineers and Argo CD from the values', () => {
    const custom = render({
      externalDependencies: { kyverno: { mode: 'managed' } },
      rbac: { personas: { platformAdmin: { groups: ['sre'] } } },
      argocd: { namespace: 'gitops', applicationController: { serviceAccountName: 'argo-ctl' } },
    });
    const guard = find(custom, 'ValidatingAdmissionPolicy', 'krate-kyverno-exception-request-guard');
    const changed = request('Approved', { reason: 'a longer reason for it' });
    expect(denials(guard, update({ username: 'x', groups: ['sre'] }, request('Approved'), changed))).toEqual([]);
    expect(denials(guard, update({ username: 'system:serviceaccount:gitops:argo-ctl' }, request('Approved'), changed))).toEqual([]);
    expect(denials(guard, update(ENGINEER, request('Approved'), changed))).toEqual([CHANGED]);
    expect(denials(guard, update({ username: ARGOCD }, request('Approved'), changed))).toEqual([CHANGED]);
  });

  it('fails when nobody is a platform engineer: then only the requester (and Git) withdraw, and approved requests stay as they are', () => {
    const guard = find(render({ externalDependencies: { kyverno: { mode: 'managed' } } }), 'ValidatingAdmissionPolicy', 'krate-kyverno-exception-request-guard');
    expect(denials(guard, update(ENGINEER, request('Approved'), request('Approved', { reason: 'another reason' })))).toEqual([CHANGED]);
    expect(denials(guard, withdraw(ENGINEER, request('Approved')))).toEqual([NOT_YOURS]);
  });
});

describe('PolicyExceptionRequest CRD: spec.requestedBy is immutable (transition rule)', () => {
  const crd = find(rendered, 'CustomResourceDefinition', 'policyexceptionrequests.krate.a5c.ai') as unknown as {
    spec: { versions: { schema: { openAPIV3Schema: { properties: { spec: { 'x-kubernetes-validations': { rule: string; message: string }[] } } } } }[] };
  };
  const [rule] = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec['x-kubernetes-validations'];
  const spec = (requestedBy?: string) => ({ reason: 'needs a bypass', ...(requestedBy === undefined ? {} : { requestedBy }) });

  it('holds while requestedBy stays as it was (set or never set)', () => {
    expect(crdRuleHolds(rule.rule, spec('dev@a5c.ai'), spec('dev@a5c.ai'))).toBe(true);
    expect(crdRuleHolds(rule.rule, { ...spec('dev@a5c.ai'), reason: 'changed' }, spec('dev@a5c.ai'))).toBe(true);
    expect(crdRuleHolds(rule.rule, spec(), spec())).toBe(true);
  });

  it('fails when requestedBy is rewritten, added or dropped', () => {
    expect(rule.message).toBe('spec.requestedBy is immutable (it records who asked for the exception); withdraw the request and create a new one');
    expect(crdRuleHolds(rule.rule, spec('eve@a5c.ai'), spec('dev@a5c.ai'))).toBe(false);
    expect(crdRuleHolds(rule.rule, spec('eve@a5c.ai'), spec())).toBe(false);
    expect(crdRuleHolds(rule.rule, spec(), spec('dev@a5c.ai'))).toBe(false);
  });
});

describe('admission policies are an option per environment (admissionPolicies.mode)', () => {
  const names = (values: Values, flags: string[] = []) =>
    render({ ...DEFAULTS, ...values }, 'krate-system', flags)
      .filter((m) => m.kind === 'ValidatingAdmissionPolicy')
      .map((m) => m.metadata.name)
      .sort();
  const ALL = ['krate-kyverno-binding-enforce-mode', 'krate-kyverno-exception-guard', 'krate-kyverno-exception-request-guard'];

  it('auto renders them where the v1 kind is served (Kubernetes 1.30+, or the kind listed) and leaves them out on 1.29', () => {
    expect(names({}, ['--kube-version', '1.30.0'])).toEqual(ALL);
    expect(names({}, ['--kube-version', '1.29.0', '--api-versions', 'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy'])).toEqual(ALL);
    expect(names({}, ['--kube-version', '1.29.0'])).toEqual([]);
  });

  it('enabled and disabled decide whatever helm thinks the Kubernetes version is', () => {
    expect(names({ admissionPolicies: { mode: 'enabled' } }, ['--kube-version', '1.29.0'])).toEqual(ALL);
    expect(names({ admissionPolicies: { mode: 'disabled' } }, ['--kube-version', '1.31.0'])).toEqual([]);
  });

  it('fails when the mode is not auto, enabled or disabled', () => {
    const r = helm(['template', 'krate-kyverno', CHART], { ...DEFAULTS, admissionPolicies: { mode: 'on' } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/admissionPolicies\/mode.*value must be one of 'auto', 'enabled', 'disabled'/);
  });
});

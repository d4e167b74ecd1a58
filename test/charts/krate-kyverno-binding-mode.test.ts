// The enforce-mode gate on PolicyBindings, evaluated with the project's CEL engine against the
// exact expressions the chart renders (test/support/admission.ts).
import { join } from 'node:path';
import { helm } from '../../lib/helm';
import { parseManifests } from '../../lib/manifests';
import { CHARTS_DIR } from '../../lib/paths';
import { admit as decide } from '../support/admission';

const r = helm(['template', 'krate-kyverno', join(CHARTS_DIR, 'krate-kyverno'), '--namespace', 'krate-system'], {
  externalDependencies: { kyverno: { mode: 'managed' } },
  rbac: { personas: { platformAdmin: { groups: ['platform'] } } },
});
const vap = parseManifests(r.stdout, 'helm template').find(
  (i) => i.manifest.kind === 'ValidatingAdmissionPolicy' && i.manifest.metadata.name === 'krate-kyverno-binding-enforce-mode',
)!.manifest;

/** Admission result for a PolicyBinding in `mode` created by a user: undefined when allowed, else the message. */
function admit(mode: string | undefined, username: string, groups: string[]): string | undefined {
  const d = decide(vap, {
    operation: 'CREATE',
    resource: 'krate.a5c.ai/v1alpha1/policybindings',
    namespace: 'team-a',
    username,
    groups,
    object: { spec: mode === undefined ? {} : { mode } },
  });
  if (!d.matched) throw new Error('the gate does not match PolicyBinding CREATE');
  return d.denied[0];
}

describe('PolicyBinding enforce-mode gate (ValidatingAdmissionPolicy)', () => {
  it('lets repo admins bind in audit mode (explicit or defaulted)', () => {
    expect(admit('audit', 'alice', ['repo-admins'])).toBeUndefined();
    expect(admit(undefined, 'alice', ['repo-admins'])).toBeUndefined();
  });

  it('fails when a repo admin sets enforce mode', () => {
    expect(admit('enforce', 'alice', ['repo-admins'])).toBe("PolicyBinding mode 'enforce' is set by platform admins (or through Git and Argo CD); repo admins bind in audit mode.");
  });

  it("lets platform admins and Argo CD's ServiceAccounts set enforce mode", () => {
    expect(admit('enforce', 'bob', ['platform'])).toBeUndefined();
    expect(admit('enforce', 'system:serviceaccount:argocd:argocd-application-controller', [])).toBeUndefined();
  });

  it('fails when a ServiceAccount outside Argo CD sets enforce mode', () => {
    expect(admit('enforce', 'system:serviceaccount:team-a:ci', [])).toContain("PolicyBinding mode 'enforce' is set by platform admins");
  });
});

const FROM_GIT = { name: 'krate-shop-repo-payments-require-labels', labels: { 'krate.a5c.ai/rendered-by': 'gitops' } };

/** Admission result for a change to a PolicyBinding: undefined when allowed, else the messages joined. */
function change(operation: 'CREATE' | 'UPDATE' | 'DELETE', username: string, groups: string[], old?: object, next?: object): string | undefined {
  const d = decide(vap, {
    operation,
    resource: 'krate.a5c.ai/v1alpha1/policybindings',
    namespace: 'shop',
    username,
    groups,
    object: next ?? null,
    oldObject: old ?? null,
  });
  if (!d.matched) throw new Error(`the gate does not match PolicyBinding ${operation}`);
  return d.denied.length > 0 ? d.denied.join(' | ') : undefined;
}

describe('PolicyBindings rendered from Git (krate.a5c.ai/rendered-by: gitops)', () => {
  const approved = { metadata: FROM_GIT, spec: { mode: 'enforce' } };
  const downgraded = { metadata: FROM_GIT, spec: { mode: 'audit' } };
  const GIT_MESSAGE = 'This PolicyBinding is rendered from Git (krate.a5c.ai/rendered-by: gitops): change it in the policy repository';

  it('fails when a repo admin downgrades or deletes a binding rendered from Git', () => {
    expect(change('UPDATE', 'lee', ['shop-repo-admins'], approved, downgraded)).toContain(GIT_MESSAGE);
    expect(change('DELETE', 'lee', ['shop-repo-admins'], approved)).toContain(GIT_MESSAGE);
  });

  it('fails when a repo admin creates a binding that claims to come from Git, or drops the label', () => {
    expect(change('CREATE', 'lee', ['shop-repo-admins'], undefined, downgraded)).toContain(GIT_MESSAGE);
    expect(change('UPDATE', 'lee', ['shop-repo-admins'], approved, { metadata: { name: FROM_GIT.name }, spec: { mode: 'enforce' } })).toContain(GIT_MESSAGE);
  });

  it('lets Argo CD and platform admins change and delete it, and Kubernetes delete it with its namespace', () => {
    expect(change('UPDATE', 'system:serviceaccount:argocd:argocd-application-controller', [], approved, downgraded)).toBeUndefined();
    expect(change('DELETE', 'bob', ['platform'], approved)).toBeUndefined();
    expect(change('DELETE', 'system:serviceaccount:kube-system:namespace-controller', [], approved)).toBeUndefined();
    expect(change('UPDATE', 'system:serviceaccount:kube-system:namespace-controller', [], approved, downgraded)).toContain(GIT_MESSAGE);
  });

  it("leaves repo admins' own bindings to them: change and delete in audit mode", () => {
    const own = { metadata: { name: 'my-binding' }, spec: { mode: 'audit' } };
    expect(change('UPDATE', 'lee', ['shop-repo-admins'], own, { ...own, spec: { mode: 'audit', parameters: {} } })).toBeUndefined();
    expect(change('DELETE', 'lee', ['shop-repo-admins'], own)).toBeUndefined();
  });
});

describe('the gate needs admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy (GA in Kubernetes 1.30)', () => {
  const kinds = (...flags: string[]): string[] => {
    const out = helm(['template', 'krate-kyverno', join(CHARTS_DIR, 'krate-kyverno'), '--namespace', 'krate-system', ...flags]);
    expect(out.stderr).toBe('');
    return parseManifests(out.stdout, 'helm template')
      .filter((i) => i.manifest.metadata.name === 'krate-kyverno-binding-enforce-mode')
      .map((i) => i.manifest.kind)
      .filter((k) => k.startsWith('ValidatingAdmissionPolicy'));
  };
  const BOTH = ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'];

  it.each(['1.28.0', '1.29.9'])('is left out on Kubernetes %s (the chart still installs there: kubeVersion >=1.28)', (v) => {
    expect(kinds('--kube-version', v)).toEqual([]);
    const lint = helm(['lint', '--strict', join(CHARTS_DIR, 'krate-kyverno'), '--kube-version', v]);
    expect(lint.status).toBe(0);
  });

  it('renders from Kubernetes 1.30, or wherever the cluster serves the v1 kind', () => {
    expect(kinds('--kube-version', '1.30.0')).toEqual(BOTH);
    expect(kinds('--kube-version', '1.29.0', '--api-versions', 'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy')).toEqual(BOTH);
  });
});

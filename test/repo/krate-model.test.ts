// The Krate resource model in the committed dist/: every generated Kyverno policy carries the label
// and annotation contract, and its binding and profile annotations name objects of the same environment.
import { join } from 'node:path';
import { readManifests, type Manifest } from '../../lib/manifests';
import { DIST_DIR } from '../../lib/paths';

const ENVS = ['dev', 'staging', 'prod'];
const KRATE_KINDS = ['PolicyTemplate', 'PolicyProfile', 'PolicyBinding', 'PolicyExceptionRequest'];

describe.each(ENVS)('dist/%s: Krate model', (env) => {
  const items = readManifests([join(DIST_DIR, env)]).map((i) => i.manifest);
  const policies = items.filter((m) => m.apiVersion === 'policies.kyverno.io/v1' && /ValidatingPolicy$/.test(m.kind));
  const named = (kind: string) =>
    new Set(items.filter((m) => m.kind === kind && m.apiVersion === 'krate.a5c.ai/v1alpha1').map((m) => m.metadata.name));
  const labels = (m: Manifest) => (m.metadata.labels ?? {}) as Record<string, string>;
  const annotations = (m: Manifest) => (m.metadata.annotations ?? {}) as Record<string, string>;

  it('renders PolicyTemplates, PolicyProfiles, PolicyBindings and PolicyExceptionRequests, all marked rendered-by gitops', () => {
    for (const kind of KRATE_KINDS) expect(named(kind).size).toBeGreaterThan(0);
    const krate = items.filter((m) => KRATE_KINDS.includes(m.kind));
    expect(krate.filter((m) => labels(m)['krate.a5c.ai/rendered-by'] !== 'gitops').map((m) => m.metadata.name)).toEqual([]);
  });

  it('gives every generated policy the contract, naming a PolicyBinding and a PolicyProfile of this environment', () => {
    expect(policies.length).toBeGreaterThan(0);
    const bindings = items.filter((m) => m.kind === 'PolicyBinding');
    const profiles = named('PolicyProfile');
    const problems: string[] = [];
    for (const p of policies) {
      const a = annotations(p);
      const binding = bindings.find((b) => b.metadata.name === a['krate.a5c.ai/policy-binding']);
      if (!binding) problems.push(`${p.metadata.name}: policy-binding ${a['krate.a5c.ai/policy-binding']} does not exist`);
      else if ((binding.spec as { generatedPolicyName?: string }).generatedPolicyName !== p.metadata.name)
        problems.push(`${p.metadata.name}: its binding generates another policy`);
      if (!profiles.has(a['krate.a5c.ai/profile']))
        problems.push(`${p.metadata.name}: profile ${a['krate.a5c.ai/profile']} does not exist`);
      const org = labels(p)['krate.a5c.ai/org'];
      if (!org || !p.metadata.name.startsWith(`krate-${org}-`)) problems.push(`${p.metadata.name}: org label ${org}`);
      if (!labels(p)['krate.a5c.ai/surface']) problems.push(`${p.metadata.name}: no surface label`);
      if (a['krate.a5c.ai/ui-path'] !== `/orgs/${org}/policies/${labels(p)['krate.a5c.ai/policy-template']}`)
        problems.push(`${p.metadata.name}: ui-path ${a['krate.a5c.ai/ui-path']}`);
      if (!/^\d+\.\d+\.\d+$/.test(a['policies.kyverno.io/minversion'] ?? '')) problems.push(`${p.metadata.name}: no minversion`);
    }
    expect(problems).toEqual([]);
  });

  it('holds a second org and a repository binding, with their scope in the name', () => {
    const orgs = new Set(policies.map((p) => labels(p)['krate.a5c.ai/org']));
    expect(orgs.size).toBeGreaterThanOrEqual(2);
    const repo = policies.find((p) => p.metadata.name === 'krate-shop-repo-checkout-require-labels')!;
    // A repository binding without an approver stays in audit, whatever the ladder allows.
    expect(labels(repo)['krate.a5c.ai/policy-mode']).toBe('audit');
    expect((repo.spec as { matchConstraints: { objectSelector: unknown } }).matchConstraints.objectSelector).toEqual({
      matchLabels: { 'krate.a5c.ai/repository': 'checkout' },
    });
  });
});

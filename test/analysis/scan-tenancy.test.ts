// scan --env honours binding scope: an org binding's policy applies only in the org's namespaces
// (or those its namespace label marks), a repository binding's only to objects carrying the
// repository label there.
import { PolicySet } from '../../analysis/scan';
import { parseManifests } from '../../lib/manifests';
import { environmentPolicyManifests, tenantSources } from '../support/fixtures';

const pod = (name: string, ns: string, labels: Record<string, string> = {}) =>
  `---\napiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${ns}, labels: ${JSON.stringify(labels)}}\nspec: {containers: [{name: c, image: 'nginx:1.27'}]}\n`;
const namespace = (name: string, labels: Record<string, string> = {}) =>
  `---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}, labels: ${JSON.stringify(labels)}}\n`;

describe('scan --env: binding scope', () => {
  const set = new PolicySet(environmentPolicyManifests('dev', tenantSources()));
  /** policy → result for each resource, for the policies of one org. */
  const results = (yaml: string, org: string) =>
    set
      .scan(parseManifests(yaml, 'input.yaml'))
      .results.filter((r) => r.policy.startsWith(`krate-${org}-`))
      .map((r) => `${r.policy} ${r.resource.namespace}/${r.resource.name} ${r.result}`)
      .sort();
  const labelled = { team: 'a', app: 'b' };

  it("applies a repository binding only to the repository's objects in the org's namespaces", () => {
    const yaml = [
      pod('checkout-web', 'shop', { ...labelled, 'krate.a5c.ai/repository': 'checkout' }),
      pod('other-repo', 'shop', { ...labelled, 'krate.a5c.ai/repository': 'catalog' }),
      pod('no-repo', 'shop-payments', labelled),
      // The same repository name in another org's namespace is not shop's.
      pod('impostor', 'labs', { ...labelled, 'krate.a5c.ai/repository': 'checkout' }),
    ].join('');
    expect(results(yaml, 'shop').filter((r) => r.includes('-repo-checkout-'))).toEqual([
      // cost-center is required only by the checkout repository's binding.
      'krate-shop-repo-checkout-require-labels shop/checkout-web fail',
    ]);
  });

  it('applies an org binding to every namespace of the org and nowhere else', () => {
    const yaml = [pod('a', 'shop'), pod('b', 'shop-payments'), pod('c', 'labs'), pod('d', 'default')].join('');
    expect(results(yaml, 'shop').filter((r) => r.includes('-org-require-run-as-nonroot'))).toEqual([
      'krate-shop-org-require-run-as-nonroot shop-payments/b fail',
      'krate-shop-org-require-run-as-nonroot shop/a fail',
    ]);
  });

  it('matches an org marked by a namespace label by that label, not by namespace name', () => {
    const unmarked = pod('x', 'labs');
    const marked = namespace('labs', { 'krate.a5c.ai/org': 'labs' }) + pod('x', 'labs');
    expect(results(unmarked, 'labs')).toEqual([]);
    expect(results(marked, 'labs')).toEqual(['krate-labs-org-require-resource-limits labs/x fail']);
  });
});

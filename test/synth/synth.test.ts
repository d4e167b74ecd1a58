import { ENVIRONMENTS, resolveFixture } from '../support/fixtures';
import { compareTrees } from '../../lib/tree';
import { renderEnvironments } from '../../synth/synth';

describe('synth', () => {
  const tree = renderEnvironments(resolveFixture());

  it('is deterministic: two renders are byte-identical', () => {
    const again = renderEnvironments(resolveFixture());
    expect([...again.entries()]).toEqual([...tree.entries()]);
  });

  it('writes one folder per environment and app, one file per resource', () => {
    for (const path of tree.keys()) expect(path).toMatch(/^(dev|staging|prod)\/[a-z0-9-]+\/[a-z0-9]+-[a-z0-9.-]+\.yaml$/);
    for (const env of ['dev', 'staging', 'prod']) expect([...tree.keys()].some((p) => p.startsWith(`${env}/`))).toBe(true);
  });

  it('changes only that environment when one environment value changes', () => {
    const edited = ENVIRONMENTS.map((e) => (e.name === 'staging' ? { ...e, argocd: { ...e.argocd, targetRevision: 'release-1' } } : e));
    const diff = compareTrees(tree, renderEnvironments(resolveFixture({ environments: edited })));
    expect(diff.changed.length).toBeGreaterThan(0);
    expect([...diff.added, ...diff.removed, ...diff.changed].every((p) => p.startsWith('staging/'))).toBe(true);
  });
});

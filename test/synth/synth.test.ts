import { ENVIRONMENTS } from '../../environments';
import { readTree, compareTrees, isSame } from '../../lib/tree';
import { DIST_DIR } from '../../lib/paths';
import { renderEnvironments } from '../../synth/synth';

describe('synth', () => {
  const tree = renderEnvironments(ENVIRONMENTS);

  it('is deterministic: two renders are byte-identical', () => {
    const again = renderEnvironments(ENVIRONMENTS);
    expect([...again.entries()]).toEqual([...tree.entries()]);
  });

  it('writes one folder per environment and app, one file per resource', () => {
    for (const path of tree.keys()) expect(path).toMatch(/^(dev|staging|prod)\/[a-z0-9-]+\/[a-z0-9]+-[a-z0-9.-]+\.yaml$/);
    for (const env of ['dev', 'staging', 'prod']) expect([...tree.keys()].some((p) => p.startsWith(`${env}/`))).toBe(true);
  });

  it('matches the committed dist/ (drift check)', () => {
    const diff = compareTrees(readTree(DIST_DIR), tree);
    if (!isSame(diff)) {
      const lines = [
        ...diff.added.map((p) => `  missing from dist/: ${p}`),
        ...diff.removed.map((p) => `  stale in dist/:     ${p}`),
        ...diff.changed.map((p) => `  differs:            ${p}`),
      ];
      throw new Error(`dist/ is out of date with the sources:\n${lines.join('\n')}\nFix: run \`npm run synth\` and commit dist/ with the change that caused it.`);
    }
  });

  it('changes only that environment when one environment value changes', () => {
    const edited = ENVIRONMENTS.map((e) => (e.name === 'staging' ? { ...e, argocd: { ...e.argocd, targetRevision: 'release-1' } } : e));
    const diff = compareTrees(tree, renderEnvironments(edited));
    expect(diff.changed.length).toBeGreaterThan(0);
    expect([...diff.added, ...diff.removed, ...diff.changed].every((p) => p.startsWith('staging/'))).toBe(true);
  });
});

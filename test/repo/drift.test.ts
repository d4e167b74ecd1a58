// Repository-level check: the committed dist/ is exactly what the current sources render.
import { resolveConfig } from '../../config/resolve';
import { repositorySources } from '../../cli/sources';
import { DIST_DIR } from '../../lib/paths';
import { compareTrees, isSame, readTree } from '../../lib/tree';
import { renderEnvironments } from '../../synth/synth';

describe('dist/', () => {
  it('matches what the repository renders (drift check)', () => {
    const diff = compareTrees(readTree(DIST_DIR), renderEnvironments(resolveConfig(repositorySources())));
    if (!isSame(diff)) {
      const lines = [
        ...diff.added.map((p) => `  missing from dist/: ${p}`),
        ...diff.removed.map((p) => `  stale in dist/:     ${p}`),
        ...diff.changed.map((p) => `  differs:            ${p}`),
      ];
      throw new Error(
        `dist/ is out of date with the sources:\n${lines.join('\n')}\nFix: run \`npm run synth\` and commit dist/ with the change that caused it.`,
      );
    }
  });
});

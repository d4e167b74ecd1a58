import { DIFF_FORMATS, diffTrees, formatReport, renderBaseAndWorkingTree, type DiffFormat } from '../../analysis/diff';
import { ConfigError } from '../../lib/errors';
import { REPO_ROOT } from '../../lib/paths';
import { enumFlag, parseArgs, requiredFlag } from '../args';
import type { Command } from '../command';

export const diff: Command = {
  name: 'diff',
  usage: `krate-policy diff --base <git-ref> [--output ${DIFF_FORMATS.join('|')}]`,
  async run(args) {
    // --format is the flag's earlier name, still accepted.
    const parsed = parseArgs(args, { values: ['base', 'output', 'format'] }, this.usage);
    const base = requiredFlag(parsed, 'base', 'origin/main', this.usage);
    if (parsed.positional.length > 0) throw new ConfigError([`${parsed.positional[0]}: unexpected argument\nusage: ${this.usage}`]);
    if (parsed.flags.has('output') && parsed.flags.has('format')) {
      throw new ConfigError([`--format: an older name for --output; pass only --output\nusage: ${this.usage}`]);
    }
    const flag = parsed.flags.has('format') ? 'format' : 'output';
    const format = enumFlag<DiffFormat>(parsed, flag, DIFF_FORMATS, 'text');
    const trees = renderBaseAndWorkingTree(REPO_ROOT, base);
    process.stdout.write(formatReport(diffTrees(trees.base, trees.head), format, base));
    return 0;
  },
};

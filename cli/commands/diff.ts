import { diffTrees, formatReport, renderBaseAndWorkingTree, type DiffFormat } from '../../analysis/diff';
import { ConfigError } from '../../lib/errors';
import { REPO_ROOT } from '../../lib/paths';
import { enumFlag, parseArgs, requiredFlag } from '../args';
import type { Command } from '../command';

export const diff: Command = {
  name: 'diff',
  usage: 'krate-policy diff --base <git-ref> [--format markdown|text]',
  async run(args) {
    const parsed = parseArgs(args, { values: ['base', 'format'] }, this.usage);
    const base = requiredFlag(parsed, 'base', 'origin/main', this.usage);
    if (parsed.positional.length > 0) throw new ConfigError([`${parsed.positional[0]}: unexpected argument\nusage: ${this.usage}`]);
    const format = enumFlag<DiffFormat>(parsed, 'format', ['markdown', 'text'], 'text');
    const trees = renderBaseAndWorkingTree(REPO_ROOT, base);
    process.stdout.write(formatReport(diffTrees(trees.base, trees.head), format, base));
    return 0;
  },
};

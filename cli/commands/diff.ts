import { diffTrees, formatReport, renderBaseAndWorkingTree, type DiffFormat } from '../../lib/diff';
import { ConfigError } from '../../lib/errors';
import { REPO_ROOT } from '../../lib/paths';
import { enumFlag, parseArgs } from '../args';
import type { Command } from '../command';

export const diff: Command = {
  name: 'diff',
  summary: 'render a git ref and the working tree, report what changes per environment and app',
  usage: 'krate-policy diff --base <git-ref> [--format markdown|text]',
  async run(args) {
    const parsed = parseArgs(args, { values: ['base', 'format'] }, this.usage);
    const base = parsed.flags.get('base');
    if (typeof base !== 'string' || base === '') throw new ConfigError([`--base: required (e.g. --base origin/main)\nusage: ${this.usage}`]);
    if (parsed.positional.length > 0) throw new ConfigError([`${parsed.positional[0]}: unexpected argument\nusage: ${this.usage}`]);
    const format = enumFlag<DiffFormat>(parsed, 'format', ['markdown', 'text'], 'text');
    const trees = renderBaseAndWorkingTree(REPO_ROOT, base);
    process.stdout.write(formatReport(diffTrees(trees.base, trees.head), format, base));
    return 0;
  },
};

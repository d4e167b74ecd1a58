import { ENVIRONMENTS } from '../../environments';
import { DIST_DIR } from '../../lib/paths';
import { renderEnvironments, writeTree } from '../../lib/synth';
import { parseArgs } from '../args';
import type { Command } from '../command';

export const synth: Command = {
  name: 'synth',
  summary: 'render every environment into dist/ (or --out <dir>)',
  usage: 'krate-policy synth [--out <dir>]',
  async run(args) {
    const parsed = parseArgs(args, { values: ['out'] }, this.usage);
    const out = (parsed.flags.get('out') as string | undefined) ?? DIST_DIR;
    const tree = renderEnvironments(ENVIRONMENTS);
    writeTree(out, tree);
    console.log(`synth: wrote ${tree.size} manifests to ${out}`);
    return 0;
  },
};

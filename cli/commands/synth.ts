import { resolveConfig } from '../../config/resolve';
import { DIST_DIR } from '../../lib/paths';
import { BOOTSTRAP_DIR, renderBootstrap, renderEnvironmentsAsync, writeTree } from '../../synth/synth';
import { parseArgs } from '../args';
import type { Command } from '../command';
import { repositorySources } from '../sources';

export const synth: Command = {
  name: 'synth',
  usage: 'krate-policy synth [--out <dir>] [--bootstrap-out <dir>]',
  async run(args) {
    const parsed = parseArgs(args, { values: ['out', 'bootstrap-out'] }, this.usage);
    const custom = parsed.flags.get('out') as string | undefined;
    const out = custom ?? DIST_DIR;
    // With a custom --out (diff, bench) the checkout's apps/bootstrap/ is left alone unless asked for.
    const bootstrapOut = (parsed.flags.get('bootstrap-out') as string | undefined) ?? (custom ? undefined : BOOTSTRAP_DIR);
    const config = resolveConfig(repositorySources());
    const tree = await renderEnvironmentsAsync(config);
    const bootstrap = renderBootstrap(config, tree);
    writeTree(out, tree);
    if (bootstrapOut) writeTree(bootstrapOut, bootstrap);
    console.log(`synth: wrote ${tree.size} manifests to ${out}${bootstrapOut ? `, ${bootstrap.size} bootstrap files to ${bootstrapOut}` : ''}`);
    return 0;
  },
};

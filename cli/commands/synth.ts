import { relative, resolve, sep } from 'node:path';
import { resolveConfig } from '../../config/resolve';
import { ConfigError } from '../../lib/errors';
import { DIST_DIR, REPO_ROOT } from '../../lib/paths';
import { BOOTSTRAP_DIR, renderBootstrap, renderEnvironmentsAsync } from '../../synth/synth';
import { prepareOutput, type PreparedOutput } from '../../synth/write';
import { parseArgs } from '../args';
import type { Command } from '../command';
import { repositorySources } from '../sources';

export const synth: Command = {
  name: 'synth',
  usage: 'krate-policy synth [--out <dir>] [--bootstrap-out <dir>]',
  async run(args) {
    const parsed = parseArgs(args, { values: ['out', 'bootstrap-out'] }, this.usage);
    if (parsed.positional.length > 0) throw new ConfigError([`${parsed.positional[0]}: unexpected argument\nusage: ${this.usage}`]);
    const customOut = parsed.flags.get('out') as string | undefined;
    const customBootstrap = parsed.flags.get('bootstrap-out') as string | undefined;
    const out = { path: customOut ?? DIST_DIR, label: customOut !== undefined ? `--out ${customOut}` : relative(REPO_ROOT, DIST_DIR) };
    // With a custom --out (diff, bench) the checkout's apps/bootstrap/ is left alone unless asked for.
    const bootstrapOut =
      customBootstrap !== undefined
        ? { path: customBootstrap, label: `--bootstrap-out ${customBootstrap}` }
        : customOut === undefined
          ? { path: BOOTSTRAP_DIR, label: relative(REPO_ROOT, BOOTSTRAP_DIR) }
          : undefined;
    if (bootstrapOut && overlaps(out.path, bootstrapOut.path)) {
      throw new ConfigError([
        `${bootstrapOut.label}: overlaps ${out.label}; synth replaces each output folder whole, so they must be separate folders`,
      ]);
    }

    // Outputs are checked (and a missing one created) before rendering: a bad --out fails at once.
    const prepared: PreparedOutput[] = [];
    try {
      const dist = prepareOutput(out.path, out.label);
      prepared.push(dist);
      const boot = bootstrapOut && prepareOutput(bootstrapOut.path, bootstrapOut.label);
      if (boot) prepared.push(boot);
      const config = resolveConfig(repositorySources());
      const tree = await renderEnvironmentsAsync(config);
      const bootstrap = renderBootstrap(config, tree);
      dist.write(tree);
      boot?.write(bootstrap);
      console.log(
        `synth: wrote ${tree.size} manifests to ${out.path}${bootstrapOut ? `, ${bootstrap.size} bootstrap files to ${bootstrapOut.path}` : ''}`,
      );
      return 0;
    } finally {
      for (const p of prepared) p.discard();
    }
  },
};

/** Whether one folder is the other or inside it. */
function overlaps(a: string, b: string): boolean {
  const [x, y] = [resolve(a), resolve(b)];
  return x === y || x.startsWith(y + sep) || y.startsWith(x + sep);
}

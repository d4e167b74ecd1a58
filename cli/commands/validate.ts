import { join } from 'node:path';
import { ConfigError } from '../../lib/errors';
import { helm } from '../../lib/helm';
import { parseManifests, readManifests, type Manifest } from '../../lib/manifests';
import { CHARTS_DIR, DIST_DIR } from '../../lib/paths';
import { formatFinding, runKubeconformIfPresent, SchemaValidator } from '../../analysis/schema';
import type { Command } from '../command';

export const validate: Command = {
  name: 'validate',
  usage: 'krate-policy validate [<file|dir>...]',
  async run(args) {
    const paths = args.length > 0 ? args : [DIST_DIR];
    const items = readManifests(paths);
    const validator = new SchemaValidator();
    // This repository's own kinds (PolicyBinding, …) validate against its CRDs even when a user's
    // input does not include them.
    validator.addCrds(repositoryCrds());
    const findings = await validator.validate(items);
    for (const f of findings) console.error(formatFinding(f));
    const kubeconform = runKubeconformIfPresent(paths);
    if (kubeconform.ran) console.log(kubeconform.output.trim());
    const files = new Set(items.map((i) => i.file)).size;
    console.log(`validate: ${items.length} manifests in ${files} files, ${findings.length} schema finding(s)${kubeconform.ran ? '' : ' (kubeconform not on PATH: skipped)'}`);
    return findings.length > 0 || !kubeconform.ok ? 1 : 0;
  },
};

/** The CRDs charts/krate-kyverno defines, rendered by the project's helm (their one source). */
function repositoryCrds(): Manifest[] {
  const r = helm(['template', 'krate-kyverno', join(CHARTS_DIR, 'krate-kyverno')]);
  if (r.status !== 0) throw new ConfigError([`charts/krate-kyverno: helm template failed: ${r.stderr.trim()}`]);
  return parseManifests(r.stdout, 'charts/krate-kyverno').map((i) => i.manifest).filter((m) => m.kind === 'CustomResourceDefinition');
}

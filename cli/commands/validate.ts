import { readManifests } from '../../lib/manifests';
import { DIST_DIR } from '../../lib/paths';
import { formatFinding, runKubeconformIfPresent, SchemaValidator } from '../../lib/schema';
import type { Command } from '../command';

export const validate: Command = {
  name: 'validate',
  summary: 'schema-validate manifests offline (default: dist/)',
  usage: 'krate-policy validate [<file|dir>...]',
  async run(args) {
    const paths = args.length > 0 ? args : [DIST_DIR];
    const items = readManifests(paths);
    const findings = await new SchemaValidator().validate(items);
    for (const f of findings) console.error(formatFinding(f));
    const kubeconform = runKubeconformIfPresent(paths);
    if (kubeconform.ran) console.log(kubeconform.output.trim());
    const files = new Set(items.map((i) => i.file)).size;
    console.log(`validate: ${items.length} manifests in ${files} files, ${findings.length} schema finding(s)${kubeconform.ran ? '' : ' (kubeconform not on PATH: skipped)'}`);
    return findings.length > 0 || !kubeconform.ok ? 1 : 0;
  },
};

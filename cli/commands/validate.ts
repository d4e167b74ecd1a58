import { join } from 'node:path';
import { ConfigError } from '../../lib/errors';
import { helm } from '../../lib/helm';
import { parseManifests, readInputManifests, readManifests, type Manifest, type SourcedManifest } from '../../lib/manifests';
import { CHARTS_DIR, DIST_DIR } from '../../lib/paths';
import { countSkips, formatFinding, parseKindSkips, runKubeconformIfPresent, SchemaValidator } from '../../analysis/schema';
import { EXIT } from '../support';
import { enumFlag, parseArgs } from '../args';
import type { Command } from '../command';

const USAGE = 'krate-policy validate [--crd <file|dir>]... [--skip-kind <Kind|group/Kind>]... [--output table|json] [<file|dir>...]';
const OUTPUTS = ['table', 'json'] as const;

export const validate: Command = {
  name: 'validate',
  usage: USAGE,
  async run(args) {
    const parsed = parseArgs(args, { values: ['output'], repeatable: ['crd', 'skip-kind'] }, USAGE);
    const output = enumFlag(parsed, 'output', OUTPUTS, 'table');
    const skips = parseKindSkips(parsed.lists.get('skip-kind') ?? []);
    const paths = parsed.positional.length > 0 ? parsed.positional : [DIST_DIR];
    const validator = new SchemaValidator();
    // This repository's own kinds (PolicyBinding, …) validate against its CRDs even when a user's
    // input does not include them; a user's own CRDs (--crd) are added after, so they win.
    validator.addCrds(repositoryCrds(), 'charts/krate-kyverno');
    let crds = 0;
    for (const p of parsed.lists.get('crd') ?? []) crds += validator.addCrdFiles(readCrdPath(p), [p]);
    const items = readInputManifests(paths);
    const { counts, skipped } = countSkips(items, skips);
    const findings = await validator.validate(items, skips);
    const kubeconform = runKubeconformIfPresent(
      paths,
      skipped.map((i) => i.manifest),
    );
    const files = new Set(items.map((i) => i.file)).size;
    const validated = items.length - skipped.length;
    const kubeconformStatus = !kubeconform.ran ? 'not on PATH' : kubeconform.ok ? 'passed' : 'failed';
    if (output === 'json') {
      const summary = {
        manifests: items.length,
        files,
        validated,
        skipped: Object.fromEntries(counts),
        crds,
        findings: findings.length,
        kubeconform: kubeconformStatus,
        ...(kubeconform.ran ? { kubeconformOutput: kubeconform.output.trim() } : {}),
      };
      console.log(JSON.stringify({ findings, summary }, null, 2));
    } else {
      for (const f of findings) console.log(formatFinding(f));
      if (kubeconform.ran) console.log(kubeconform.output.trim());
      const parts = [`${validated} manifests in ${files} files`];
      if (skips.length > 0)
        parts.push(`${skipped.length} skipped on purpose (${[...counts].map(([v, n]) => `--skip-kind ${v}: ${n}`).join(', ')})`);
      if (crds > 0) parts.push(`${crds} CRD(s) from --crd`);
      parts.push(`${findings.length} schema finding(s)${kubeconform.ran ? '' : ' (kubeconform not on PATH: skipped)'}`);
      console.log(`validate: ${parts.join(', ')}`);
    }
    return findings.length > 0 || !kubeconform.ok ? EXIT.findings : EXIT.ok;
  },
};

/** Reads one --crd path; its problems say they come from --crd. */
function readCrdPath(path: string): SourcedManifest[] {
  try {
    return readManifests([path]);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(e.problems.map((p) => `--crd: ${p}`));
    throw e;
  }
}

/** The CRDs charts/krate-kyverno defines, rendered by the project's helm (their one source). */
function repositoryCrds(): Manifest[] {
  const r = helm(['template', 'krate-kyverno', join(CHARTS_DIR, 'krate-kyverno')]);
  if (r.status !== 0) throw new ConfigError([`charts/krate-kyverno: helm template failed: ${r.stderr.trim()}`]);
  return parseManifests(r.stdout, 'charts/krate-kyverno')
    .map((i) => i.manifest)
    .filter((m) => m.kind === 'CustomResourceDefinition');
}

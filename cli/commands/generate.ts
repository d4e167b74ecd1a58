import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../lib/errors';
import { REPO_ROOT } from '../../lib/paths';
import { TEMPLATES } from '../../policies';
import { TEMPLATE_CATALOG, TEMPLATE_FOLDERS } from '../../policies/catalog';
import { parseArgs } from '../args';
import type { Command } from '../command';
import { EXIT } from '../support';
import { CATALOG_FILE, catalogProblems, catalogSource, generatedFiles, listTemplateFolders, staleFiles } from '../template-folders';

const USAGE = 'krate-policy generate';

/** Set in the second run, which a changed catalog starts so that it runs on a build that includes it. */
const RERUN = 'KRATE_POLICY_GENERATE_RERUN';

/**
 * Brings every file generated from the template folders in step: policies/catalog.ts from the
 * folders, then each folder's policy.yaml and the README's template tables from the templates. A
 * catalog that changed means this process was built without the new templates, so the rest runs in
 * a fresh `krate-policy generate` (bin/ rebuilds for the changed sources first). Returns the exit code.
 */
export function regenerate(log: (line: string) => void = console.log): number {
  const folders = listTemplateFolders(REPO_ROOT);
  const catalog = catalogSource(folders);
  const catalogPath = join(REPO_ROOT, CATALOG_FILE);
  if (!existsSync(catalogPath) || readFileSync(catalogPath, 'utf8') !== catalog) {
    if (process.env[RERUN]) throw new Error(`generate: ${CATALOG_FILE} is still out of step after rebuilding; was it changed meanwhile?`);
    writeFileSync(catalogPath, catalog);
    log(`generate: wrote ${CATALOG_FILE} (${folders.length} template folder(s))`);
    const rerun = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'krate-policy.mjs'), 'generate'], {
      stdio: 'inherit',
      env: { ...process.env, [RERUN]: '1' },
    });
    return rerun.status ?? EXIT.badInput;
  }
  const problems = catalogProblems(folders, { folders: TEMPLATE_FOLDERS, templates: TEMPLATE_CATALOG });
  if (problems.length > 0) throw new ConfigError(problems);
  const files = generatedFiles(REPO_ROOT, TEMPLATES);
  const stale = staleFiles(REPO_ROOT, files);
  for (const path of stale) {
    writeFileSync(join(REPO_ROOT, path), files.get(path)!);
    log(`generate: wrote ${path}`);
  }
  log(
    `generate: ${folders.length} template folder(s), ${stale.length === 0 ? 'every generated file in step' : `${stale.length} file(s) rewritten`}`,
  );
  return EXIT.ok;
}

/** `krate-policy generate`: rewrites what is generated from the template folders. */
export const generate: Command = {
  name: 'generate',
  usage: USAGE,
  async run(args) {
    const parsed = parseArgs(args, {}, USAGE);
    if (parsed.positional.length > 0)
      throw new ConfigError([`generate: takes no arguments (got '${parsed.positional[0]}')\nusage: ${USAGE}`]);
    return regenerate();
  },
};

// The repository's configuration, read from the current sources on every run: environments/*.ts
// (one default-exported environment per file, discovered), the rollout, the exceptions, the
// template library (the folders under policies/, through the generated policies/catalog.ts) and the
// audit evidence (evidence/<env>/<date>.json). The one place outside main.ts that reads the
// repository's data.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EvidenceHistory } from '../config/evidence';
import type { ConfigSources } from '../config/resolve';
import { EVIDENCE_SNAPSHOT, type EvidenceSnapshot } from '../environments/types';
import { isIsoDate } from '../lib/dates';
import { Problems } from '../lib/errors';
import { INVALID } from '../lib/spec';
import { loadDataModules, type DataModule } from '../lib/data-module';
import { ConfigError } from '../lib/errors';
import { LADDER_ENVIRONMENTS } from '../lib/ladder';
import { DATA_CACHE_DIR, ENVIRONMENTS_DIR, EVIDENCE_DIR, EXCEPTIONS_FILE, REPO_ROOT, ROLLOUT_FILE } from '../lib/paths';
import { TEMPLATES } from '../policies';
import { TEMPLATE_CATALOG, TEMPLATE_FOLDERS } from '../policies/catalog';
import type { PolicyTemplate } from '../policies/template';
import { catalogProblems, listTemplateFolders } from './template-folders';

/** Files in environments/ that hold no environment. */
const NOT_ENVIRONMENTS = ['types.ts', 'rollout.ts', 'exceptions.ts'];

function namedExport(file: string, module: DataModule | undefined, name: string): unknown {
  if (!module || !(name in module.exports)) throw new ConfigError([`${file}: does not export ${name}`]);
  return module.exports[name];
}

/** The candidate environment files of a checkout: environments/*.ts but the data and type files. */
function environmentFiles(root: string): string[] {
  const dir = join(root, ENVIRONMENTS_DIR);
  if (!existsSync(dir)) throw new ConfigError([`${dir}: not found; is ${root} a krate-policy-gitops checkout?`]);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !NOT_ENVIRONMENTS.includes(f))
    .sort()
    .map((f) => `${ENVIRONMENTS_DIR}/${f}`);
}

/**
 * Every environment file: each environments/*.ts that default-exports an environment, ordered by
 * ladder position. A file that exports no environment and that no environment file imports (a
 * shared helper such as people.ts) is refused, so a new or emptied file is never silently ignored.
 */
export function loadEnvironments(root = REPO_ROOT, modules?: ReadonlyMap<string, DataModule>): { configs: unknown[]; files: string[] } {
  const candidates = environmentFiles(root);
  const found: { file: string; config: unknown }[] = [];
  const helpers = new Set<string>();
  const orphans: string[] = [];
  const loaded = modules ?? loadDataModules(candidates, root);
  for (const file of candidates) {
    const module = loaded.get(file);
    if (!module) continue;
    for (const input of module.inputs) if (input !== file) helpers.add(input);
    if ('default' in module.exports) found.push({ file, config: module.exports.default });
    else orphans.push(file);
  }
  const problems = orphans
    .filter((f) => !helpers.has(f))
    .map(
      (f) =>
        `${f}: exports no environment; an environment file ends with \`export default <name>;\` (a const typed EnvironmentConfig), or delete the file`,
    );
  for (const { file, config } of found) {
    const name = (config as { name?: unknown } | null)?.name;
    const expected = file.slice(ENVIRONMENTS_DIR.length + 1, -'.ts'.length);
    if (typeof name === 'string' && name !== expected)
      problems.push(`${file}: name '${name}' must match the file name ('${expected}'); rename the file or the environment`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const rank = (f: string): number => {
    const i = (LADDER_ENVIRONMENTS as readonly string[]).indexOf(f.slice(ENVIRONMENTS_DIR.length + 1, -'.ts'.length));
    return i < 0 ? LADDER_ENVIRONMENTS.length : i;
  };
  found.sort((a, b) => rank(a.file) - rank(b.file) || (a.file < b.file ? -1 : 1));
  return { configs: found.map((f) => f.config), files: found.map((f) => f.file) };
}

/** The repository's configuration sources, from the working tree at `root`. */
export function repositorySources(root = REPO_ROOT): ConfigSources {
  const modules = loadDataModules([...environmentFiles(root), ROLLOUT_FILE, EXCEPTIONS_FILE], root, DATA_CACHE_DIR);
  const { configs, files } = loadEnvironments(root, modules);
  return {
    environments: configs,
    environmentFiles: files,
    rollout: namedExport(ROLLOUT_FILE, modules.get(ROLLOUT_FILE), 'ROLLOUT'),
    exceptions: namedExport(EXCEPTIONS_FILE, modules.get(EXCEPTIONS_FILE), 'EXCEPTIONS'),
    templates: repositoryTemplates(),
  };
}

let catalogChecked = false;

/**
 * The template library, once policies/catalog.ts (which this build was made from) is known to list
 * exactly the template folders of the checkout: a folder added without `npx krate-policy generate`
 * is an error naming it, never a template silently left out. The library is this checkout's, so the
 * folders are read from the repository the CLI runs from.
 */
export function repositoryTemplates(): readonly PolicyTemplate[] {
  if (!catalogChecked) {
    const problems = catalogProblems(listTemplateFolders(REPO_ROOT), { folders: TEMPLATE_FOLDERS, templates: TEMPLATE_CATALOG });
    if (problems.length > 0) throw new ConfigError(problems);
    catalogChecked = true;
  }
  return TEMPLATES;
}

const SNAPSHOT_FIX = 'rerun npx krate-policy evidence add for that environment and date, or remove the file';

/** Where `evidence add` records an environment's snapshot of a day, relative to the checkout. */
export function evidenceFile(environment: string, date: string): string {
  return `${EVIDENCE_DIR}/${environment}/${date}.json`;
}

/**
 * Every snapshot under evidence/, per environment, oldest first; no evidence/ folder means none
 * recorded yet. Everything there must be a snapshot `evidence add` could have written: a folder per
 * ladder environment holding <YYYY-MM-DD>.json files whose environment and date match their path.
 */
export function loadEvidence(root = REPO_ROOT): EvidenceHistory {
  const dir = join(root, EVIDENCE_DIR);
  const history = new Map<string, EvidenceSnapshot[]>();
  if (!existsSync(dir)) return history;
  const problems = new Problems();
  for (const env of readdirSync(dir).sort()) {
    const folder = `${EVIDENCE_DIR}/${env}`;
    if (!statSync(join(root, folder)).isDirectory() || !(LADDER_ENVIRONMENTS as readonly string[]).includes(env)) {
      problems.add(
        folder,
        `not an environment's evidence folder; evidence/ holds one folder per environment (${LADDER_ENVIRONMENTS.join('|')})`,
      );
      continue;
    }
    const snapshots: EvidenceSnapshot[] = [];
    for (const name of readdirSync(join(root, folder)).sort()) {
      const file = `${folder}/${name}`;
      const date = name.replace(/\.json$/, '');
      if (!name.endsWith('.json') || !isIsoDate(date)) {
        problems.add(file, `not a snapshot: evidence files are named <YYYY-MM-DD>.json (${SNAPSHOT_FIX})`);
        continue;
      }
      const snapshot = parseSnapshot(root, env, date, problems);
      if (snapshot) snapshots.push(snapshot);
    }
    history.set(env, snapshots);
  }
  problems.throwIfAny();
  return history;
}

/** One snapshot file, checked as loadEvidence checks it; undefined (with problems added) when it is not one. */
function parseSnapshot(root: string, env: string, date: string, problems: Problems): EvidenceSnapshot | undefined {
  const file = evidenceFile(env, date);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(join(root, file), 'utf8'));
  } catch (e) {
    problems.add(file, `not JSON: ${(e as Error).message} (${SNAPSHOT_FIX})`);
    return undefined;
  }
  const snapshot = EVIDENCE_SNAPSHOT.parse(value, file, { problems, fix: SNAPSHOT_FIX });
  if (snapshot === INVALID) return undefined;
  if (snapshot.environment !== env)
    problems.add(`${file}.environment`, `'${snapshot.environment}' must be '${env}', the folder it is in (${SNAPSHOT_FIX})`);
  else if (snapshot.date !== date) problems.add(`${file}.date`, `'${snapshot.date}' must be '${date}', the file's name (${SNAPSHOT_FIX})`);
  else return snapshot;
  return undefined;
}

/**
 * Whether `evidence add` may write the snapshot of `env` on `date`: nothing is there yet ('absent'),
 * or a snapshot it wrote before is ('replace'). Anything else at that path (a folder, a file that is
 * no snapshot of that environment and date) is an error: it is not evidence add's to overwrite.
 */
export function snapshotTarget(root: string, env: string, date: string): 'absent' | 'replace' {
  const file = evidenceFile(env, date);
  const path = join(root, file);
  if (!existsSync(path)) return 'absent';
  if (statSync(path).isDirectory())
    throw new ConfigError([`${file}: is a directory, not a snapshot; evidence add writes a file there (move the directory away)`]);
  const problems = new Problems();
  if (parseSnapshot(root, env, date, problems)) return 'replace';
  try {
    problems.throwIfAny();
  } catch (e) {
    if (e instanceof ConfigError)
      throw new ConfigError([
        `${file}: exists and is not a snapshot evidence add wrote, so it is not replaced (move it away first)`,
        ...e.problems,
      ]);
    throw e;
  }
  return 'replace';
}

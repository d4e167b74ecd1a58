// Reads environments/rollout.ts from the working tree or from any git revision, and rewrites it
// for `promote`. The file stays TypeScript (editors type-check it); every revision is evaluated in
// the data sandbox (lib/data-module.ts). It is this repository's own history, so the sandbox guards
// against accidents (a stray import, a loop), not against a hostile author.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateDataSource } from '../lib/data-module';
import { ConfigError } from '../lib/errors';
import type { Rollout } from '../config/rollout';
import type { Stage } from '../lib/ladder';

export { ROLLOUT_FILE as ROLLOUT_PATH } from '../lib/paths';
import { DATA_CACHE_DIR, ROLLOUT_FILE as ROLLOUT_PATH } from '../lib/paths';

/** Evaluates the text of a rollout file and returns its ROLLOUT export as plain data. */
export function parseRolloutSource(text: string, origin: string): unknown {
  const exports = evaluateDataSource(text, origin, DATA_CACHE_DIR);
  if (!('ROLLOUT' in exports)) throw new ConfigError([`${origin}: does not export ROLLOUT`]);
  return exports.ROLLOUT ?? null;
}

/** The rollout in a repository's working tree. */
export function readWorkingRollout(repo: string): { text: string; rollout: unknown } {
  const file = join(repo, ROLLOUT_PATH);
  if (!existsSync(file)) throw new ConfigError([`${file}: not found; --repo must point at a krate-policy-gitops checkout`]);
  const text = readFileSync(file, 'utf8');
  return { text, rollout: parseRolloutSource(text, ROLLOUT_PATH) };
}

/**
 * The rollout at a git revision, or an empty rollout when the file did not exist there (every
 * template was a draft).
 */
export function readRolloutAt(repo: string, ref: string): unknown {
  const verify = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repo, encoding: 'utf8' });
  if (verify.status !== 0)
    throw new ConfigError([`--base: '${ref}' is not a commit in ${repo} (fetch it first, e.g. git fetch origin main)`]);
  const show = spawnSync('git', ['show', `${ref}:${ROLLOUT_PATH}`], { cwd: repo, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (show.status !== 0) {
    if (/does not exist|exists on disk, but not in/.test(show.stderr)) return {};
    throw new ConfigError([`git show ${ref}:${ROLLOUT_PATH} failed: ${show.stderr.trim()}`]);
  }
  return parseRolloutSource(show.stdout, `${ref}:${ROLLOUT_PATH}`);
}

/**
 * Rewrites one template's stage and date in the rollout file's text, touching nothing else; adds
 * an entry (before the closing brace of ROLLOUT) for a template the file does not list yet.
 */
export function rewriteRolloutEntry(text: string, template: string, stage: Stage, since: string): string {
  const key = new RegExp(`(['"])${template.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&')}\\1\\s*:\\s*\\{`);
  const m = key.exec(text);
  if (!m) {
    const start = text.search(/export const ROLLOUT\b[^=]*=\s*\{/);
    if (start < 0) throw new ConfigError([`${ROLLOUT_PATH}: cannot find 'export const ROLLOUT = {' to add '${template}'`]);
    const close = text.indexOf('\n};', start);
    if (close < 0) throw new ConfigError([`${ROLLOUT_PATH}: cannot find the end of ROLLOUT ('};' on its own line) to add '${template}'`]);
    return `${text.slice(0, close)}\n  '${template}': { stage: '${stage}', since: '${since}' },${text.slice(close)}`;
  }
  const open = m.index + m[0].length - 1;
  let depth = 0;
  let end = open;
  for (; end < text.length; end++) {
    if (text[end] === '{') depth++;
    else if (text[end] === '}' && --depth === 0) break;
  }
  const body = text.slice(open, end + 1);
  if (!/stage\s*:\s*['"][^'"]*['"]/.test(body)) throw new ConfigError([`${ROLLOUT_PATH}: '${template}' has no stage to rewrite`]);
  let next = body.replace(/stage\s*:\s*['"][^'"]*['"]/, `stage: '${stage}'`);
  next = /since\s*:\s*['"][^'"]*['"]/.test(next)
    ? next.replace(/since\s*:\s*['"][^'"]*['"]/, `since: '${since}'`)
    : next.replace(/stage: '[^']*'/, `stage: '${stage}', since: '${since}'`);
  return text.slice(0, open) + next + text.slice(end + 1);
}

/** Checks that a rewritten file parses back to exactly the intended rollout. */
export function verifyRewrite(text: string, expected: Rollout): void {
  const actual = parseRolloutSource(text, `${ROLLOUT_PATH} (rewritten)`);
  if (JSON.stringify(sortKeys(actual)) !== JSON.stringify(sortKeys(expected))) {
    throw new ConfigError([
      `${ROLLOUT_PATH}: the rewrite did not produce the intended rollout (unusual formatting?); edit the file by hand`,
    ]);
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  return value;
}

// Reads environments/rollout.ts from the working tree or from any git revision, and rewrites it
// for `promote`. The file stays TypeScript (editors type-check it, the renderer imports it); to read
// an old revision we transpile it with esbuild and evaluate it in a fresh V8 context with no
// require, process or file system and a time limit. It is this repository's own history, so the
// context guards against accidents (a stray import, a loop), not against a hostile author.
import { transformSync } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { ConfigError } from '../lib/errors';
import type { Rollout } from '../config/rollout';
import type { Stage } from '../lib/ladder';

/** Path of the rollout file inside a repository. */
export const ROLLOUT_PATH = 'environments/rollout.ts';

/** Evaluates the text of a rollout file and returns its ROLLOUT export as plain data. */
export function parseRolloutSource(text: string, origin: string): unknown {
  let code: string;
  try {
    code = transformSync(text, { loader: 'ts', format: 'cjs', target: 'es2022' }).code;
  } catch (e) {
    throw new ConfigError([`${origin}: not valid TypeScript: ${String((e as Error).message).split('\n').slice(0, 3).join(' ')}`]);
  }
  const module = { exports: {} as Record<string, unknown> };
  const sandbox = {
    module,
    exports: module.exports,
    require: (name: string) => {
      throw new ConfigError([`${origin}: imports '${name}' at run time; the rollout must stay plain data (type-only imports are fine)`]);
    },
  };
  try {
    runInNewContext(code, sandbox, { filename: origin, timeout: 1000 });
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError([`${origin}: could not be evaluated: ${(e as Error).message}`]);
  }
  if (!('ROLLOUT' in module.exports)) throw new ConfigError([`${origin}: does not export ROLLOUT`]);
  // JSON round trip: plain objects of this realm, no getters or functions from the sandbox.
  return JSON.parse(JSON.stringify(module.exports.ROLLOUT ?? null));
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
  if (verify.status !== 0) throw new ConfigError([`--base: '${ref}' is not a commit in ${repo} (fetch it first, e.g. git fetch origin main)`]);
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
    throw new ConfigError([`${ROLLOUT_PATH}: the rewrite did not produce the intended rollout (unusual formatting?); edit the file by hand`]);
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, sortKeys(v)]));
  return value;
}

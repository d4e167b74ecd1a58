// A throwaway git checkout holding the fixture configuration as environments/*.ts files, for tests
// of the commands that read a repository (`--repo`): they never see the real environments/.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvidenceSnapshot } from '../../environments/types';
import { cleanEvidence, writeEvidence } from './evidence';
import { ENVIRONMENTS, EXCEPTIONS, ROLLOUT } from './fixtures';

/** The rollout file as promote expects it: one entry per line. */
export function rolloutSource(rollout: Readonly<Record<string, unknown>>): string {
  const lines = Object.entries(rollout).map(([name, entry]) => `  '${name}': ${toTs(entry)},`);
  return `import type { RolloutEntry } from './types';\n\nexport const ROLLOUT: Readonly<Record<string, RolloutEntry>> = {\n${lines.join('\n')}\n};\n`;
}

/** A one-line TypeScript literal with single-quoted strings. */
function toTs(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(toTs).join(', ')}]`;
  if (value && typeof value === 'object')
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${/^[A-Za-z_]\w*$/.test(k) ? k : `'${k}'`}: ${toTs(v)}`)
      .join(', ')} }`;
  return typeof value === 'string' ? `'${value.replace(/'/g, "\\'")}'` : JSON.stringify(value);
}

export function git(repo: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
    cwd: repo,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

export interface FixtureData {
  readonly rollout?: Readonly<Record<string, unknown>>;
  readonly exceptions?: readonly unknown[];
  /** evidence/: @default clean snapshots of every template in every environment (cleanEvidence()) */
  readonly evidence?: readonly EvidenceSnapshot[];
}

/**
 * Replaces a checkout's environments/ data and evidence/ with the fixture configuration (types.ts
 * stays), so a copy of the repository renders and promotes from the fixture, never today's real data.
 */
export function writeFixtureEnvironments(root: string, options: FixtureData = {}): void {
  const dir = join(root, 'environments');
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (f !== 'types.ts') rmSync(join(dir, f), { recursive: true, force: true });
  for (const env of ENVIRONMENTS) {
    writeFileSync(
      join(dir, `${env.name}.ts`),
      `import type { EnvironmentConfig } from './types';\n\nconst env: EnvironmentConfig = ${JSON.stringify(env, null, 2)};\n\nexport default env;\n`,
    );
  }
  writeFileSync(join(dir, 'rollout.ts'), rolloutSource(options.rollout ?? ROLLOUT));
  writeFileSync(
    join(dir, 'exceptions.ts'),
    `import type { ExceptionRequest } from './types';\n\nexport const EXCEPTIONS: readonly ExceptionRequest[] = ${JSON.stringify(options.exceptions ?? EXCEPTIONS, null, 2)};\n`,
  );
  writeEvidence(root, options.evidence ?? cleanEvidence());
}

/** A new git repository with the fixture configuration committed as `base`. */
export function fixtureRepo(options: FixtureData = {}): string {
  const repo = mkdtempSync(join(tmpdir(), 'krate-fixture-'));
  writeFixtureEnvironments(repo, options);
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'base');
  return repo;
}

// A throwaway git checkout holding the fixture configuration as environments/*.ts files, for tests
// of the commands that read a repository (`--repo`): they never see the real environments/.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** A new git repository with the fixture configuration committed as `base`. */
export function fixtureRepo(options: { rollout?: Readonly<Record<string, unknown>>; exceptions?: readonly unknown[] } = {}): string {
  const repo = mkdtempSync(join(tmpdir(), 'krate-fixture-'));
  mkdirSync(join(repo, 'environments'));
  for (const env of ENVIRONMENTS) {
    writeFileSync(
      join(repo, 'environments', `${env.name}.ts`),
      `import type { EnvironmentConfig } from './types';\n\nconst env: EnvironmentConfig = ${JSON.stringify(env, null, 2)};\n\nexport default env;\n`,
    );
  }
  writeFileSync(join(repo, 'environments', 'rollout.ts'), rolloutSource(options.rollout ?? ROLLOUT));
  writeFileSync(
    join(repo, 'environments', 'exceptions.ts'),
    `import type { ExceptionRequest } from './types';\n\nexport const EXCEPTIONS: readonly ExceptionRequest[] = ${JSON.stringify(options.exceptions ?? EXCEPTIONS, null, 2)};\n`,
  );
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'base');
  return repo;
}

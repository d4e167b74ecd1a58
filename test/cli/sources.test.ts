// cli/sources.ts reads the repository's data from the current sources: environment files are
// discovered, and a file that holds no environment is refused by name.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnvironments, repositorySources } from '../../cli/sources';
import { ConfigError } from '../../lib/errors';
import { ENVIRONMENTS } from '../support/fixtures';

let root: string;
const write = (file: string, text: string): void => writeFileSync(join(root, 'environments', file), text);
const envFile = (config: unknown): string =>
  `import type { EnvironmentConfig } from './types';\n\nconst env: EnvironmentConfig = ${JSON.stringify(config)};\n\nexport default env;\n`;
const problemsOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'krate-sources-'));
  mkdirSync(join(root, 'environments'));
  for (const env of ENVIRONMENTS) write(`${env.name}.ts`, envFile(env));
  write('rollout.ts', 'export const ROLLOUT = {};\n');
  write('exceptions.ts', 'export const EXCEPTIONS = [];\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('loadEnvironments', () => {
  it('discovers every environment file, in ladder order, and names the file of each', () => {
    const { configs, files } = loadEnvironments(root);
    expect(files).toEqual(['environments/dev.ts', 'environments/staging.ts', 'environments/prod.ts']);
    expect(configs.map((c) => (c as { name: string }).name)).toEqual(['dev', 'staging', 'prod']);
  });

  it('keeps a helper module that environment files import (e.g. people.ts)', () => {
    write('people.ts', "export const GROUPS = { viewer: ['team'] };\n");
    const dev = ENVIRONMENTS.find((e) => e.name === 'dev')!;
    write('dev.ts', `import { GROUPS } from './people';\n\nexport default { ...${JSON.stringify(dev)}, rbac: { personas: GROUPS } };\n`);
    expect(loadEnvironments(root).files).toContain('environments/dev.ts');
  });

  it('fails when a new environment file exports nothing (it would be ignored silently)', () => {
    write('qa.ts', "export const qa = { name: 'qa' };\n");
    expect(problemsOf(() => loadEnvironments(root))).toContain(
      'environments/qa.ts: exports no environment; an environment file ends with `export default <name>;`',
    );
  });

  it('fails when an environment file is empty, naming the file', () => {
    write('qa.ts', '');
    expect(problemsOf(() => loadEnvironments(root))).toContain('environments/qa.ts: exports no environment');
  });

  it("fails when an environment's name does not match its file", () => {
    write('qa.ts', envFile({ ...ENVIRONMENTS[0], name: 'dev' }));
    expect(problemsOf(() => loadEnvironments(root))).toContain("environments/qa.ts: name 'dev' must match the file name ('qa')");
  });

  it('fails when an environment file does not parse, naming file:line:col', () => {
    write('staging.ts', 'export default {\n  name: "staging",,\n};\n');
    expect(problemsOf(() => loadEnvironments(root))).toMatch(/environments\/staging\.ts:2:\d+: /);
  });

  it('fails when an environment file never finishes evaluating', () => {
    write('staging.ts', 'while (true) {}\nexport default {};\n');
    expect(problemsOf(() => loadEnvironments(root))).toContain('environments/staging.ts: did not finish within 1000 ms (a loop?)');
  });

  it('reads the rollout and exceptions of the same checkout', () => {
    const sources = repositorySources(root);
    expect([sources.rollout, sources.exceptions, sources.environmentFiles?.length]).toEqual([{}, [], 3]);
  });
});

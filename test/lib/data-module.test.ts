import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateDataSource, loadDataModules } from '../../lib/data-module';

let root: string;
const cache = (): string => join(root, 'cache');
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'krate-data-'));
  mkdirSync(join(root, 'environments'));
  writeFileSync(join(root, 'environments', 'people.ts'), "export const GROUPS = ['a'];\n");
  writeFileSync(
    join(root, 'environments', 'dev.ts'),
    "import { GROUPS } from './people';\nexport default { name: 'dev', groups: GROUPS };\n",
  );
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('loadDataModules', () => {
  it('keeps a cached bundle only while every file it was built from is unchanged, a helper included', () => {
    const load = () => loadDataModules(['environments/dev.ts'], root, cache()).get('environments/dev.ts')!.exports.default;
    expect(load()).toEqual({ name: 'dev', groups: ['a'] });
    expect(readdirSync(cache())).toHaveLength(1);
    expect(load()).toEqual({ name: 'dev', groups: ['a'] });
    // The entry file is unchanged; only the helper it imports changes: the cache must not answer.
    writeFileSync(join(root, 'environments', 'people.ts'), "export const GROUPS = ['b'];\n");
    expect(load()).toEqual({ name: 'dev', groups: ['b'] });
  });

  it('keeps working when the cache folder cannot be written', () => {
    writeFileSync(join(root, 'cache'), 'a file, not a folder');
    expect(loadDataModules(['environments/dev.ts'], root, cache()).get('environments/dev.ts')!.exports.default).toEqual({
      name: 'dev',
      groups: ['a'],
    });
  });

  it('fails when a data file does not parse, naming file:line:col', () => {
    writeFileSync(join(root, 'environments', 'dev.ts'), 'export default {,};\n');
    expect(() => loadDataModules(['environments/dev.ts'], root, cache())).toThrow(/environments\/dev\.ts:1:\d+: /);
  });
});

describe('evaluateDataSource', () => {
  it('evaluates the same text from its cached transpilation', () => {
    const text = 'export const ROLLOUT = { a: 1 as number };\n';
    expect(evaluateDataSource(text, 'x.ts', cache())).toEqual({ ROLLOUT: { a: 1 } });
    expect(evaluateDataSource(text, 'x.ts', cache())).toEqual({ ROLLOUT: { a: 1 } });
    expect(readdirSync(cache())).toHaveLength(1);
  });

  it('fails when the text is not TypeScript, naming origin:line:col', () => {
    expect(() => evaluateDataSource('export const = ;', 'HEAD:environments/rollout.ts')).toThrow(/HEAD:environments\/rollout\.ts:1:\d+: /);
  });
});

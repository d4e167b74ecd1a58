// The sources (every folder tsc checks but test/ and imports/) have no `any` and hide none behind an
// eslint-disable comment. eslint.config.mjs refuses both; this reads every source file with the
// TypeScript parser as well, so the rule holds even for a file the lint config leaves out.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from '../../lib/paths';

/** Where the sources are: tsconfig.json's include, without the tests and the generated imports. */
const SOURCE_ROOTS = (JSON.parse(readFileSync(join(REPO_ROOT, 'tsconfig.json'), 'utf8')) as { include: string[] }).include.filter(
  (p) => p !== 'test' && p !== 'imports',
);

function tsFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return path.endsWith('.ts') ? [path] : [];
  return readdirSync(path).flatMap((entry) => tsFiles(join(path, entry)));
}

/** `file:line: text` of every `any` type and every comment naming no-explicit-any in one file's text. */
function anyUses(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lines = text.split('\n');
  const at = (pos: number, what: string) => {
    const line = source.getLineAndCharacterOfPosition(pos).line;
    return `${file}:${line + 1}: ${what}: ${lines[line].trim()}`;
  };
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) found.push(at(node.getStart(source), 'any'));
    ts.forEachChild(node, visit);
  };
  visit(source);
  for (const m of text.matchAll(/no-explicit-any/g)) found.push(at(m.index, 'no-explicit-any'));
  return found.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

describe('no any in the sources', () => {
  it('reads the source folders', () => {
    expect(SOURCE_ROOTS).toEqual(expect.arrayContaining(['lib', 'analysis', 'cli']));
    expect(SOURCE_ROOTS).not.toContain('test');
  });

  it('fails when a source types a value as any (naming file:line)', () => {
    const text = [
      'type Data = Record<string, any>;',
      'export const x = 1 as any;',
      'export function f(...args: any[]): unknown {',
      '  return <any>args;',
      '}',
      '// any is a word in comments, and in strings:',
      "export const s = 'as any';",
    ].join('\n');
    expect(anyUses('lib/example.ts', text)).toEqual([
      'lib/example.ts:1: any: type Data = Record<string, any>;',
      'lib/example.ts:2: any: export const x = 1 as any;',
      'lib/example.ts:3: any: export function f(...args: any[]): unknown {',
      'lib/example.ts:4: any: return <any>args;',
    ]);
  });

  it('fails when a source disables no-explicit-any (naming file:line)', () => {
    const text = 'export const n = 1;\nexport const x: unknown = 1; // eslint-disable-line @typescript-eslint/no-explicit-any\n';
    expect(anyUses('cli/example.ts', text)).toEqual([
      'cli/example.ts:2: no-explicit-any: export const x: unknown = 1; // eslint-disable-line @typescript-eslint/no-explicit-any',
    ]);
  });

  it('fails lint when a source disables no-explicit-any (eslint refuses the directive)', () => {
    const r = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--stdin', '--stdin-filename', 'analysis/example.ts'],
      { cwd: REPO_ROOT, encoding: 'utf8', input: 'export const x: any = 1; // eslint-disable-line @typescript-eslint/no-explicit-any\n' },
    );
    expect(r.stdout).toContain("1:26  error  Unexpected 'no-explicit-any' comment");
    expect(r.status).toBe(1);
  });

  it('finds no any and no disabled no-explicit-any in any source file', () => {
    const files = SOURCE_ROOTS.flatMap((root) => tsFiles(join(REPO_ROOT, root)));
    expect(files.length).toBeGreaterThan(50);
    const uses = files.flatMap((f) => anyUses(relative(REPO_ROOT, f), readFileSync(f, 'utf8')));
    expect(uses).toEqual([]);
  });
});

// The architecture, checked from the imports: every folder is one layer and imports only the
// layers below it, nothing imports in a cycle, and only the CLI reads the repository's data.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { REPO_ROOT } from '../../lib/paths';

/** Bottom to top; a module may import its own layer or a lower one. */
const LAYERS = ['imports', 'lib', 'environments', 'policies', 'config', 'constructs', 'synth', 'analysis', 'cli'] as const;

function sources(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir)).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(join(REPO_ROOT, path)).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Repository-relative module paths (no extension) a file imports, type-only imports included. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(REPO_ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
  return specs.map((s) => {
    const target = normalize(join(dirname(file), s));
    const asFile = `${target}.ts`;
    try {
      statSync(join(REPO_ROOT, asFile));
      return asFile;
    } catch {
      return join(target, 'index.ts');
    }
  });
}

const layerOf = (file: string): number => LAYERS.indexOf(file.split('/')[0] as (typeof LAYERS)[number]);
const files = LAYERS.flatMap((l) => sources(l));
const graph = new Map(files.map((f) => [f, importsOf(f)]));

describe('layers', () => {
  it('finds the source files', () => {
    for (const layer of LAYERS) expect([layer, files.some((f) => f.startsWith(`${layer}/`))]).toEqual([layer, true]);
  });

  it('imports only downward (or within a layer)', () => {
    const upward = [...graph].flatMap(([file, deps]) =>
      deps.filter((d) => layerOf(d) > layerOf(file) || layerOf(d) < 0).map((d) => `${file} → ${d}`),
    );
    expect(upward).toEqual([]);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') return void cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
      state.set(file, 'visiting');
      for (const dep of graph.get(file) ?? []) visit(dep, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('reads the repository data (environments, rollout, exceptions, template library) only in cli/', () => {
    // The template library: policies/index.ts, over the catalog generated from the template folders.
    const data = (d: string): boolean =>
      (d.startsWith('environments/') && d !== 'environments/types.ts') || d === 'policies/index.ts' || d === 'policies/catalog.ts';
    const readers = [...graph].flatMap(([file, deps]) =>
      file.startsWith('cli/') || file.startsWith('environments/') || data(file) ? [] : deps.filter(data).map((d) => `${file} → ${d}`),
    );
    expect(readers).toEqual([]);
  });

  it('reads the audit evidence (evidence/<env>/<date>.json) only in cli/sources.ts', () => {
    // evidence/ is JSON read through the file system, not imported: its one path constant marks the reader.
    const users = files.filter((f) => f !== 'lib/paths.ts' && /\bEVIDENCE_DIR\b/.test(readFileSync(join(REPO_ROOT, f), 'utf8')));
    expect(users).toEqual(['cli/sources.ts']);
  });
});

// Template folders and what is generated from them, on fixture trees written here.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogProblems, catalogSource, listTemplateFolders, readmeWithTemplates, type TemplateFolder } from '../../cli/template-folders';
import { REPO_ROOT } from '../../lib/paths';
import { podTemplate } from '../../policies/pod';
import type { PolicyTemplate } from '../../policies/template';
import { problemsOf } from '../support/problems';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A repository root whose policies/ holds these paths ('/' at the end: a folder; otherwise a file). */
function tree(paths: readonly string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'krate-folders-'));
  dirs.push(root);
  mkdirSync(join(root, 'policies'));
  for (const p of paths) {
    if (p.endsWith('/')) mkdirSync(join(root, 'policies', p), { recursive: true });
    else {
      mkdirSync(join(root, 'policies', p, '..'), { recursive: true });
      writeFileSync(join(root, 'policies', p), '');
    }
  }
  return root;
}

const folder = (pack: string, name: string): TemplateFolder => ({ pack, name, key: `${pack}/${name}` });

const template = (name: string, pack: PolicyTemplate['pack'] = 'best-practices'): PolicyTemplate =>
  podTemplate({
    name,
    version: '1.0.0',
    pack,
    title: 'T',
    description: 'D',
    severity: 'low',
    remediation: 'R',
    body: () => ({ validations: [] }),
  });

describe('listTemplateFolders', () => {
  it('lists every folder with a template.ts, sorted, skipping the library files beside the packs', () => {
    const root = tree(['render.ts', 'krate/b/template.ts', 'krate/a/template.ts', 'best-practices/c/template.ts', 'krate/.hidden/']);
    expect(listTemplateFolders(root).map((f) => f.key)).toEqual(['best-practices/c', 'krate/a', 'krate/b']);
  });

  it('fails when a folder under policies/ is not a pack', () => {
    expect(problemsOf(() => listTemplateFolders(tree(['my-pack/x/template.ts'])))).toEqual([
      'policies/my-pack/: not a policy pack (packs: krate, pod-security-baseline, pod-security-restricted, best-practices); move its template folders into a pack, or add the pack to policies/packs.ts',
    ]);
  });

  it('fails when a template folder has no template.ts', () => {
    expect(problemsOf(() => listTemplateFolders(tree(['krate/x/kyverno-test.yaml'])))).toEqual([
      'policies/krate/x/: has no template.ts; every folder in a pack is a template folder (npx krate-policy new x --pack krate --kind <Kind> scaffolds one)',
    ]);
  });

  it('fails when a folder name is not a DNS label', () => {
    expect(problemsOf(() => listTemplateFolders(tree(['krate/Require_X/template.ts'])))).toEqual([
      "policies/krate/Require_X/: 'Require_X' is not a template name (a DNS label: lowercase letters, digits and '-', at most 63); rename the folder",
    ]);
  });

  it('fails when two packs hold a template of the same name', () => {
    expect(problemsOf(() => listTemplateFolders(tree(['krate/x/template.ts', 'best-practices/x/template.ts'])))).toEqual([
      "policies/best-practices/x/ and policies/krate/x/: two templates named 'x'; template names are unique across packs (generated policies are named after the template alone), rename one",
    ]);
  });

  it('fails when a template is still a file in its pack', () => {
    expect(problemsOf(() => listTemplateFolders(tree(['krate/x.ts'])))).toEqual([
      'policies/krate/x.ts: a template is a folder: move it to policies/krate/x/template.ts, with its kyverno-test.yaml next to it',
    ]);
  });

  it('fails when there is no policies/ folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'krate-folders-'));
    dirs.push(root);
    expect(problemsOf(() => listTemplateFolders(root))).toEqual([
      `${join(root, 'policies')}: not found; is ${root} a krate-policy-gitops checkout?`,
    ]);
  });
});

describe('catalogSource', () => {
  // The repository's prettier and settings, as `npm run lint` checks the committed file.
  const formatted = (text: string): string =>
    spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs'), '--stdin-filepath', 'policies/catalog.ts'],
      {
        cwd: REPO_ROOT,
        input: text,
        encoding: 'utf8',
      },
    ).stdout;

  it.each([
    ['one folder', [folder('krate', 'x')]],
    ['none', []],
    [
      'many, long names',
      Array.from({ length: 30 }, (_, i) => folder('pod-security-restricted', `a-rather-long-template-name-number-${i}`)),
    ],
    ['names that are not identifiers as they are', [folder('krate', '1st-rule'), folder('krate', 'delete'), folder('krate', 'a--b')]],
  ])('is TypeScript as prettier prints it: %s', (_label, folders) => {
    const text = catalogSource(folders);
    expect(formatted(text)).toBe(text);
  });

  it('gives names that differ different identifiers', () => {
    const ids = [
      ...catalogSource(['a-b', 'a--b', 'ab', 'a-1', 'a1', '1a'].map((n) => folder('krate', n))).matchAll(/^import (\w+) from/gm),
    ].map((m) => m[1]);
    expect(new Set(ids).size).toBe(6);
  });

  it('imports folders in sorted order, whatever order they come in', () => {
    const text = catalogSource([folder('krate', 'b'), folder('best-practices', 'z'), folder('krate', 'a')]);
    expect([...text.matchAll(/from '\.\/([^']+)\/template'/g)].map((m) => m[1])).toEqual(['best-practices/z', 'krate/a', 'krate/b']);
  });
});

describe('catalogProblems', () => {
  const fix = 'run `npx krate-policy generate` (it rewrites policies/catalog.ts from the folders)';

  it('accepts a catalog of exactly the folders, each holding its template', () => {
    expect(catalogProblems([folder('krate', 'x')], { folders: ['krate/x'], templates: [template('x', 'krate')] })).toEqual([]);
  });

  it('fails when a folder is not in the catalog, naming the folder', () => {
    expect(
      catalogProblems([folder('krate', 'x'), folder('krate', 'y')], { folders: ['krate/x'], templates: [template('x', 'krate')] }),
    ).toEqual([`policies/krate/y/: not in policies/catalog.ts; ${fix}`]);
  });

  it('fails when the catalog lists a folder that is gone', () => {
    expect(catalogProblems([], { folders: ['krate/x'], templates: [template('x', 'krate')] })).toEqual([
      `policies/catalog.ts: lists policies/krate/x/, which does not exist; ${fix}`,
    ]);
  });

  it("fails when a folder's template has another name or pack", () => {
    expect(catalogProblems([folder('krate', 'x')], { folders: ['krate/x'], templates: [template('y')] })).toEqual([
      "policies/krate/x/template.ts: exports template 'y' of pack 'best-practices'; a template folder is named exactly as its template, inside its pack's folder (rename the folder or the template)",
    ]);
  });

  it('fails when template.ts has no default export', () => {
    expect(catalogProblems([folder('krate', 'x')], { folders: ['krate/x'], templates: [undefined as unknown as PolicyTemplate] })).toEqual([
      'policies/krate/x/template.ts: does not `export default` a template (end it with export default <template>;)',
    ]);
  });
});

describe('readmeWithTemplates', () => {
  it('keeps everything outside the markers and rewrites what is between them', () => {
    const readme = '# title\n\n<!-- templates:start -->\nold table\n<!-- templates:end -->\n\nafter\n';
    const next = readmeWithTemplates(readme, [template('require-x')]);
    expect(next.startsWith('# title\n\n<!-- templates:start -->\n**best-practices**\n')).toBe(true);
    expect(next.endsWith('| `require-x` | low | T | — |\n<!-- templates:end -->\n\nafter\n')).toBe(true);
    expect(readmeWithTemplates(next, [template('require-x')])).toBe(next);
  });

  it('fails when the README has no templates markers', () => {
    expect(problemsOf(() => readmeWithTemplates('# no markers\n', []))).toEqual([
      "README.md: no '<!-- templates:start -->' … '<!-- templates:end -->' block (each on its own line) for the template tables; put them back in the Policy packs section",
    ]);
  });
});

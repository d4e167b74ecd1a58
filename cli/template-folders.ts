// The template folders of the working tree, policies/<pack>/<template>/, and the files generated
// from them: policies/catalog.ts (an import of every folder's template.ts, so adding a folder is all
// it takes to add a template: the bundle and jest both read the catalog like any other source),
// each folder's policy.yaml (what its kyverno-test.yaml tests) and the README's template tables.
// `npx krate-policy generate` and `krate-policy new` write them; test/repo/template-folders.test.ts
// fails when any is out of step, and every command that reads the template library refuses a
// catalog that does not list exactly the folders present (cli/sources.ts).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../lib/errors';
import { isDnsLabel } from '../lib/kubernetes-names';
import { POLICY_PACKS } from '../policies/packs';
import { templatesReference } from '../policies/reference';
import { suitePolicyYaml, TEMPLATE_FOLDER_FILES } from '../policies/suite';
import type { PolicyTemplate } from '../policies/template';

export const POLICIES_DIR = 'policies';
export const CATALOG_FILE = 'policies/catalog.ts';
export const README_FILE = 'README.md';
/** The README block `generate` owns. */
export const README_MARKERS = { start: '<!-- templates:start -->', end: '<!-- templates:end -->' } as const;

/** One template folder: `policies/<pack>/<name>/`. */
export interface TemplateFolder {
  readonly pack: string;
  readonly name: string;
  /** `<pack>/<name>`, relative to policies/. */
  readonly key: string;
}

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Every template folder below `<root>/policies`, sorted by `<pack>/<name>`. Anything that looks
 * like a template but is not a usable one is an error naming the path and the fix: a folder that is
 * not a pack, a folder without template.ts, a name that is not a DNS label, one name in two packs,
 * a template file from before templates were folders.
 */
export function listTemplateFolders(root: string): TemplateFolder[] {
  const dir = join(root, POLICIES_DIR);
  if (!isDir(dir)) throw new ConfigError([`${dir}: not found; is ${root} a krate-policy-gitops checkout?`]);
  const problems: string[] = [];
  const folders: TemplateFolder[] = [];
  const packs = POLICY_PACKS as readonly string[];
  for (const pack of readdirSync(dir).sort(byName)) {
    if (pack.startsWith('.') || !isDir(join(dir, pack))) continue;
    if (!packs.includes(pack)) {
      problems.push(
        `${POLICIES_DIR}/${pack}/: not a policy pack (packs: ${packs.join(', ')}); move its template folders into a pack, or add the pack to policies/packs.ts`,
      );
      continue;
    }
    for (const entry of readdirSync(join(dir, pack)).sort(byName)) {
      if (entry.startsWith('.')) continue;
      const path = `${POLICIES_DIR}/${pack}/${entry}`;
      if (!isDir(join(root, path))) {
        if (entry.endsWith('.ts'))
          problems.push(
            `${path}: a template is a folder: move it to ${POLICIES_DIR}/${pack}/${entry.slice(0, -3)}/${TEMPLATE_FOLDER_FILES.template}, with its ${TEMPLATE_FOLDER_FILES.test} next to it`,
          );
        continue;
      }
      if (!isDnsLabel(entry)) {
        problems.push(
          `${path}/: '${entry}' is not a template name (a DNS label: lowercase letters, digits and '-', at most 63); rename the folder`,
        );
        continue;
      }
      if (!existsSync(join(root, path, TEMPLATE_FOLDER_FILES.template))) {
        problems.push(
          `${path}/: has no ${TEMPLATE_FOLDER_FILES.template}; every folder in a pack is a template folder (npx krate-policy new ${entry} --pack ${pack} --kind <Kind> scaffolds one)`,
        );
        continue;
      }
      folders.push({ pack, name: entry, key: `${pack}/${entry}` });
    }
  }
  const seen = new Map<string, TemplateFolder>();
  for (const f of folders) {
    const other = seen.get(f.name);
    if (other)
      problems.push(
        `${POLICIES_DIR}/${other.key}/ and ${POLICIES_DIR}/${f.key}/: two templates named '${f.name}'; template names are unique across packs (generated policies are named after the template alone), rename one`,
      );
    seen.set(f.name, f);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return folders;
}

/**
 * A JavaScript identifier for a template name, different for different names: `disallow-host-path`
 * → `disallowHostPathTemplate` (a '-' before a letter capitalises it, any other '-' becomes '_').
 */
function identifier(name: string): string {
  const camel = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()).replace(/-/g, '_');
  return `${/^[0-9]/.test(camel) ? '_' : ''}${camel}Template`;
}

const PRINT_WIDTH = 140;

/** An import statement of the generated catalog (built, so the layer check does not read it as this file's import). */
const importLine = (names: string, path: string): string => `import ${names} from '${path}';`;

/** `export const name: type = [...]`, one line when it fits (as prettier prints it). */
function arrayConst(declaration: string, items: readonly string[]): string[] {
  const flat = `${declaration} = [${items.join(', ')}];`;
  if (flat.length <= PRINT_WIDTH) return [flat];
  return [`${declaration} = [`, ...items.map((i) => `  ${i},`), '];'];
}

/** The text of policies/catalog.ts for these folders. */
export function catalogSource(folders: readonly TemplateFolder[]): string {
  const sorted = [...folders].sort((a, b) => byName(a.key, b.key));
  return [
    '// GENERATED by `npx krate-policy generate` (and `krate-policy new`) from the template folders',
    '// policies/<pack>/<template>/template.ts: do not edit. Adding a folder and running generate is how a',
    '// template joins the library; test/repo/template-folders.test.ts fails when this file does not list',
    '// exactly the folders present, and so does every command that reads the template library.',
    importLine('type { PolicyTemplate }', './template'),
    ...sorted.map((f) => importLine(identifier(f.name), `./${f.key}/${TEMPLATE_FOLDER_FILES.template.replace(/\.ts$/, '')}`)),
    '',
    '/** The template folders, `<pack>/<template>`, sorted. */',
    ...arrayConst(
      'export const TEMPLATE_FOLDERS: readonly string[]',
      sorted.map((f) => `'${f.key}'`),
    ),
    '',
    '/** Each folder’s template, in the order of TEMPLATE_FOLDERS (policies/index.ts orders TEMPLATES by pack). */',
    ...arrayConst(
      'export const TEMPLATE_CATALOG: readonly PolicyTemplate[]',
      sorted.map((f) => identifier(f.name)),
    ),
    '',
  ].join('\n');
}

/**
 * Why the catalog the code was built with does not describe these folders, one problem per
 * folder: missing from the catalog, listed but gone, or a template.ts whose template is named or
 * packed differently from its folder.
 */
export function catalogProblems(
  folders: readonly TemplateFolder[],
  catalog: { readonly folders: readonly string[]; readonly templates: readonly PolicyTemplate[] },
): string[] {
  const fix = 'run `npx krate-policy generate` (it rewrites policies/catalog.ts from the folders)';
  const present = new Set(folders.map((f) => f.key));
  const listed = new Set(catalog.folders);
  const problems = [
    ...folders.filter((f) => !listed.has(f.key)).map((f) => `${POLICIES_DIR}/${f.key}/: not in ${CATALOG_FILE}; ${fix}`),
    ...catalog.folders
      .filter((k) => !present.has(k))
      .map((k) => `${CATALOG_FILE}: lists ${POLICIES_DIR}/${k}/, which does not exist; ${fix}`),
  ];
  catalog.folders.forEach((key, i) => {
    if (!present.has(key)) return;
    const [pack, name] = key.split('/');
    const file = `${POLICIES_DIR}/${key}/${TEMPLATE_FOLDER_FILES.template}`;
    const t = catalog.templates[i] as PolicyTemplate | undefined;
    if (!t || typeof t !== 'object' || typeof t.name !== 'string')
      problems.push(`${file}: does not \`export default\` a template (end it with export default <template>;)`);
    else if (t.name !== name || t.pack !== pack)
      problems.push(
        `${file}: exports template '${t.name}' of pack '${t.pack}'; a template folder is named exactly as its template, inside its pack's folder (rename the folder or the template)`,
      );
  });
  return problems;
}

/** The README with its templates block replaced; an error when the markers are missing. */
export function readmeWithTemplates(readme: string, templates: readonly PolicyTemplate[]): string {
  const start = readme.indexOf(`${README_MARKERS.start}\n`);
  const end = readme.indexOf(`\n${README_MARKERS.end}`);
  if (start < 0 || end < start)
    throw new ConfigError([
      `${README_FILE}: no '${README_MARKERS.start}' … '${README_MARKERS.end}' block (each on its own line) for the template tables; put them back in the Policy packs section`,
    ]);
  return `${readme.slice(0, start + README_MARKERS.start.length + 1)}${templatesReference(templates)}${readme.slice(end)}`;
}

/**
 * Every file generated from the templates (not the catalog, which comes from the folders):
 * repository-relative path → the content it must have.
 */
export function generatedFiles(root: string, templates: readonly PolicyTemplate[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of templates) out.set(`${POLICIES_DIR}/${t.pack}/${t.name}/${TEMPLATE_FOLDER_FILES.policy}`, suitePolicyYaml(t));
  const readme = join(root, README_FILE);
  if (!existsSync(readme))
    throw new ConfigError([`${readme}: not found; the template tables are generated into the README's templates block`]);
  out.set(README_FILE, readmeWithTemplates(readFileSync(readme, 'utf8'), templates));
  return out;
}

/** The generated files whose content on disk differs from what they must be. */
export function staleFiles(root: string, files: ReadonlyMap<string, string>): string[] {
  return [...files]
    .filter(([path, text]) => !existsSync(join(root, path)) || readFileSync(join(root, path), 'utf8') !== text)
    .map(([p]) => p);
}

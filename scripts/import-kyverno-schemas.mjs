// Regenerates imports/kyverno/: compiled schema validators for every kind Kyverno v1.19.0 installs
// (policies.kyverno.io, kyverno.io, reports.kyverno.io, wgpolicyk8s.io), which `krate-policy
// validate` (analysis/schema.ts) uses for Kyverno objects. Development time only: the generated
// files are committed, so the CLI, `npm ci` and CI never run this script.
//
// It needs Kyverno's CRD files, which are not part of the repository: by default it reads
// ../shared/upstream/kyverno-v1.19.0/crds (kyverno/kyverno tag v1.19.0, config/crds/; see
// ../shared/upstream/README.md), and fails with exit code 2 when they are absent. Run it after
// changing the Kyverno version, then commit imports/kyverno/ (test/repo/kyverno-imports.test.ts
// checks that the committed folder is what this script generates).
//
//   npm run import:kyverno                                       regenerates imports/kyverno/
//   node scripts/import-kyverno-schemas.mjs [--crds <dir>] [--out <dir>]
//
// How: @kubernetes-models/crd-generate (a devDependency) compiles each served CRD version's
// openAPIV3Schema into a standalone ajv validator. Before that, this script gives the schemas the
// API server's structural-schema semantics, which crd-generate alone would not: an object that
// declares properties rejects unknown fields unless it has x-kubernetes-preserve-unknown-fields,
// int-or-string accepts an integer or a string, and `format: duration` is Go's duration syntax
// (metav1.Duration: "10m", "1h30m"; ajv's duration format is ISO 8601); the enums Kubernetes declares
// for the admission types policies.kyverno.io embeds are added (KUBERNETES_ENUMS). Unserved versions are left
// out (the API server refuses them) and descriptions are stripped to keep the folder small. Only the
// validators are kept (crd-generate's TypeScript model classes are not used here), one file per
// kind at imports/kyverno/<group>/<version>/<Kind>.js, listed in kinds.json.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const KYVERNO_VERSION = 'v1.19.0';
const DEFAULT_CRDS = join(ROOT, '..', 'shared', 'upstream', `kyverno-${KYVERNO_VERSION}`, 'crds');
const DEFAULT_OUT = join(ROOT, 'imports', 'kyverno');
/**
 * Enums the Kubernetes API declares (`+enum`) for the admissionregistration.k8s.io/v1 types that
 * policies.kyverno.io embeds, which controller-gen does not copy into the CRDs: the API server checks
 * them on a ValidatingAdmissionPolicy or webhook, and Kyverno turns these fields into those objects.
 * Each applies to a string (or list of strings) field `field` of an object that also has the
 * `with` fields, i.e. of that Kubernetes type, and only where the CRD gives no enum itself.
 */
const KUBERNETES_ENUMS = [
  // RuleWithOperations / NamedRuleWithOperations: OperationType, ScopeType
  { with: ['apiGroups', 'apiVersions', 'resources'], field: 'operations', values: ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'] },
  { with: ['apiGroups', 'apiVersions', 'resources'], field: 'scope', values: ['*', 'Cluster', 'Namespaced'] },
  // MatchResources: MatchPolicyType
  { with: ['resourceRules'], field: 'matchPolicy', values: ['Equivalent', 'Exact'] },
  // MutatingAdmissionPolicySpec: ReinvocationPolicyType; Mutation: PatchType
  { with: ['mutations'], field: 'reinvocationPolicy', values: ['IfNeeded', 'Never'] },
  { with: ['applyConfiguration', 'jsonPatch'], field: 'patchType', values: ['ApplyConfiguration', 'JSONPatch'] },
];
/** Go's time.ParseDuration syntax, which metav1.Duration fields are decoded with. */
const GO_DURATION = '^[-+]?(0|((\\d+(\\.\\d*)?|\\.\\d+)(ns|us|\\u00b5s|\\u03bcs|ms|s|m|h))+)$';

function fail(message) {
  console.error(`import-kyverno-schemas: ${message}`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { crds: DEFAULT_CRDS, out: DEFAULT_OUT };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') {
      console.log('usage: node scripts/import-kyverno-schemas.mjs [--crds <dir>] [--out <dir>]');
      console.log(`  --crds  Kyverno ${KYVERNO_VERSION}'s CRD files (default ${relative(process.cwd(), DEFAULT_CRDS) || '.'})`);
      console.log(`  --out   the folder to (re)generate (default ${relative(process.cwd(), DEFAULT_OUT)})`);
      process.exit(0);
    }
    if (flag !== '--crds' && flag !== '--out') fail(`unknown argument '${flag}' (usage: [--crds <dir>] [--out <dir>])`);
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) fail(`${flag} needs a folder`);
    opts[flag.slice(2)] = resolve(value);
  }
  return opts;
}

function yamlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => {
      const full = join(dir, e.name);
      if (e.isDirectory()) return yamlFiles(full);
      return /\.ya?ml$/.test(e.name) ? [full] : [];
    });
}

/** One schema node with the API server's structural semantics (see the header), recursively. */
function structural(schema) {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'description') continue;
    if (k === 'properties' && v && typeof v === 'object') {
      out.properties = Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, structural(sub)]));
    } else if ((k === 'items' || k === 'additionalProperties' || k === 'not') && v && typeof v === 'object') {
      out[k] = Array.isArray(v) ? v.map(structural) : structural(v);
    } else if ((k === 'allOf' || k === 'anyOf' || k === 'oneOf') && Array.isArray(v)) {
      out[k] = v.map(structural);
    } else {
      out[k] = v;
    }
  }
  for (const { with: siblings, field, values } of KUBERNETES_ENUMS) {
    const target = out.properties?.[field];
    if (!target || !siblings.every((s) => s in out.properties)) continue;
    const strings = target.type === 'array' ? target.items : target;
    if (strings?.type === 'string' && strings.enum === undefined) strings.enum = values;
  }
  if (out.format === 'duration') {
    delete out.format;
    out.pattern = GO_DURATION;
  }
  if (schema['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (
    schema.type === 'object' &&
    schema.properties &&
    !schema['x-kubernetes-preserve-unknown-fields'] &&
    schema.additionalProperties === undefined
  ) {
    out.additionalProperties = false;
  }
  return out;
}

/** The generated folder's files (path → content) for the CRDs under `crdsDir`; nothing is written yet. */
async function generateKyvernoImports(crdsDir) {
  const require = createRequire(import.meta.url);
  let generate, YAML;
  try {
    ({ generate } = require('@kubernetes-models/crd-generate'));
    YAML = require('yaml');
  } catch {
    fail('@kubernetes-models/crd-generate is not installed (it is a devDependency): run `npm ci` without --omit=dev');
  }
  const crds = [];
  for (const file of yamlFiles(crdsDir)) {
    for (const doc of YAML.parseAllDocuments(readFileSync(file, 'utf8'))) {
      if (doc.errors.length > 0) fail(`${file}: ${doc.errors[0].message}`);
      const crd = doc.toJSON();
      if (crd?.kind !== 'CustomResourceDefinition' || crd.apiVersion !== 'apiextensions.k8s.io/v1') continue;
      const versions = (crd.spec.versions ?? [])
        .filter((v) => v.served !== false)
        .map((v) => ({ ...v, schema: { openAPIV3Schema: structural(v.schema.openAPIV3Schema) } }));
      crds.push({
        source: relative(crdsDir, file),
        group: crd.spec.group,
        kind: crd.spec.names.kind,
        crd: { ...crd, spec: { ...crd.spec, versions } },
      });
    }
  }
  if (crds.length === 0) fail(`${crdsDir} holds no apiextensions.k8s.io/v1 CustomResourceDefinition`);

  const work = mkdtempSync(join(tmpdir(), 'kyverno-imports-'));
  const log = console.log;
  try {
    console.log = () => {}; // crd-generate prints a line for every file it writes
    await generate({ input: crds.map((c) => JSON.stringify(c.crd)).join('\n---\n'), outputPath: work });
  } finally {
    console.log = log;
  }

  const files = new Map();
  const kinds = {};
  try {
    for (const { group, kind, crd, source } of crds) {
      for (const { name: version } of crd.spec.versions) {
        // crd-generate's model class names its validator: import { validate } from "../../_schemas/X";
        const model = readFileSync(join(work, group, version, `${kind}.ts`), 'utf8');
        const schemaFile = /from "\.\.\/\.\.\/(_schemas\/[A-Za-z0-9]+)"/.exec(model)?.[1];
        if (!schemaFile) fail(`crd-generate wrote no validator for ${group}/${version} ${kind}`);
        const code = readFileSync(join(work, `${schemaFile}.js`), 'utf8');
        const relativeImport = /^import .* from "\.{1,2}\//m.exec(code);
        if (relativeImport)
          fail(`the validator of ${group}/${version} ${kind} imports a sibling file (${relativeImport[0]}): it cannot stand alone`);
        const path = `${group}/${version}/${kind}.js`;
        files.set(path, code);
        kinds[`${group}/${version}/${kind}`] = source;
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const sorted = Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => (a < b ? -1 : 1)));
  files.set(
    'kinds.json',
    `${JSON.stringify({ generatedBy: 'scripts/import-kyverno-schemas.mjs', kyverno: KYVERNO_VERSION, kinds: sorted }, null, 2)}\n`,
  );
  // The validators are ES modules; the repository's package.json does not say "type": "module".
  files.set('package.json', `${JSON.stringify({ private: true, type: 'module' }, null, 2)}\n`);
  files.set(
    'README.md',
    [
      '# imports/kyverno (generated: do not edit)',
      '',
      `Compiled schema validators for every kind Kyverno ${KYVERNO_VERSION} installs, one ES module per`,
      'served version (`<group>/<version>/<Kind>.js`, exporting `validate`), listed in `kinds.json` with',
      'the CRD file each comes from. `krate-policy validate` (analysis/schema.ts) checks Kyverno objects',
      'with them, offline.',
      '',
      'Regenerate with `npm run import:kyverno` (scripts/import-kyverno-schemas.mjs; it documents what',
      `it does). It reads Kyverno ${KYVERNO_VERSION}'s CRD files from`,
      `\`../shared/upstream/kyverno-${KYVERNO_VERSION}/crds\`, a development checkout outside the repository,`,
      'and commit the result; test/repo/kyverno-imports.test.ts fails when this folder is not what',
      'the script generates.',
      '',
    ].join('\n'),
  );
  return files;
}

async function main() {
  const { crds, out } = parseArgs(process.argv.slice(2));
  if (!existsSync(crds) || !statSync(crds).isDirectory()) {
    fail(
      `${crds} is absent. This script regenerates imports/kyverno/ from Kyverno ${KYVERNO_VERSION}'s CRD files, ` +
        `which are not part of the repository: they live in ../shared/upstream/kyverno-${KYVERNO_VERSION}/crds next to a ` +
        `development checkout (see ../shared/upstream/README.md), or pass --crds <dir> with kyverno/kyverno ${KYVERNO_VERSION}'s ` +
        'config/crds/ folder. The committed imports/kyverno/ is all the CLI needs; only regenerating it needs the CRDs.',
    );
  }
  // Replace only a folder this script made (it holds kinds.json from here) or an empty one: --out
  // must never remove anything else.
  if (existsSync(out)) {
    const marker = join(out, 'kinds.json');
    const ours = existsSync(marker) && /"generatedBy": "scripts\/import-kyverno-schemas\.mjs"/.test(readFileSync(marker, 'utf8'));
    if (!statSync(out).isDirectory() || (!ours && readdirSync(out).length > 0)) {
      fail(`--out ${out} exists and is not a folder this script generated (no kinds.json from it): name a new or empty folder`);
    }
  }
  const files = await generateKyvernoImports(crds);
  rmSync(out, { recursive: true, force: true });
  let bytes = 0;
  for (const [path, content] of files) {
    mkdirSync(dirname(join(out, path)), { recursive: true });
    writeFileSync(join(out, path), content);
    bytes += Buffer.byteLength(content);
  }
  console.log(`import-kyverno-schemas: ${files.size} files (${Math.round(bytes / 1024)} KiB) in ${relative(process.cwd(), out) || '.'}`);
}

await main();

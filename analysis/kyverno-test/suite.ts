// Kyverno CLI test suites (`cli.kyverno.io/v1alpha1` `Test`, the `kyverno-test.yaml` files
// `kyverno test` runs): finding them below paths, reading one with every file it names (paths
// are relative to the test file), and preparing resources the way the Kyverno CLI loads them
// (cmd/cli/kubectl-kyverno/resource, variables, userinfo, context, exception, policy). Every
// input problem is collected and thrown as one ConfigError naming file, value and fix.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ConfigError, show } from '../../lib/errors';
import { isObject, obj, str, type JsonObject } from '../../lib/json';
import type { Manifest } from '../../lib/manifests';
import { ClusterSnapshot, loadContext } from './context';
import { KindResolver } from '../../lib/kinds';

export const TEST_FILE = 'kyverno-test.yaml';
export const RESULT_KINDS = ['pass', 'fail', 'skip', 'error', 'warn'] as const;
export type ResultKind = (typeof RESULT_KINDS)[number];
export const OPERATIONS = ['CREATE', 'UPDATE', 'DELETE'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** The CEL policy kinds `krate-policy test` evaluates, in every served version. */
export const POLICY_API_VERSIONS = ['policies.kyverno.io/v1alpha1', 'policies.kyverno.io/v1beta1', 'policies.kyverno.io/v1'];
export const VALIDATING_KINDS = ['ValidatingPolicy', 'NamespacedValidatingPolicy'];
export const IMAGE_KINDS = ['ImageValidatingPolicy', 'NamespacedImageValidatingPolicy'];

/** One expected result: a `results[]` entry of the Test. */
export interface ExpectedResult {
  readonly index: number;
  readonly policy: string;
  readonly rule?: string;
  readonly kind?: string;
  /** `name` or `namespace/name`; empty: every resource of the suite (as the Kyverno CLI checks them). */
  readonly resources: readonly string[];
  readonly resourceSpecs: ReadonlyArray<{
    readonly group?: string;
    readonly version?: string;
    readonly kind?: string;
    readonly namespace?: string;
    readonly name?: string;
  }>;
  readonly result: ResultKind;
  readonly operation?: Operation;
}

/** A policy document the suite names that krate-policy test does not evaluate, and why. */
export interface UnsupportedPolicy {
  readonly name: string;
  readonly kind: string;
  readonly apiVersion: string;
  readonly file: string;
  /** Why, and what to do instead (printed once per suite). */
  readonly reason: string;
  /** One line for each result that names the policy. */
  readonly short: string;
}

export interface SourcedDoc {
  readonly manifest: Manifest;
  readonly file: string;
  readonly index: number;
}

export interface Suite {
  /** The test file, as shown in output (relative to the working directory when below it). */
  readonly file: string;
  readonly name: string;
  readonly policies: readonly SourcedDoc[];
  readonly unsupported: readonly UnsupportedPolicy[];
  /** Resources as the Kyverno CLI loads them: namespaced kinds default to `default`, null label maps become {}. */
  readonly resources: readonly SourcedDoc[];
  readonly exceptions: readonly SourcedDoc[];
  /** Namespaces known from values (`namespaces`, then `namespaceSelector` entries). */
  readonly namespaces: ReadonlyMap<string, Manifest>;
  /** `request.operation` from the values' globalValues; CREATE when unset. */
  readonly operation: Operation;
  /** `request.userInfo` (the userinfo file's userInfo). */
  readonly userInfo: Readonly<Record<string, unknown>>;
  readonly snapshot: ClusterSnapshot;
  readonly kinds: KindResolver;
  readonly results: readonly ExpectedResult[];
  /** Things the run should say about the suite (ignored inputs, duplicates). */
  readonly notes: readonly string[];
}

const shown = (p: string) => {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
};

/**
 * Every kyverno-test.yaml below each path (a file path is taken as a test file whatever its
 * name). Hidden folders are searched, as the Kyverno CLI does (published suites live in
 * `.kyverno-test/`); `.git` and `node_modules` are not.
 */
export function findTestFiles(paths: readonly string[]): string[] {
  const problems: string[] = [];
  const files: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      problems.push(`${p}: no such file or folder (name a kyverno-test.yaml or a folder that contains one)`);
      continue;
    }
    if (st.isFile()) {
      files.push(resolve(p));
      continue;
    }
    const found: string[] = [];
    const visit = (dir: string) => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch (e) {
        problems.push(`${dir}: cannot read folder: ${(e as Error).message}`);
        return;
      }
      for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        if (e.isDirectory()) {
          if (e.name !== '.git' && e.name !== 'node_modules') visit(join(dir, e.name));
        } else if (e.name === TEST_FILE) {
          found.push(resolve(dir, e.name));
        }
      }
    };
    visit(p);
    if (found.length === 0)
      problems.push(
        `no ${TEST_FILE} found in ${p} (a Kyverno CLI test suite is a file named ${TEST_FILE}, kind Test, apiVersion cli.kyverno.io/v1alpha1)`,
      );
    files.push(...found);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return [...new Set(files)];
}

/** Parses YAML documents of one file; a YAML error is a problem naming file and document. */
export function readDocs(file: string, problems: string[], what: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    problems.push(
      `${shown(file)}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot read: ${(e as Error).message}`} (named as ${what})`,
    );
    return [];
  }
  const out: unknown[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    if (doc.errors.length > 0) {
      problems.push(
        `${shown(file)}: document ${i}: YAML error: ${doc.errors[0].message.split('\n')[0].replace(/:$/, '')} (fix the YAML syntax)`,
      );
      return;
    }
    const v = doc.toJS({ maxAliasCount: 10000 });
    if (v !== null && v !== undefined) out.push(v);
  });
  return out;
}

/** Kubernetes objects of a file (a `List`'s items are its objects); anything else is a problem. */
function readObjects(file: string, problems: string[], what: string): SourcedDoc[] {
  const out: SourcedDoc[] = [];
  readDocs(file, problems, what).forEach((v, index) => {
    if (!isObject(v) || typeof v.apiVersion !== 'string' || typeof v.kind !== 'string') {
      problems.push(`${shown(file)}: document ${index}: not a Kubernetes object (${what} must have apiVersion and kind)`);
      return;
    }
    if (v.kind === 'List' || (v.kind.endsWith('List') && Array.isArray(v.items))) {
      // A List whose items is not a list throws here, and loadSuites reports it as unreadable.
      for (const item of (v.items ?? []) as Iterable<unknown>)
        if (isObject(item)) out.push({ manifest: item as Manifest, file: shown(file), index });
      return;
    }
    out.push({ manifest: v as Manifest, file: shown(file), index });
  });
  return out;
}

/** YAML files of a path named in a test: the file itself, or a folder's .yaml/.yml/.json files (hidden ones skipped). */
export function expand(path: string, problems: string[], what: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    problems.push(`${shown(path)}: no such file or folder (named as ${what}; paths are relative to the test file)`);
    return [];
  }
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(path).sort();
  } catch (e) {
    problems.push(`${shown(path)}: cannot read folder: ${(e as Error).message}`);
    return [];
  }
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const child = join(path, name);
    let dir = false;
    try {
      dir = statSync(child).isDirectory();
    } catch {
      continue; // a dangling link
    }
    if (dir) out.push(...expand(child, problems, what));
    else if (/\.(ya?ml|json)$/.test(name)) out.push(child);
  }
  return out;
}

const KNOWN_FIELDS = new Set([
  'apiVersion',
  'kind',
  'metadata',
  'policies',
  'resources',
  'exceptions',
  'variables',
  'values',
  'userinfo',
  'context',
  'clusterResources',
  'results',
  'apiCallResponses',
  'globalContextEntries',
  'targetResources',
  'paramResources',
  'jsonPayload',
  'jsonPayloads',
  'httpPayloads',
  'envoyPayloads',
]);
const UNSUPPORTED_FIELDS = ['targetResources', 'paramResources', 'jsonPayload', 'jsonPayloads', 'httpPayloads', 'envoyPayloads'];
const KNOWN_FIELDS_WITH_NAME = new Set([...KNOWN_FIELDS, 'name']);
const RESULT_FIELDS = new Set([
  'policy',
  'rule',
  'kind',
  'resources',
  'resourceSpecs',
  'result',
  'operation',
  'isValidatingPolicy',
  'isValidatingAdmissionPolicy',
  'isMutatingAdmissionPolicy',
  'isImageValidatingPolicy',
  'isDeletingPolicy',
  'isGeneratingPolicy',
  'isMutatingPolicy',
  'patchedResources',
  'generatedResource',
  'generatedResources',
  'cloneSourceResource',
  'failOnMissingResources',
]);

function stringList(v: unknown, at: string, problems: string[]): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    problems.push(`${at}: ${show(v)} is not a list of strings (write e.g. [file.yaml])`);
    return [];
  }
  return v as string[];
}

function optionalString(v: unknown, at: string, problems: string[]): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') {
    problems.push(`${at}: ${show(v)} is not a file name (a string)`);
    return undefined;
  }
  return v;
}

/** Normalises a resource as the Kyverno CLI loads it (resource.YamlToUnstructured). */
function normalizeResource(m: Manifest, kinds: KindResolver): Manifest {
  const copy = clone(m) as JsonObject;
  copy.metadata = isObject(copy.metadata) ? copy.metadata : {};
  if (!copy.metadata.namespace && kinds.namespaced(m.apiVersion, m.kind)) copy.metadata.namespace = 'default';
  normalizeNilMaps(copy);
  return copy as Manifest;
}

/** A deep copy of parsed YAML (not structuredClone: its arrays may come from another realm, as under jest). */
function clone(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) out.push(clone(x));
    return out;
  }
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = clone(v[k]);
    return out;
  }
  return v;
}

const NIL_MAP_FIELDS = new Set(['annotations', 'labels', 'matchLabels', 'nodeSelector', 'data', 'stringData']);
function normalizeNilMaps(o: JsonObject): void {
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (v === null && NIL_MAP_FIELDS.has(k)) o[k] = {};
    else if (Array.isArray(v)) v.forEach((x) => isObject(x) && normalizeNilMaps(x));
    else if (isObject(v)) normalizeNilMaps(v);
  }
}

export function classifyPolicy(doc: SourcedDoc): UnsupportedPolicy | undefined {
  const { apiVersion, kind, metadata } = doc.manifest;
  const base = { name: metadata?.name ?? '', kind, apiVersion, file: doc.file };
  if (POLICY_API_VERSIONS.includes(apiVersion) && [...VALIDATING_KINDS, ...IMAGE_KINDS].includes(kind)) {
    const mode = obj(obj(doc.manifest.spec)?.evaluation)?.mode;
    if (mode && mode !== 'Kubernetes')
      return {
        ...base,
        short: `evaluation.mode ${mode} is not supported`,
        reason: `evaluation.mode ${mode} (payloads other than Kubernetes objects) is not supported by krate-policy test`,
      };
    return undefined;
  }
  if (apiVersion.startsWith('kyverno.io/') && (kind === 'ClusterPolicy' || kind === 'Policy')) {
    return {
      ...base,
      short: `legacy ${apiVersion} ${kind} is not supported`,
      reason: `legacy ${apiVersion} ${kind} is not supported by krate-policy test: only policies.kyverno.io CEL policies (ValidatingPolicy, NamespacedValidatingPolicy, ImageValidatingPolicy) are evaluated; convert it to a ValidatingPolicy (validate.cel rules convert directly) or run it with \`kyverno test\``,
    };
  }
  return {
    ...base,
    short: `${apiVersion} ${kind} is not supported`,
    reason: `${apiVersion} ${kind} is not supported by krate-policy test (it evaluates ValidatingPolicy, NamespacedValidatingPolicy and ImageValidatingPolicy of policies.kyverno.io v1alpha1, v1beta1 and v1)`,
  };
}

/**
 * How the Kyverno CLI takes one document of an exceptions file: a policies.kyverno.io
 * PolicyException (any served version) with policyRefs and matchConditions is used; a legacy
 * kyverno.io one is ignored with a note; anything else is a problem. `scan --exceptions` reads
 * exceptions through this too.
 */
export function checkException(d: SourcedDoc): 'ok' | { readonly note: string } | { readonly problem: string } {
  const { apiVersion, kind } = d.manifest;
  const spec = d.manifest.spec;
  const refsOk =
    isObject(spec) && Array.isArray(spec.policyRefs) && spec.policyRefs.every((r: unknown) => isObject(r) && typeof r.name === 'string');
  const conditionsOk =
    isObject(spec) && (spec.matchConditions === undefined || (Array.isArray(spec.matchConditions) && spec.matchConditions.every(isObject)));
  if (kind === 'PolicyException' && POLICY_API_VERSIONS.includes(apiVersion) && !(refsOk && conditionsOk))
    return {
      problem: `${d.file}: document ${d.index}: PolicyException ${d.manifest.metadata?.name ?? ''}: spec needs policyRefs (a list of {name, kind}) and matchConditions (a list of {name, expression})`,
    };
  if (kind === 'PolicyException' && POLICY_API_VERSIONS.includes(apiVersion)) return 'ok';
  if (kind === 'PolicyException' && apiVersion.startsWith('kyverno.io/'))
    return {
      note: `${d.file}: ${apiVersion} PolicyException ${d.manifest.metadata?.name} applies to legacy ClusterPolicies only and was ignored`,
    };
  return {
    problem: `${d.file}: document ${d.index}: ${apiVersion} ${kind} is not a policy exception (exceptions lists policies.kyverno.io PolicyException files)`,
  };
}

/** API groups whose kinds are policies (evaluated or reported unsupported); anything else in a policy file is a mistake. */
export const POLICY_GROUPS = ['kyverno.io/', 'policies.kyverno.io/', 'admissionregistration.k8s.io/'];

/** Reads one test file (each YAML document is one suite) with everything it names. */
export function loadSuites(file: string): Suite[] {
  const problems: string[] = [];
  const suites: Suite[] = [];
  const docs = readDocs(file, problems, 'the test file');
  if (problems.length === 0 && docs.length === 0)
    problems.push(`${shown(file)}: empty file (a ${TEST_FILE} holds a cli.kyverno.io/v1alpha1 Test)`);
  docs.forEach((doc, i) => {
    const at = docs.length > 1 ? `${shown(file)}: document ${i}` : shown(file);
    try {
      const suite = loadSuite(file, at, doc, problems);
      if (suite) suites.push(suite);
    } catch (e) {
      // Input shapes the checks above did not foresee: still a message about the file, never a stack trace.
      problems.push(`${at}: cannot be read as a Kyverno CLI test: ${(e as Error).message}`);
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return suites;
}

/**
 * Field names as Go's encoding/json matches them (case-insensitively, as the Kyverno CLI decodes
 * tests): known fields under their canonical spelling, the rest reported as notes and ignored.
 */
function canonicalKeys(o: JsonObject, known: ReadonlySet<string>, at: string, notes: string[]): JsonObject {
  const byLower = new Map([...known].map((k) => [k.toLowerCase(), k]));
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(o)) {
    const canonical = known.has(k) ? k : byLower.get(k.toLowerCase());
    if (canonical) out[canonical] = v;
    else notes.push(`${at}: ${show(k)} is not a field the Kyverno CLI knows (${[...known].join(', ')}); ignored`);
  }
  return out;
}

function loadSuite(file: string, at: string, raw: unknown, problems: string[]): Suite | undefined {
  if (!isObject(raw)) {
    problems.push(`${at}: not a Test (expected a mapping with apiVersion: cli.kyverno.io/v1alpha1 and kind: Test)`);
    return undefined;
  }
  const notes: string[] = [];
  const doc = canonicalKeys(raw, KNOWN_FIELDS_WITH_NAME, at, notes);
  // The Kyverno CLI refuses only the deprecated schema (no apiVersion or kind, or a top-level name).
  if (typeof doc.apiVersion !== 'string' || !doc.apiVersion || doc.kind !== 'Test' || doc.name !== undefined) {
    const found =
      doc.apiVersion === undefined && doc.kind === undefined
        ? 'no apiVersion and kind'
        : `apiVersion ${show(doc.apiVersion)}, kind ${show(doc.kind)}`;
    problems.push(
      doc.name !== undefined && doc.apiVersion === undefined
        ? `${at}: uses the deprecated test schema (top-level name, ${found}); add apiVersion: cli.kyverno.io/v1alpha1 and kind: Test and move name to metadata.name`
        : `${at}: ${found}; a Kyverno CLI test must be apiVersion: cli.kyverno.io/v1alpha1, kind: Test${doc.name !== undefined ? ' (and name belongs under metadata.name)' : ''}`,
    );
    return undefined;
  }
  const before = problems.length;
  if (doc.apiVersion !== 'cli.kyverno.io/v1alpha1')
    notes.push(
      `${at}: apiVersion ${show(doc.apiVersion)}; Kyverno CLI tests are cli.kyverno.io/v1alpha1 (read anyway, as kyverno test does)`,
    );
  for (const k of UNSUPPORTED_FIELDS) if (doc[k] !== undefined) notes.push(`${k} is not supported by krate-policy test and was ignored`);
  const dir = dirname(file);
  const rel = (p: string) => (isAbsolute(p) ? p : join(dir, p));
  const name = str(obj(doc.metadata)?.name) ?? basename(dirname(file));
  const kinds = new KindResolver();

  // clusterResources first: their CRDs teach the kind resolver before resources are normalised.
  const clusterObjects: Manifest[] = [];
  for (const p of stringList(doc.clusterResources, `${at}: clusterResources`, problems)) {
    for (const f of expand(rel(p), problems, 'clusterResources')) {
      readDocs(f, problems, 'clusterResources').forEach((cr, index) => {
        if (!isObject(cr) || cr.kind !== 'ClusterResource') {
          problems.push(
            `${shown(f)}: document ${index}: not a ClusterResource (apiVersion: cli.kyverno.io/v1alpha1, kind: ClusterResource, spec: {crds, resources})`,
          );
          return;
        }
        for (const crd of stringList(obj(cr.spec)?.crds, `${shown(f)}: spec.crds`, problems)) {
          for (const cf of expand(isAbsolute(crd) ? crd : join(dir, crd), problems, 'a ClusterResource CRD')) {
            for (const d of readObjects(cf, problems, 'CRDs')) {
              if (d.manifest.kind === 'CustomResourceDefinition') {
                kinds.addCRD(d.manifest as never);
                clusterObjects.push(d.manifest);
              } else
                problems.push(
                  `${d.file}: document ${d.index}: ${d.manifest.kind} is not a CustomResourceDefinition (spec.crds lists CRD files)`,
                );
            }
          }
        }
        const objs = obj(cr.spec)?.resources ?? [];
        if (!Array.isArray(objs)) problems.push(`${shown(f)}: spec.resources: not a list of Kubernetes objects`);
        else
          objs.forEach((o: unknown, j: number) => {
            if (isObject(o) && typeof o.apiVersion === 'string' && typeof o.kind === 'string') clusterObjects.push(o as Manifest);
            else problems.push(`${shown(f)}: spec.resources[${j}]: not a Kubernetes object (needs apiVersion and kind)`);
          });
      });
    }
  }

  const policies: SourcedDoc[] = [];
  const unsupported: UnsupportedPolicy[] = [];
  const policyPaths = stringList(doc.policies, `${at}: policies`, problems);
  if (policyPaths.length === 0 && doc.policies === undefined)
    problems.push(`${at}: policies: missing (list the policy files the test applies, relative to the test file)`);
  for (const p of policyPaths) {
    if (/^https?:\/\//.test(p)) {
      problems.push(
        `${at}: policies: ${show(p)} is a URL; krate-policy test runs offline, so download it next to the test and name the file`,
      );
      continue;
    }
    for (const f of expand(rel(p), problems, 'a policy')) {
      const strays: SourcedDoc[] = [];
      for (const d of readObjects(f, problems, 'policies')) {
        const why = classifyPolicy(d);
        if (!why) policies.push(d);
        else if (POLICY_GROUPS.some((g) => d.manifest.apiVersion.startsWith(g))) {
          if (d.manifest.kind === 'PolicyException')
            notes.push(
              `${d.file}: PolicyException ${d.manifest.metadata?.name} in a policy file is ignored (the Kyverno CLI reads exceptions from the test's exceptions list)`,
            );
          else unsupported.push(why);
        } else strays.push(d);
      }
      if (strays.length > 0) {
        const what = [...new Set(strays.map((d) => `${d.manifest.apiVersion} ${d.manifest.kind}`))].join(', ');
        problems.push(
          `${strays[0].file}: ${strays.length === 1 ? `document ${strays[0].index}` : `${strays.length} documents`} (${what}) ${strays.length === 1 ? 'is not a policy' : 'are not policies'}; policies lists ValidatingPolicy/ImageValidatingPolicy files, resources lists the objects to test`,
        );
      }
    }
  }

  const resources: SourcedDoc[] = [];
  const seen = new Set<string>();
  for (const p of stringList(doc.resources, `${at}: resources`, problems)) {
    for (const f of expand(rel(p), problems, 'a resource')) {
      for (const d of readObjects(f, problems, 'resources')) {
        if (typeof d.manifest.metadata?.name !== 'string' || d.manifest.metadata.name === '') {
          problems.push(`${d.file}: document ${d.index}: ${d.manifest.kind} has no metadata.name (results name resources by it)`);
          continue;
        }
        const m = normalizeResource(d.manifest, kinds);
        const key = `${m.apiVersion}|${m.kind}|${m.metadata.namespace ?? ''}|${m.metadata.name}`;
        if (seen.has(key)) {
          notes.push(
            `duplicated resource ${m.kind} ${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata.name} (${d.file}); the first one is used`,
          );
          continue;
        }
        seen.add(key);
        resources.push({ ...d, manifest: m });
      }
    }
  }

  const exceptions: SourcedDoc[] = [];
  for (const p of stringList(doc.exceptions, `${at}: exceptions`, problems)) {
    for (const f of expand(rel(p), problems, 'an exception')) {
      for (const d of readObjects(f, problems, 'exceptions')) {
        const verdict = checkException(d);
        if (verdict === 'ok') exceptions.push(d);
        else if ('note' in verdict) notes.push(verdict.note);
        else problems.push(verdict.problem);
      }
    }
  }

  // values / variables: namespaces for namespaceSelector and namespaceObject, global values.
  let values: JsonObject | undefined;
  const variablesFile = optionalString(doc.variables, `${at}: variables`, problems);
  if (doc.values !== undefined) {
    if (isObject(doc.values)) values = doc.values;
    else problems.push(`${at}: values: ${show(doc.values)} is not a mapping (namespaces, namespaceSelector, globalValues, policies)`);
  } else if (variablesFile) {
    const vdocs = readDocs(rel(variablesFile), problems, 'variables');
    const v = vdocs[0];
    if (vdocs.length > 0) {
      if (!isObject(v) || !v.apiVersion || !v.kind)
        problems.push(
          `${shown(rel(variablesFile))}: uses the deprecated values schema; add apiVersion: cli.kyverno.io/v1alpha1 and kind: Values`,
        );
      else values = v; // the Kyverno CLI does not check the kind (published suites say Value or Values)
    }
  }
  const namespaces = new Map<string, Manifest>();
  let operation: Operation = 'CREATE';
  if (values) {
    const vat = variablesFile ? shown(rel(variablesFile)) : `${at}: values`;
    const selectors = values.namespaceSelector ?? [];
    if (!Array.isArray(selectors)) problems.push(`${vat}: namespaceSelector: not a list of {name, labels}`);
    else
      for (const [j, s] of selectors.entries()) {
        if (!isObject(s) || typeof s.name !== 'string') problems.push(`${vat}: namespaceSelector[${j}]: needs name (and labels)`);
        else namespaces.set(s.name, typedNamespace({ metadata: { name: s.name, labels: isObject(s.labels) ? s.labels : {} } }));
      }
    const nsList = values.namespaces ?? [];
    if (!Array.isArray(nsList)) problems.push(`${vat}: namespaces: not a list of Namespace objects`);
    else
      for (const [j, n] of nsList.entries()) {
        if (!isObject(n) || !isObject(n.metadata) || typeof n.metadata.name !== 'string')
          problems.push(`${vat}: namespaces[${j}]: needs metadata.name`);
        else namespaces.set(n.metadata.name, typedNamespace(n));
      }
    const op = isObject(values.globalValues) ? values.globalValues['request.operation'] : undefined;
    if (op !== undefined && op !== '') {
      if (op === 'CONNECT') operation = 'CREATE';
      else if ((OPERATIONS as readonly unknown[]).includes(op)) operation = op as Operation;
      else problems.push(`${vat}: globalValues.request.operation: ${show(op)} is not one of CREATE|UPDATE|DELETE|CONNECT`);
    }
  }

  let userInfo: Record<string, unknown> = {};
  const userFile = optionalString(doc.userinfo, `${at}: userinfo`, problems);
  if (userFile) {
    const u = readDocs(rel(userFile), problems, 'userinfo')[0];
    if (u !== undefined) {
      if (!isObject(u) || !u.apiVersion || !u.kind)
        problems.push(
          `${shown(rel(userFile))}: uses the deprecated user info schema; add apiVersion: cli.kyverno.io/v1alpha1 and kind: UserInfo`,
        );
      else if (u.userInfo !== undefined && !isObject(u.userInfo))
        problems.push(`${shown(rel(userFile))}: userInfo: not a mapping (username, uid, groups, extra)`);
      else {
        const info = obj(u.userInfo) ?? {};
        userInfo = Object.fromEntries(
          ['username', 'uid', 'groups', 'extra'].filter((k) => info[k] !== undefined && info[k] !== '').map((k) => [k, info[k]]),
        );
      }
    }
  }

  const snapshot = new ClusterSnapshot(kinds);
  const contextFile = optionalString(doc.context, `${at}: context`, problems);
  if (contextFile) {
    const c = readDocs(rel(contextFile), problems, 'context')[0];
    if (c !== undefined) loadContext(c, shown(rel(contextFile)), snapshot, problems);
  }
  // With clusterResources the Kyverno CLI runs against a fake cluster of every object it read.
  if (doc.clusterResources !== undefined) {
    for (const o of clusterObjects) snapshot.addObject(o);
    for (const r of resources) snapshot.addObject(r.manifest);
  }
  for (const [j, g] of (Array.isArray(doc.globalContextEntries) ? doc.globalContextEntries : []).entries()) {
    if (!isObject(g) || typeof g.name !== 'string') problems.push(`${at}: globalContextEntries[${j}]: needs name`);
    else if (g.data !== undefined) snapshot.addGlobal(g.name, g.data);
    else if (Array.isArray(g.resources)) snapshot.addGlobal(g.name, g.resources);
    else notes.push(`globalContextEntries ${g.name}: only data and resources are supported; ignored`);
  }
  for (const [j, a] of (Array.isArray(doc.apiCallResponses) ? doc.apiCallResponses : []).entries()) {
    const call = obj(a) ?? {};
    const url = call.url ?? call.urlPath;
    if (typeof url !== 'string') problems.push(`${at}: apiCallResponses[${j}]: needs url or urlPath`);
    else {
      const method = typeof call.method === 'string' && call.method ? `${call.method.toUpperCase()}:` : '';
      const response = obj(call.response);
      snapshot.addHttp(`${method}${url}`, { body: response?.body ?? null, statusCode: response?.statusCode ?? 200 });
    }
  }

  const results: ExpectedResult[] = [];
  if (doc.results === undefined || doc.results === null)
    notes.push(`${at}: no results, so nothing is checked (list the expected results: policy, resources, result)`);
  else if (!Array.isArray(doc.results)) problems.push(`${at}: results: not a list (list the expected results: policy, resources, result)`);
  else
    doc.results.forEach((raw: unknown, index: number) => {
      const rat = `${at}: results[${index}]`;
      if (!isObject(raw)) {
        problems.push(`${rat}: not a mapping (policy, resources, result)`);
        return;
      }
      const r = canonicalKeys(raw, RESULT_FIELDS, rat, notes);
      if (typeof r.policy !== 'string' || r.policy === '')
        problems.push(
          `${rat}: policy: ${r.policy === undefined ? 'missing' : show(r.policy)} (name the policy, e.g. policy: disallow-latest-tag)`,
        );
      const result = typeof r.result === 'string' ? r.result.trim() : r.result;
      if (!(RESULT_KINDS as readonly unknown[]).includes(result))
        problems.push(`${rat}: result: ${show(r.result)} is not one of ${RESULT_KINDS.join('|')}`);
      if (r.operation !== undefined && !(OPERATIONS as readonly unknown[]).includes(r.operation))
        problems.push(`${rat}: operation: ${show(r.operation)} is not one of ${OPERATIONS.join('|')}`);
      if (r.kind !== undefined && typeof r.kind !== 'string') problems.push(`${rat}: kind: ${show(r.kind)} is not a kind name`);
      if (r.rule !== undefined && typeof r.rule !== 'string') problems.push(`${rat}: rule: ${show(r.rule)} is not a rule name`);
      const specs = r.resourceSpecs ?? [];
      if (!Array.isArray(specs) || specs.some((s: unknown) => !isObject(s)))
        problems.push(`${rat}: resourceSpecs: not a list of {group, version, kind, namespace, name}`);
      for (const flag of Object.keys(r).filter((k) => k.startsWith('is')))
        if (typeof r[flag] !== 'boolean') problems.push(`${rat}: ${flag}: ${show(r[flag])} is not true or false`);
      results.push({
        index,
        policy: String(r.policy ?? ''),
        ...(typeof r.rule === 'string' && r.rule ? { rule: r.rule } : {}),
        ...(typeof r.kind === 'string' && r.kind ? { kind: r.kind } : {}),
        resources: stringList(r.resources, `${rat}: resources`, problems),
        resourceSpecs: Array.isArray(specs) ? specs.filter(isObject) : [],
        result: result as ResultKind,
        ...(r.operation ? { operation: r.operation as Operation } : {}),
      });
    });
  if (problems.length > before) return undefined;
  return {
    file: shown(file),
    name,
    policies,
    unsupported,
    resources,
    exceptions,
    namespaces,
    operation,
    userInfo,
    snapshot,
    kinds,
    results,
    notes,
  };
}

/**
 * A values namespace as Kyverno hands it to policies: a typed corev1.Namespace converted to
 * unstructured: spec and status present (empty), creationTimestamp null, no empty label map.
 */
function typedNamespace(n: JsonObject): Manifest {
  const { labels, ...rest } = obj(n.metadata) ?? {};
  // Empty maps are omitted (omitempty), as the typed object serialises.
  const metadata = { creationTimestamp: null, ...rest, ...(isObject(labels) && Object.keys(labels).length > 0 ? { labels } : {}) };
  return {
    ...n,
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata,
    spec: isObject(n.spec) ? n.spec : {},
    status: isObject(n.status) ? n.status : {},
  } as unknown as Manifest;
}

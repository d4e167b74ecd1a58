// What a user brings to `krate-policy scan`: their own policies (--policy), PolicyExceptions
// (--exceptions) and a cluster snapshot for resource.Get / resource.List (--context). Policies and
// exceptions are read as `krate-policy test` reads them and evaluated by its Kyverno v1.19 engine
// (analysis/kyverno-test/engine.ts) with the same CEL libraries, so a policy decides the same in
// scan and in test. The project's own templates keep PolicySet's compiled path (analysis/scan.ts).
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ConfigError } from '../lib/errors';
import { isObject, obj } from '../lib/json';
import { groupOf, KindResolver, versionOf } from '../lib/kinds';
import { objectName, parseManifests, type Manifest, type SourcedManifest } from '../lib/manifests';
import { toCelValue, type CelEngine } from './cel';
import { ClusterSnapshot, loadContext } from './kyverno-test/context';
import {
  buildRequest,
  compilePolicies,
  evaluate,
  libraries,
  mayMatch,
  type CompiledPolicy,
  type Libraries,
  type RequestKind,
} from './kyverno-test/engine';
import { checkException, classifyPolicy, expand, IMAGE_KINDS, POLICY_GROUPS, readDocs, type SourcedDoc } from './kyverno-test/suite';
import { ADMISSION_ONLY_MESSAGE, asServed, type ScanReport, type ScanResult, type ScanSummary } from './scan';
import type { PolicyMode } from '../lib/ladder';

/** A file as messages show it: relative to the working directory when below it. */
const shown = (p: string) => {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
};

const SUPPORTED =
  'scan evaluates ValidatingPolicy, NamespacedValidatingPolicy and ImageValidatingPolicy of policies.kyverno.io (v1alpha1, v1beta1, v1)';

/** The Kubernetes objects of one parsed YAML document (a List's items), other values none. */
function objectsOf(v: unknown): Manifest[] {
  if (!isObject(v) || typeof v.apiVersion !== 'string' || typeof v.kind !== 'string') return [];
  if (v.kind.endsWith('List') && Array.isArray(v.items)) return v.items.flatMap(objectsOf);
  return [v as Manifest];
}

/** The YAML files of a path given to an option; undefined (and a problem naming the option) when it does not exist. */
function filesOf(option: string, path: string, problems: string[]): string[] | undefined {
  try {
    statSync(path);
  } catch {
    problems.push(`${option} ${path}: no such file or folder`);
    return undefined;
  }
  return expand(path, problems, option);
}

/**
 * Reads the policies of every --policy path (a file, or a folder's .yaml/.yml/.json files at any
 * depth, hidden ones skipped, as `krate-policy test` expands paths). Other documents are ignored
 * (a policy folder also holds tests, resources and package metadata), but every path must hold a
 * policy, a legacy kyverno.io policy or another policy kind scan does not evaluate is an error that
 * says what to do, and a policy may be defined only once.
 */
export function readPolicyFiles(paths: readonly string[]): SourcedDoc[] {
  const problems: string[] = [];
  const policies: SourcedDoc[] = [];
  const seen = new Map<string, string>();
  for (const path of paths) {
    let found = 0;
    const others = new Set<string>();
    const files = filesOf('--policy', path, problems);
    if (!files) continue;
    for (const file of files) {
      readDocs(file, problems, '--policy').forEach((value, index) => {
        for (const manifest of objectsOf(value)) {
          const doc: SourcedDoc = { manifest, file: shown(file), index };
          if (!POLICY_GROUPS.some((g) => manifest.apiVersion.startsWith(g)) || manifest.kind === 'PolicyException') {
            others.add(`${manifest.apiVersion} ${manifest.kind}`);
            continue;
          }
          found++;
          const name = typeof manifest.metadata?.name === 'string' ? manifest.metadata.name : '';
          const unsupported = classifyPolicy(doc);
          if (unsupported) {
            problems.push(`--policy ${doc.file}: document ${index}: ${unsupportedMessage(manifest, name, unsupported.short)}`);
            continue;
          }
          if (name === '') {
            problems.push(`--policy ${doc.file}: document ${index}: ${manifest.kind} has no metadata.name (results name the policy by it)`);
            continue;
          }
          const key = `${manifest.kind}/${namespaceOf(manifest)}/${name}`;
          const first = seen.get(key);
          if (first !== undefined) {
            problems.push(
              `--policy ${doc.file}: document ${index}: ${manifest.kind} ${name} is already defined in ${first}; a policy name is unique (rename one or drop the copy)`,
            );
            continue;
          }
          seen.set(key, `${doc.file} (document ${index})`);
          policies.push(doc);
        }
      });
    }
    if (found === 0) {
      const what = others.size > 0 ? [...others].sort().join(', ') : 'no Kubernetes object';
      const hint = [...others].some((o) => o.endsWith(' PolicyException')) ? '; give PolicyExceptions with --exceptions' : '';
      problems.push(`--policy ${path}: no policy found (${SUPPORTED}; found ${what})${hint}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return policies;
}

function unsupportedMessage(m: Manifest, name: string, short: string): string {
  if (m.apiVersion.startsWith('kyverno.io/'))
    return `legacy ${m.apiVersion} ${m.kind} ${name} is not supported: ${SUPPORTED}; convert it to a ValidatingPolicy (validate.cel rules convert directly; patterns, JMESPath and other rule types need rewriting in CEL) or check it with \`kyverno apply\``;
  return `${m.kind} ${name}: ${short}: ${SUPPORTED}; remove it from the --policy path`;
}

const namespaceOf = (m: Manifest) => (m.kind.startsWith('Namespaced') ? ((m.metadata.namespace as string | undefined) ?? 'default') : '');

/** --exceptions, read as `krate-policy test` reads a test's exceptions; notes are for stderr. */
export interface ExceptionFiles {
  readonly exceptions: readonly SourcedDoc[];
  readonly notes: readonly string[];
}

/**
 * Reads every --exceptions path: policies.kyverno.io PolicyExceptions in any served version, as
 * `krate-policy test` reads them (legacy kyverno.io ones are ignored with a note; anything else is
 * an error). Exceptions whose expiresAt is before `now` are ignored with a note, as Kyverno ignores
 * them. Every path must hold a PolicyException.
 */
export function readExceptionFiles(paths: readonly string[], now: Date): ExceptionFiles {
  const problems: string[] = [];
  const notes: string[] = [];
  const exceptions: SourcedDoc[] = [];
  for (const path of paths) {
    let found = 0;
    const files = filesOf('--exceptions', path, problems);
    if (!files) continue;
    for (const file of files) {
      readDocs(file, problems, '--exceptions').forEach((value, index) => {
        const objects = objectsOf(value);
        if (objects.length === 0 && !(isObject(value) && Array.isArray(value.items)))
          problems.push(
            `--exceptions ${shown(file)}: document ${index}: not a Kubernetes object (a PolicyException needs apiVersion and kind)`,
          );
        for (const manifest of objects) {
          const doc: SourcedDoc = { manifest, file: shown(file), index };
          const verdict = checkException(doc);
          found++;
          if (verdict !== 'ok') {
            if ('note' in verdict) notes.push(verdict.note);
            else problems.push(`--exceptions ${verdict.problem}`);
            continue;
          }
          const expiresAt = obj(manifest.spec)?.expiresAt;
          if (typeof expiresAt === 'string' && Date.parse(expiresAt) < now.getTime()) {
            notes.push(
              `${doc.file}: PolicyException ${manifest.metadata.namespace ? `${manifest.metadata.namespace}/` : ''}${manifest.metadata.name} expired at ${expiresAt} and is ignored, as Kyverno ignores it`,
            );
            continue;
          }
          exceptions.push(doc);
        }
      });
    }
    if (found === 0) problems.push(`--exceptions ${path}: no PolicyException found (give files of policies.kyverno.io PolicyExceptions)`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { exceptions, notes };
}

/** The cluster a scan's context functions see: resource.Get / resource.List, and its namespaces. */
export interface ScanContext {
  readonly snapshot: ClusterSnapshot;
  readonly kinds: KindResolver;
  /** The snapshot's Namespace objects: their labels select for namespaceSelector. */
  readonly namespaces: readonly Manifest[];
  /** Objects served, and from which form of file (undefined without --context). */
  readonly objects: number;
  readonly form?: 'Context' | 'kubectl export';
}

/** An empty snapshot: resource.Get finds nothing (null), resource.List returns empty lists, as `kyverno test` without a context. */
export function emptyContext(): ScanContext {
  const kinds = new KindResolver();
  return { snapshot: new ClusterSnapshot(kinds), kinds, namespaces: [], objects: 0 };
}

const FORMS =
  '--context takes a Kyverno CLI Context file (apiVersion: cli.kyverno.io/v1alpha1, kind: Context, spec.resources) or a kubectl export (kubectl get … -o yaml: a List, or Kubernetes objects one per document)';

/**
 * Reads --context: a Kyverno CLI `Context` file (read by the same code as `krate-policy test`'s
 * context, analysis/kyverno-test/context.ts) or a `kubectl get … -o yaml` export (a List or
 * multi-document YAML of objects). CustomResourceDefinitions among the objects name their
 * resources (plural) for resource.Get / resource.List. Anything else is an error naming the file.
 */
export function readContextFile(file: string): ScanContext {
  const at = `--context ${file}`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError([
      `${at}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot read: ${(e as Error).message}`} (${FORMS})`,
    ]);
  }
  let items: SourcedManifest[];
  try {
    items = parseManifests(text, at);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new ConfigError(e.problems.map((p) => `${p} (${FORMS})`));
  }
  const context = emptyContext();
  const problems: string[] = [];
  const cli = items.filter((i) => i.manifest.apiVersion.startsWith('cli.kyverno.io/'));
  if (cli.length === 1 && cli[0].manifest.kind === 'Context' && items.length === 1) {
    const resources = obj(cli[0].manifest.spec)?.resources;
    for (const o of Array.isArray(resources) ? resources : []) if (isCrd(o)) context.kinds.addCRD(o as never);
    loadContext(cli[0].manifest, at, context.snapshot, problems);
    if (problems.length > 0) throw new ConfigError(problems);
    const objects = Array.isArray(resources) ? (resources as Manifest[]) : [];
    return { ...context, namespaces: objects.filter(isNamespace), objects: objects.length, form: 'Context' };
  }
  if (cli.length > 0) {
    const c = cli[0];
    throw new ConfigError([
      `${at}: document ${c.index}: ${c.manifest.apiVersion} ${c.manifest.kind} is ${c.manifest.kind === 'Context' ? 'not alone in the file (a Context file holds one Context)' : 'not a cluster snapshot'} (${FORMS})`,
    ]);
  }
  if (items.length === 0 && !isEmptyList(text)) throw new ConfigError([`${at}: no Kubernetes object in it (${FORMS})`]);
  for (const { manifest } of items) if (isCrd(manifest)) context.kinds.addCRD(manifest as never);
  for (const { manifest, index } of items) {
    if (typeof manifest.metadata?.name !== 'string' || manifest.metadata.name === '')
      problems.push(`${at}: document ${index}: ${manifest.kind} has no metadata.name (resource.Get finds objects by name)`);
    else context.snapshot.addObject(manifest);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const objects = items.map((i) => i.manifest);
  return { ...context, namespaces: objects.filter(isNamespace), objects: objects.length, form: 'kubectl export' };
}

const isCrd = (o: unknown): o is Manifest =>
  isObject(o) &&
  o.kind === 'CustomResourceDefinition' &&
  typeof o.apiVersion === 'string' &&
  o.apiVersion.startsWith('apiextensions.k8s.io/');
const isNamespace = (m: unknown): m is Manifest =>
  isObject(m) && m.apiVersion === 'v1' && m.kind === 'Namespace' && typeof obj(m.metadata)?.name === 'string';

/** An export of zero objects (`kubectl get … -o yaml` when nothing matches: a List with no items) is a valid, empty snapshot. */
function isEmptyList(text: string): boolean {
  return parseAllDocuments(text).some((d) => {
    const v = d.errors.length === 0 ? (d.toJS() as unknown) : undefined;
    return isObject(v) && typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items);
  });
}

export interface KyvernoPolicySetOptions {
  /** The engine (createKyvernoCelEngine: Kyverno's CEL libraries), shared with the templates' PolicySet. */
  readonly engine: CelEngine;
  /** The cluster snapshot context functions read. @default empty */
  readonly context?: ScanContext;
}

interface PolicyInfo {
  /** As results and reports name it: `name`, or `namespace/name` for a namespaced policy. */
  readonly key: string;
  readonly template: string;
  readonly pack: string;
  readonly mode: PolicyMode;
  readonly image: boolean;
}

/**
 * The user's policies compiled by `krate-policy test`'s engine: autogen, matchConstraints,
 * exceptions before matchConditions (false → skip), lazy variables, the first failing validation,
 * failurePolicy, NamespacedValidatingPolicy in its namespace. Each object is evaluated as the API
 * server would send it on CREATE (as `kyverno apply` does), with its integers as CEL ints and its
 * pod template's metadata present (as admission and background scans see it). ImageValidatingPolicies are matched and excepted; their
 * signatures are verified at admission only, so scan reports skip, as for the templates.
 */
export class KyvernoPolicySet {
  /** Each compiled policy alone (evaluate takes a list) with what its results say about it. */
  private readonly policies: ReadonlyArray<{ readonly one: readonly CompiledPolicy[]; readonly info: PolicyInfo }>;
  private readonly kinds: KindResolver;
  private readonly libs = new Map<string, Libraries>();
  private readonly context: ScanContext;
  /** The policy objects, named as results name them (for PolicyReport severity and category). */
  readonly manifests: readonly Manifest[];

  /** Compiles every policy; a policy that does not compile is an error naming file, policy, field and CEL error. */
  constructor(docs: readonly SourcedDoc[], exceptions: readonly SourcedDoc[], options: KyvernoPolicySetOptions) {
    this.context = options.context ?? emptyContext();
    this.kinds = this.context.kinds;
    const { policies, errors } = compilePolicies(docs, exceptions, options.engine);
    if (errors.length > 0) throw new ConfigError(errors.map((e) => `--policy ${e.message}`));
    const manifests: Manifest[] = [];
    // compilePolicies keeps the documents' order, and every one compiled.
    this.policies = docs.map(({ manifest: m }, i) => {
      const ns = namespaceOf(m);
      const key = ns ? `${ns}/${m.metadata.name}` : m.metadata.name;
      const labels = (m.metadata.labels ?? {}) as Record<string, string>;
      const actions = obj(m.spec)?.validationActions ?? [];
      manifests.push({ ...m, metadata: { ...m.metadata, name: key } });
      return {
        one: [policies[i]],
        info: {
          key,
          template: labels['krate.a5c.ai/policy-template'] ?? m.metadata.name,
          pack: labels['krate.a5c.ai/policy-pack'] ?? '',
          mode: Array.isArray(actions) && actions.includes('Deny') ? 'Enforce' : 'Audit',
          image: IMAGE_KINDS.includes(m.kind),
        },
      };
    });
    this.manifests = manifests;
  }

  /** Number of policies compiled. */
  get size(): number {
    return this.policies.length;
  }

  /** Names of the policies, as results name them. */
  get names(): string[] {
    return this.policies.map((p) => p.info.key);
  }

  private lib = (namespace: string): Libraries => {
    let l = this.libs.get(namespace);
    if (!l) this.libs.set(namespace, (l = libraries(this.context.snapshot, namespace)));
    return l;
  };

  /**
   * One result per (policy, matching resource), in the order of the objects. Namespaces
   * (namespaceObject, labels for namespaceSelector) are the Namespace objects among them and in the
   * context (theirs win), or else the bare namespace, every one carrying `kubernetes.io/metadata.name`
   * as the API server sets it; a namespaced object without a namespace is in `default`.
   */
  scan(items: readonly SourcedManifest[]): ScanReport {
    const namespaces = new Map<string, Manifest>();
    const addNamespace = (m: Manifest) =>
      namespaces.set(m.metadata.name, {
        ...m,
        metadata: { ...m.metadata, labels: { ...((m.metadata.labels ?? {}) as object), 'kubernetes.io/metadata.name': m.metadata.name } },
      });
    for (const m of this.context.namespaces) addNamespace(m);
    for (const { manifest } of items) if (isNamespace(manifest)) addNamespace(manifest);
    const results: ScanResult[] = [];
    const summary: ScanSummary = { pass: 0, fail: 0, skip: 0, error: 0 };
    const byKind = new Map<string, typeof this.policies>();
    for (const { manifest: original } of items) {
      const namespaced = this.kinds.namespaced(original.apiVersion, original.kind);
      const manifest =
        namespaced && !original.metadata?.namespace ? { ...original, metadata: { ...original.metadata, namespace: 'default' } } : original;
      const ns = manifest.metadata.namespace as string | undefined;
      // In a cluster an object's namespace exists: one known from neither the inputs nor the
      // context is the namespace the API server creates (only its kubernetes.io/metadata.name label).
      if (namespaced && ns && !namespaces.has(ns)) addNamespace({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      // The policies whose rules can select this kind of object, worked out once per kind and scope.
      const kindKey = `${manifest.apiVersion}\0${manifest.kind}\0${namespaced}`;
      let candidates = byKind.get(kindKey);
      if (!candidates) {
        const kind: RequestKind = {
          group: groupOf(manifest.apiVersion),
          version: versionOf(manifest.apiVersion),
          resource: this.kinds.resource(manifest.apiVersion, manifest.kind),
          namespace: namespaced ? 'namespaced' : '',
          operation: 'CREATE',
        };
        byKind.set(kindKey, (candidates = this.policies.filter((p) => mayMatch(p.one[0], kind))));
      }
      if (candidates.length === 0) continue;
      const served = asServed(manifest);
      const req = buildRequest({ manifest, cel: toCelValue(served) }, 'CREATE', this.kinds, namespaces, {});
      let resource: ScanResult['resource'] | undefined;
      for (const { one, info } of candidates) {
        for (const response of evaluate(one, req, this.lib)) {
          for (const rule of response.rules) {
            resource ??= {
              apiVersion: manifest.apiVersion,
              kind: manifest.kind,
              namespace: namespaced ? (manifest.metadata.namespace as string) : '',
              name: manifest.metadata?.name || objectName(manifest),
            };
            // Signatures are checked against the registry at admission; offline, a matched image policy is a skip.
            const [result, message] =
              info.image && rule.status !== 'skip' ? (['skip', ADMISSION_ONLY_MESSAGE] as const) : [rule.status, rule.message];
            summary[result]++;
            results.push({ policy: info.key, template: info.template, pack: info.pack, mode: info.mode, resource, result, message });
          }
        }
      }
    }
    return { results, summary };
  }
}

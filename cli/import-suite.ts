// The Kyverno CLI suite `krate-policy import` gives an imported template: the policy's own suite,
// converted, when one below the policy's folder tests it (published policies keep theirs in
// `.kyverno-test/`), otherwise a placeholder suite that fails on purpose. Converting keeps the
// suite's resources (only those its results for this policy name) and expected results, renames
// the policy to the rendered one (krate-example-cluster-<template>), and copies the files the suite
// reads (exceptions, values, user info, context, cluster resources) into the template folder.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { findTestFiles, loadSuites, TEST_FILE, type Suite } from '../analysis/kyverno-test/suite';
import { ConfigError } from '../lib/errors';
import { KindResolver } from '../lib/kinds';
import { suitePolicyName, TEMPLATE_FOLDER_FILES } from '../policies/suite';
import type { ImportOrigin, ImportedTemplate } from './policy-import';
import { dig, isObject, ruleKinds } from './policy-import';
import { resolveKind, scaffoldSuite, type ScaffoldKind } from './scaffold';

type Data = { readonly [key: string]: unknown };
/** What is built here (the suite and its documents): mutable. */
type Mutable = Record<string, unknown>;

/** The suite files of the new template folder. */
export interface ImportedSuite {
  /** File name in the template folder → text (kyverno-test.yaml and every file it names). */
  readonly files: ReadonlyMap<string, string>;
  /** The suite converted (as the user would name it), or undefined when a placeholder was scaffolded. */
  readonly from?: string;
  readonly notes: readonly string[];
}

const RESERVED = new Set<string>([TEMPLATE_FOLDER_FILES.template, TEMPLATE_FOLDER_FILES.test, TEMPLATE_FOLDER_FILES.policy]);

/** Names files in the folder: the source's own name where free, else a numbered one. */
class FolderNames {
  private readonly used = new Set<string>(RESERVED);
  name(wanted: string, fallback = 'resources.yaml'): string {
    const base = /\.(ya?ml|json)$/.test(wanted) ? wanted : fallback;
    // context.yaml is the cluster snapshot's name (a Context file, never a case).
    const clash = (n: string) => this.used.has(n) || (n === TEMPLATE_FOLDER_FILES.context && wanted !== TEMPLATE_FOLDER_FILES.context);
    let n = base;
    for (let i = 2; clash(n); i++) n = base.replace(/(\.[a-z]+)$/, `-${i}$1`);
    this.used.add(n);
    return n;
  }
  claim(name: string): void {
    this.used.add(name);
  }
}

const shown = (p: string): string => {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
};

/** The YAML files of a path a suite names: the file, or a folder's .yaml/.yml/.json files (hidden ones skipped). */
function expand(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    return [];
  }
  if (!st.isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .filter((n) => !n.startsWith('.'))
    .flatMap((n) => {
      const child = join(path, n);
      let dir = false;
      try {
        dir = statSync(child).isDirectory();
      } catch {
        return []; // a dangling link: the suite's own loader reported it already
      }
      return dir ? expand(child) : /\.(ya?ml|json)$/.test(n) ? [child] : [];
    });
}

interface Found {
  readonly file: string;
  readonly raw: Data;
  readonly suite: Suite;
}

/** The first suite below the policy's folder that tests this policy of this file (sorted by path), and the others found. */
function findSuite(policyFile: string, origin: ImportOrigin, notes: string[]): Found | undefined {
  let files: string[];
  try {
    files = findTestFiles([dirname(policyFile)]);
  } catch {
    return undefined;
  }
  const target = resolve(policyFile);
  const found: Found[] = [];
  for (const file of files) {
    let suites: Suite[];
    try {
      suites = loadSuites(file);
    } catch (e) {
      if (e instanceof ConfigError) {
        notes.push(`${shown(file)}: not read (${e.problems[0]})`);
        continue;
      }
      throw e;
    }
    const raws = parseAllDocuments(readFileSync(file, 'utf8'))
      .map((d) => d.toJS())
      .filter((v) => v !== null && v !== undefined);
    suites.forEach((suite, i) => {
      const docs = [...suite.policies.map((p) => ({ file: p.file, name: p.manifest.metadata?.name })), ...suite.unsupported];
      if (docs.some((d) => resolve(d.file) === target && d.name === origin.name) && isObject(raws[i]))
        found.push({ file, raw: raws[i], suite });
    });
  }
  if (found.length > 1)
    notes.push(
      `suites: ${found.map((f) => shown(f.file)).join(', ')} test ${origin.name}; ${shown(found[0].file)} was converted (a template has one suite)`,
    );
  return found[0];
}

const RESULT_ORDER = ['fail', 'error', 'warn', 'pass', 'skip'];

/** Whether an expected result names this object (as the runner looks resources up: kind, then name or namespace/name). */
function named(result: Data, m: Data, kinds: KindResolver): boolean {
  if (typeof result.kind === 'string' && result.kind !== '' && result.kind !== m.kind) return false;
  const resources = Array.isArray(result.resources) ? result.resources.filter((r): r is string => typeof r === 'string') : [];
  const specs: Data[] = Array.isArray(result.resourceSpecs) ? result.resourceSpecs.filter(isObject) : [];
  if (resources.length === 0 && specs.length === 0) return true;
  const name = dig(m, 'metadata', 'name');
  const own = dig(m, 'metadata', 'namespace');
  const ns = own ?? (kinds.namespaced(String(m.apiVersion), String(m.kind)) ? 'default' : '');
  return (
    resources.some((r) => (r.includes('/') ? r === `${String(ns)}/${String(name)}` : r === name)) ||
    specs.some((s) => s.name === name && (s.namespace ?? '') === (own ?? ''))
  );
}

/**
 * The expected results for this policy, renamed to the rendered policy. A legacy ClusterPolicy's
 * results name rules; the template is one policy, so a resource's results merge into one (fail
 * wins, then error, warn, pass, skip).
 */
function convertResults(raw: Data, origin: ImportOrigin, policyName: string, notes: string[]): Mutable[] {
  const ours = (Array.isArray(raw.results) ? raw.results : []).filter(
    (r: unknown) => isObject(r) && typeof r.policy === 'string' && r.policy.slice(r.policy.lastIndexOf('/') + 1) === origin.name,
  ) as Data[];
  const out: Mutable[] = [];
  const byResource = new Map<string, Mutable>();
  for (const r of ours) {
    const { rule, policy: _policy, ...rest }: Mutable = r;
    const flags = Object.keys(rest).filter((k) => k.startsWith('is'));
    for (const f of flags) delete rest[f];
    const converted = { policy: policyName, isValidatingPolicy: true, ...rest };
    if (rule === undefined) {
      out.push(converted);
      continue;
    }
    // One entry per resource, so results of several rules merge.
    for (const resource of Array.isArray(r.resources) && r.resources.length > 0 ? r.resources : ['']) {
      const key = `${r.kind ?? ''}\0${resource}`;
      const seen = byResource.get(key);
      const entry: Mutable = { ...converted, ...(resource ? { resources: [resource] } : {}) };
      if (!seen) {
        byResource.set(key, entry);
        out.push(entry);
      } else if (RESULT_ORDER.indexOf(String(entry.result)) < RESULT_ORDER.indexOf(String(seen.result))) seen.result = entry.result;
    }
  }
  if (byResource.size > 0)
    notes.push(`results: the ClusterPolicy's per-rule results merged into one per resource (a template is one policy)`);
  return out;
}

/** Copies a YAML file, optionally transforming each document; undefined when nothing is left. */
function copyDocs(file: string, keep: (v: Data) => Data | undefined): string | undefined {
  const kept: string[] = [];
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const v = doc.toJS();
    if (!isObject(v)) continue;
    const out = keep(v);
    if (out === undefined) continue;
    kept.push((out === v ? doc.toString().replace(/^---[^\n]*\n/, '') : stringify(out)).replace(/\n+$/, ''));
  }
  return kept.length > 0 ? `${kept.join('\n---\n')}\n` : undefined;
}

function convert(found: Found, policyFile: string, origin: ImportOrigin, template: ImportedTemplate, notes: string[]): Map<string, string> {
  const { raw, suite, file } = found;
  const dir = dirname(file);
  const rel = (p: string) => (isAbsolute(p) ? p : join(dir, p));
  const policyName = suitePolicyName(template);
  const names = new FolderNames();
  const files = new Map<string, string>();
  const header = (what: string, from: string) => `# ${what} ${shown(from)}, converted by \`krate-policy import\`.\n`;
  const results = convertResults(raw, origin, policyName, notes);
  const test: Mutable = {
    apiVersion: 'cli.kyverno.io/v1alpha1',
    kind: 'Test',
    metadata: { name: template.name },
    policies: [TEMPLATE_FOLDER_FILES.policy],
  };

  // Resources: only the objects the kept results name.
  const resources: string[] = [];
  for (const p of Array.isArray(raw.resources) ? raw.resources : [])
    for (const f of expand(rel(String(p)))) {
      const text = copyDocs(f, (v) => {
        const objects: unknown[] = typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items) ? v.items : [v];
        return objects.some((o: unknown) => isObject(o) && results.some((r) => named(r, o, suite.kinds))) ? v : undefined;
      });
      if (text === undefined) continue;
      const name = names.name(basename(f));
      files.set(name, header('Resources from', f) + text);
      resources.push(name);
    }
  test.resources = resources;

  // Exceptions that name this policy, naming the rendered one.
  const exceptions: string[] = [];
  for (const p of Array.isArray(raw.exceptions) ? raw.exceptions : [])
    for (const f of expand(rel(String(p)))) {
      const text = copyDocs(f, (v) => {
        const given = dig(v, 'spec', 'policyRefs');
        const refs: Data[] = Array.isArray(given) ? given.filter(isObject) : [];
        if (!refs.some((r: Data) => r?.name === origin.name)) return undefined;
        return {
          ...v,
          spec: {
            ...(dig(v, 'spec') as Data),
            policyRefs: refs
              .filter((r: Data) => r?.name === origin.name)
              .map((r: Data) => ({ ...r, name: policyName, kind: 'ValidatingPolicy' })),
          },
        };
      });
      if (text === undefined) continue;
      const name = names.name(basename(f));
      files.set(name, header('Exceptions from', f) + text);
      exceptions.push(name);
    }
  if (exceptions.length > 0) test.exceptions = exceptions;

  // Values (a file or inline): per-policy values follow the rename.
  const renameValues = (v: Data): Data =>
    Array.isArray(v.policies)
      ? { ...v, policies: v.policies.map((p: Data) => (p?.name === origin.name ? { ...p, name: policyName } : p)) }
      : v;
  if (isObject(raw.values)) test.values = renameValues(raw.values);
  else if (typeof raw.variables === 'string' && raw.variables !== '') {
    const f = rel(raw.variables);
    const name = names.name(basename(f), 'values.yaml');
    files.set(name, header('Values from', f) + (copyDocs(f, renameValues) ?? ''));
    test.variables = name;
  }
  for (const field of ['userinfo', 'context'] as const) {
    if (typeof raw[field] !== 'string' || raw[field] === '') continue;
    const f = rel(raw[field]);
    const name = field === 'context' ? TEMPLATE_FOLDER_FILES.context : names.name(basename(f), 'user-info.yaml');
    if (field === 'context') names.claim(name);
    files.set(name, header(field === 'context' ? 'The cluster (Context) from' : 'User info from', f) + readFileSync(f, 'utf8'));
    test[field] = name;
  }
  // Cluster resources, with the CRD files they name (relative to the test file).
  const clusterResources: string[] = [];
  for (const p of Array.isArray(raw.clusterResources) ? raw.clusterResources : [])
    for (const f of expand(rel(String(p)))) {
      const text = copyDocs(f, (v) => {
        const listed = dig(v, 'spec', 'crds');
        const crds: unknown[] = Array.isArray(listed) ? listed : [];
        const copied = crds.flatMap((crd) =>
          expand(rel(String(crd))).map((cf) => {
            const n = names.name(basename(cf), 'crds.yaml');
            files.set(n, header('CRDs from', cf) + readFileSync(cf, 'utf8'));
            return n;
          }),
        );
        return crds.length > 0 ? { ...v, spec: { ...(dig(v, 'spec') as Data), crds: copied } } : v;
      });
      if (text === undefined) continue;
      const name = names.name(basename(f), 'cluster-resources.yaml');
      files.set(name, header('Cluster resources from', f) + text);
      clusterResources.push(name);
    }
  if (clusterResources.length > 0) test.clusterResources = clusterResources;
  for (const field of ['globalContextEntries', 'apiCallResponses'] as const) if (raw[field] !== undefined) test[field] = raw[field];
  for (const field of ['targetResources', 'paramResources', 'jsonPayload', 'jsonPayloads', 'httpPayloads', 'envoyPayloads'])
    if (raw[field] !== undefined) notes.push(`${shown(file)}: ${field}: not carried over (krate-policy test does not read it)`);
  test.results = results;
  files.set(
    TEMPLATE_FOLDER_FILES.test,
    [
      `# The Kyverno CLI test suite of the template ${template.name} (template.ts), converted by \`krate-policy import\``,
      `# from ${shown(file)}, which tested ${origin.kind} ${origin.name} (${shown(policyFile)}).`,
      '# policy.yaml is the template rendered with its default parameters in Audit (`npx krate-policy generate` writes it).',
      `# Run: npx krate-policy test <this folder> (offline), or kyverno test <this folder>.`,
      stringify(test, { lineWidth: 0 }),
    ].join('\n'),
  );
  return files;
}

/** The kind a placeholder suite's cases are made of: the first kind the template matches. */
function scaffoldKind(template: ImportedTemplate): ScaffoldKind {
  const rule = template.resourceRules.find((r) => !r.apiGroups.includes('*') && !r.apiVersions.includes('*') && !r.resources.includes('*'));
  if (!rule) return resolveKind('ConfigMap', 'v1');
  const group = rule.apiGroups[0];
  const apiVersion = group ? `${group}/${rule.apiVersions[0]}` : rule.apiVersions[0];
  const kind = ruleKinds([{ ...rule, apiGroups: [group], resources: [rule.resources[0]] }])[0];
  return { ...resolveKind(kind, apiVersion), resource: rule.resources[0].split('/')[0] };
}

/** The suite of the imported template: the policy's own, converted, or a placeholder that fails on purpose. */
export function importSuite(policyFile: string, origin: ImportOrigin, template: ImportedTemplate): ImportedSuite {
  const notes: string[] = [];
  const found = findSuite(policyFile, origin, notes);
  if (found) return { files: convert(found, policyFile, origin, template, notes), from: shown(found.file), notes };
  const files = scaffoldSuite(
    { name: template.name, pack: template.pack, kind: scaffoldKind(template) },
    `Scaffolded by \`krate-policy import\`: no ${TEST_FILE} below ${shown(dirname(policyFile))} tests ${origin.name}, so these cases are placeholders and the suite fails until you write real ones (on purpose).`,
  );
  return { files, notes };
}

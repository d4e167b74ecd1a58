import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { ConfigError } from './errors';

/** A Kubernetes object as plain data. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [k: string]: unknown };
  readonly [k: string]: unknown;
}

/** A manifest and where it came from, for error messages. */
export interface SourcedManifest {
  readonly manifest: Manifest;
  /** File path (relative where possible) or '-' for stdin. */
  readonly file: string;
  /** 0-based document index within the file. */
  readonly index: number;
}

/** kind/namespace/name, the way reviewers name an object. */
export function resourceId(m: Pick<Manifest, 'kind' | 'metadata'>): string {
  return m.metadata?.namespace ? `${m.kind}/${m.metadata.namespace}/${m.metadata.name}` : `${m.kind}/${m.metadata?.name}`;
}

const TOP_LEVEL_ORDER = ['apiVersion', 'kind', 'metadata'];

/** Keys in a fixed order at every level, so output never depends on construction order. */
export function canonicalize(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return value.map((v) => canonicalize(v, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
  keys.sort((a, b) => {
    if (depth === 0) {
      const ia = TOP_LEVEL_ORDER.indexOf(a);
      const ib = TOP_LEVEL_ORDER.indexOf(b);
      if (ia !== ib) return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
    }
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = canonicalize((value as Record<string, unknown>)[k], depth + 1);
  return out;
}

/**
 * One manifest as the YAML committed to dist/: canonical key order, no line folding, and strings
 * quoted wherever YAML 1.1 would read them as something else (`2026-12-22`, `yes`, `0755`):
 * Kubernetes and Argo CD parse YAML 1.1-style, and an unquoted date annotation is not a string there.
 */
export function toYaml(manifest: unknown): string {
  return stringify(canonicalize(manifest), { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' });
}

/** File name for a manifest within its app folder: `<kind>-<name>.yaml`, lowercase. */
export function manifestFileName(m: Manifest): string {
  return `${m.kind.toLowerCase()}-${m.metadata.name}.yaml`;
}

/** Parses multi-document YAML text; a YAML error names the file and document index. */
export function parseManifests(text: string, file: string): SourcedManifest[] {
  const out: SourcedManifest[] = [];
  parseAllDocuments(text).forEach((doc, index) => {
    if (doc.errors.length > 0) {
      throw new ConfigError([`${file}: document ${index}: YAML error: ${doc.errors[0].message.split('\n')[0]}`]);
    }
    const value = doc.toJS();
    if (value === null || value === undefined) return;
    if (typeof value !== 'object' || Array.isArray(value) || typeof value.kind !== 'string' || typeof value.apiVersion !== 'string') {
      throw new ConfigError([`${file}: document ${index}: not a Kubernetes object (needs apiVersion and kind)`]);
    }
    if (value.kind.endsWith('List') && Array.isArray(value.items)) {
      value.items.forEach((item: Manifest) => out.push({ manifest: item, file, index }));
    } else {
      out.push({ manifest: value as Manifest, file, index });
    }
  });
  return out;
}

/** Every .yaml/.yml file under the given files or folders, sorted for stable output. */
export function listYamlFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  const visit = (p: string): void => {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new ConfigError([`${p}: no such file or folder`]);
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        if (name.startsWith('.') || name === 'node_modules') continue;
        visit(join(p, name));
      }
    } else if (/\.ya?ml$/.test(p) || paths.includes(p)) {
      files.push(p);
    }
  };
  paths.forEach(visit);
  return files;
}

/** Reads every manifest under the given files or folders. */
export function readManifests(paths: readonly string[], base = process.cwd()): SourcedManifest[] {
  return listYamlFiles(paths).flatMap((file) => {
    const shown = relative(base, file) || file;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError([`${shown}: cannot read: ${(e as Error).message}`]);
    }
    return parseManifests(text, shown);
  });
}

/** A Kubernetes LabelSelector, as policies' matchConstraints.namespaceSelector takes it. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: ReadonlyArray<{ readonly key: string; readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; readonly values?: readonly string[] }>;
}

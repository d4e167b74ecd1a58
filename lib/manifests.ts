import { readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isCollection, isPair, isScalar, isSeq, parseAllDocuments, stringify, visit, type Document } from 'yaml';
import { ConfigError } from './errors';
import { fastDump, fastLoadAll, WRITE_OPTIONS } from './yaml-fast';

/** A Kubernetes object as plain data. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  /**
   * `name` is always set on the objects this repository renders; an object read from input may have
   * only `generateName` (the API server picks the name): name it with `objectName()`.
   */
  readonly metadata: { readonly name: string; readonly generateName?: string; readonly namespace?: string; readonly [k: string]: unknown };
  readonly [k: string]: unknown;
}

/** A manifest and where it came from, for error messages. */
export interface SourcedManifest {
  readonly manifest: Manifest;
  /** File path (relative where possible) or '-' for stdin. */
  readonly file: string;
  /** 0-based document index within the file. */
  readonly index: number;
  /**
   * 1-based line where the document's content starts (a List's items: the List's line), as
   * parseManifests reads it; for annotations and SARIF. @default undefined (not read from text)
   */
  readonly line?: number;
}

/** An object's name: `metadata.name`, or its `generateName` prefix when the server is to pick the name. */
export function objectName(m: Pick<Manifest, 'metadata'>): string {
  return m.metadata?.name || m.metadata?.generateName || '';
}

/** kind/namespace/name, the way reviewers name an object. */
export function resourceId(m: Pick<Manifest, 'kind' | 'metadata'>): string {
  return m.metadata?.namespace ? `${m.kind}/${m.metadata.namespace}/${objectName(m)}` : `${m.kind}/${objectName(m)}`;
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
  const value = canonicalize(manifest);
  // The fast writer gives `yaml`'s exact text for plain data; what it declines, `yaml` writes.
  return fastDump(value) ?? stringify(value, WRITE_OPTIONS);
}

/** File name for a manifest within its app folder: `<kind>-<name>.yaml`, lowercase. */
export function manifestFileName(m: Manifest): string {
  return `${m.kind.toLowerCase()}-${m.metadata.name}.yaml`;
}

const HELM_HINT = 'an unrendered Helm template? render it with helm template first';

/** How an error message names a value's YAML type. */
function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'a map';
  return `a ${typeof v}`;
}

/** The problem with a field that must be a string, or undefined when it is one. */
function notAString(field: string, v: unknown): string | undefined {
  if (typeof v === 'string') return undefined;
  const fix =
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? HELM_HINT
      : typeof v === 'number' || typeof v === 'boolean'
        ? `quote it: ${field.split('.').pop()}: "${String(v)}"`
        : undefined;
  return `${field} is ${typeName(v)}, not a string${fix ? ` (${fix})` : ''}`;
}

/** The identity fields every object needs as strings; a template placeholder in one gets the exact message. */
const IDENTITY_FIELDS = ['apiVersion', 'kind', 'metadata.name', 'metadata.generateName', 'metadata.namespace'];

/**
 * Where a document holds a map (or list) used as a map key. JSON and Kubernetes have only string
 * keys, so this is YAML reading an unquoted `{{ .Values.x }}`: a Helm template that was not rendered.
 */
function templatePlaceholders(doc: Document, text: string): Array<{ readonly field: string; readonly source: string }> {
  const found: Array<{ field: string; source: string }> = [];
  visit(doc, {
    Pair(_key, pair, path) {
      if (!isCollection(pair.key)) return undefined;
      const segments: string[] = [];
      for (let i = 0; i < path.length; i++) {
        const node = path[i];
        if (isSeq(node) && i + 1 < path.length) segments.push(`[${node.items.indexOf(path[i + 1] as never)}]`);
        else if (isPair(node) && isScalar(node.key)) segments.push(`${segments.length > 0 ? '.' : ''}${String(node.key.value)}`);
      }
      const holder = path[path.length - 1] as { range?: [number, number, number] };
      const source = holder.range ? text.slice(holder.range[0], holder.range[1]).trim() : '';
      found.push({ field: segments.join(''), source });
      return visit.SKIP;
    },
  });
  return found;
}

/**
 * Checks one document's value and appends the objects it holds: the object itself, or the items of
 * a List (any kind ending in `List` with `items`, nested Lists too), as kubectl reads them. Items of
 * a typed list (`PodList`) without apiVersion and kind get the list's apiVersion and item kind.
 */
function collectObjects(
  value: unknown,
  where: string,
  push: (m: Manifest) => void,
  problems: string[],
  list?: { readonly apiVersion: string; readonly kind: string },
): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${where}: not a Kubernetes object (needs apiVersion and kind)`);
    return;
  }
  let obj = value as Record<string, unknown>;
  if (list && list.kind !== 'List' && obj.apiVersion === undefined && obj.kind === undefined) {
    obj = { apiVersion: list.apiVersion, kind: list.kind.slice(0, -'List'.length), ...obj };
  }
  for (const field of ['apiVersion', 'kind'] as const) {
    if (obj[field] === undefined || obj[field] === null || obj[field] === '') {
      problems.push(`${where}: not a Kubernetes object (needs apiVersion and kind)`);
      return;
    }
    const problem = notAString(field, obj[field]);
    if (problem) {
      problems.push(`${where}: ${problem}`);
      return;
    }
  }
  const kind = obj.kind as string;
  if (kind.endsWith('List') && 'items' in obj) {
    const items = obj.items ?? [];
    if (!Array.isArray(items)) {
      problems.push(`${where}: items is ${typeName(items)}, not a list (a ${kind} holds its objects in items)`);
      return;
    }
    items.forEach((item, i) =>
      collectObjects(item, `${where}: items[${i}]`, push, problems, { apiVersion: obj.apiVersion as string, kind }),
    );
    return;
  }
  const metadata = obj.metadata;
  if (metadata !== undefined && metadata !== null && (typeof metadata !== 'object' || Array.isArray(metadata))) {
    problems.push(`${where}: metadata is ${typeName(metadata)}, not a map`);
    return;
  }
  const meta = (metadata ?? {}) as Record<string, unknown>;
  for (const field of ['name', 'generateName', 'namespace']) {
    const problem = meta[field] === undefined || meta[field] === null ? undefined : notAString(`metadata.${field}`, meta[field]);
    if (problem) {
      problems.push(`${where}: ${problem}`);
      return;
    }
  }
  push(obj as Manifest);
}

/**
 * Parses multi-document YAML (or JSON) text. Every problem names the file and document index
 * (counted from 0): YAML errors, documents that are not Kubernetes objects, identity fields
 * (apiVersion, kind, metadata.name/generateName/namespace) that are not strings, and unrendered
 * Helm placeholders. A missing name is left to the checks (validate reports it as a finding). All problems of the text are reported together.
 */
export function parseManifests(text: string, file: string): SourcedManifest[] {
  // The fast path (lib/yaml-fast.ts) reads what it can exactly as below; anything else, and every
  // problem, is read again here so values and messages are always `yaml`'s.
  const fast = fastLoadAll(text);
  const lines = documentLines(text);
  // The line scan and the parsers count documents alike; should they ever differ, `yaml` decides.
  if (fast && fast.length === lines.length) {
    const read: SourcedManifest[] = [];
    const issues: string[] = [];
    fast.forEach((value, index) => {
      const line = lines[index];
      if (value !== null && value !== undefined)
        collectObjects(value, `${file}: document ${index}`, (manifest) => read.push({ manifest, file, index, line }), issues);
    });
    if (issues.length === 0) return read;
  }
  const out: SourcedManifest[] = [];
  const problems: string[] = [];
  const docs = parseAllDocuments(text);
  const lineOf = docs.length === lines.length ? (index: number) => lines[index] : lineCounter(text, docs);
  docs.forEach((doc, index) => {
    const where = `${file}: document ${index}`;
    if (doc.errors.length > 0) {
      const source = doc.range ? text.slice(doc.range[0], doc.range[2]) : text;
      problems.push(`${where}: YAML error: ${doc.errors[0].message.split('\n')[0]}${source.includes('{{') ? ` (${HELM_HINT})` : ''}`);
      return;
    }
    const placeholders = templatePlaceholders(doc, text);
    if (placeholders.length > 0) {
      const identity = placeholders.find((p) => IDENTITY_FIELDS.includes(p.field));
      const more = placeholders.length > 1 ? `; ${placeholders.length} placeholders in this document` : '';
      problems.push(
        identity
          ? `${where}: ${identity.field} is a map, not a string (${HELM_HINT}${more})`
          : `${where}: ${placeholders[0].field || '(document)'}: '${placeholders[0].source}' reads as a map, not a value (${HELM_HINT}${more})`,
      );
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS();
    } catch (e) {
      // yaml resolves aliases only here: `*x` naming an anchor of another document, or none.
      problems.push(`${where}: YAML error: ${(e as Error).message} (anchors apply within their own document)`);
      return;
    }
    if (value === null || value === undefined) return;
    const line = lineOf(index);
    collectObjects(value, where, (manifest) => out.push({ manifest, file, index, line }), problems);
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return out;
}

/**
 * The 1-based line where each document's content starts, in the order and count both parsers give
 * documents: one pass over the lines, looking only at `---` / `...` markers at column 0 (never
 * content, even in a block scalar) and whether a line holds anything but a comment.
 */
export function documentLines(text: string): number[] {
  const out: number[] = [];
  let open = false;
  let content = 0;
  let marker = 0;
  const close = () => {
    if (open || content > 0) out.push(content || marker + 1);
    open = false;
    content = 0;
  };
  // A byte order mark (Windows editors write one) is not part of the first line's `---`.
  for (let start = text.charCodeAt(0) === 0xfeff ? 1 : 0, line = 1; start <= text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const c = text.charCodeAt(start);
    if (c === 45 /* - */ && text.startsWith('---', start) && (end === start + 3 || /\s/.test(text[start + 3]))) {
      close();
      open = true;
      marker = line;
      const rest = text.slice(start + 3, end).trim();
      if (rest !== '' && rest[0] !== '#') content = line;
    } else if (c === 46 /* . */ && text.startsWith('...', start) && (end === start + 3 || /\s/.test(text[start + 3]))) {
      close();
    } else if (content === 0) {
      const rest = text.slice(start, end).trim();
      if (rest !== '' && rest[0] !== '#') content = line;
    }
    start = end + 1;
  }
  close();
  return out;
}

/** Lines from `yaml`'s own document ranges, for text the line scan counts differently. */
function lineCounter(
  text: string,
  docs: ReadonlyArray<{ readonly contents: { readonly range?: readonly number[] } | null; readonly range: readonly number[] }>,
) {
  return (index: number): number => {
    const offset = docs[index].contents?.range?.[0] ?? docs[index].range[0];
    let line = 1;
    for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
    return line;
  };
}

/** Extensions of the manifest files read from folders (JSON is YAML; a file named directly is read whatever its name). */
const MANIFEST_FILE = /\.(ya?ml|json)$/;

export interface ReadOptions {
  /** Where file names in messages are relative to. @default process.cwd() */
  readonly base?: string;
  /** Reads standard input; when given, the path `-` means stdin (read once). @default `-` is a file name */
  readonly stdin?: () => string;
  /** Called after each file is read, with how many manifests it held (scan's progress line). @default none */
  readonly onFile?: (file: string, manifests: number) => void;
}

interface ReadResult {
  readonly items: SourcedManifest[];
  /** How many manifests each given path holds (a file reached twice counts for both paths). */
  readonly perPath: ReadonlyMap<string, number>;
}

/**
 * Reads every path: a file (any name), or a folder's `.yaml`, `.yml` and `.json` files at any depth
 * (names starting with `.` and `node_modules` are skipped). Symbolic links are followed; each real
 * file and folder is read once, so a link back to a parent folder ends there instead of looping.
 */
function readSources(paths: readonly string[], options: ReadOptions): ReadResult {
  const base = options.base ?? process.cwd();
  const shownName = (file: string): string => relative(base, file) || file;
  const problems: string[] = [];
  const items: SourcedManifest[] = [];
  /** Manifests per real file already read. */
  const counts = new Map<string, number>();
  /** Manifests per real folder read (undefined while it is being read: a link back to it reads nothing). */
  const seenDirs = new Map<string, number | undefined>();
  const perPath = new Map<string, number>();
  let stdinText: string | undefined;

  const readFile = (file: string, shown: string): number => {
    let real: string;
    try {
      real = realpathSync(file);
    } catch {
      real = file;
    }
    const known = counts.get(real);
    if (known !== undefined) return known;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      problems.push(`${shown}: cannot read: ${(e as Error).message}`);
      counts.set(real, 0);
      return 0;
    }
    let parsed: SourcedManifest[] = [];
    try {
      parsed = parseManifests(text, shown);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
    }
    items.push(...parsed);
    counts.set(real, parsed.length);
    options.onFile?.(shown, parsed.length);
    return parsed.length;
  };

  const visitDir = (dir: string): number => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      real = dir;
    }
    if (seenDirs.has(real)) return seenDirs.get(real) ?? 0;
    seenDirs.set(real, undefined);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (e) {
      problems.push(`${shownName(dir)}: cannot read folder: ${(e as Error).message}`);
      return 0;
    }
    let n = 0;
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const st = statSync(full);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          if (MANIFEST_FILE.test(entry.name))
            problems.push(`${shownName(full)}: broken symbolic link (to ${readlinkSync(full)}); remove it or fix its target`);
          continue;
        }
      }
      if (isDir) n += visitDir(full);
      else if (isFile && MANIFEST_FILE.test(entry.name)) n += readFile(full, shownName(full));
    }
    seenDirs.set(real, n);
    return n;
  };

  for (const p of paths) {
    if (p === '-' && options.stdin) {
      if (stdinText === undefined) {
        stdinText = options.stdin();
        let parsed: SourcedManifest[] = [];
        try {
          parsed = parseManifests(stdinText, '-');
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          problems.push(...e.problems);
        }
        items.push(...parsed);
        perPath.set('-', parsed.length);
      }
      continue;
    }
    let st;
    try {
      st = statSync(p);
    } catch {
      problems.push(`${p}: no such file or folder`);
      continue;
    }
    perPath.set(p, (perPath.get(p) ?? 0) + (st.isDirectory() ? visitDir(p) : readFile(p, shownName(p))));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { items, perPath };
}

/**
 * Reads every manifest under the given files or folders (see readSources for what is read).
 * Problems in any file are reported together as one ConfigError.
 */
export function readManifests(paths: readonly string[], options: ReadOptions = {}): SourcedManifest[] {
  return readSources(paths, options).items;
}

/**
 * What a command that checks manifests reads: like readManifests, and every path must hold at least
 * one Kubernetes object, so a check that read nothing says so and fails instead of passing.
 */
export function readInputManifests(paths: readonly string[], options: ReadOptions = {}): SourcedManifest[] {
  if (paths.length === 0) throw new ConfigError(['no input: name files or folders']);
  const { items, perPath } = readSources(paths, options);
  const empty = paths.filter((p, i) => paths.indexOf(p) === i && (perPath.get(p) ?? 0) === 0);
  if (empty.length > 0) {
    throw new ConfigError([
      `no manifests found in ${empty.join(', ')}: nothing to check (a folder's .yaml, .yml and .json files are read; comments, '---' and empty documents hold no object)`,
    ]);
  }
  return items;
}

/** A Kubernetes LabelSelector, as policies' matchConstraints.namespaceSelector takes it. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: ReadonlyArray<{
    readonly key: string;
    readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    readonly values?: readonly string[];
  }>;
}

// `scan --helm` and `scan --kustomize`: inputs rendered by the project's own helm and kubectl, each
// object reported against the file it came from: a chart's template (Helm's `# Source:` comment),
// or a kustomization's resource file (kustomize's origin annotation) and else its kustomization.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ConfigError } from '../lib/errors';
import { helm, kubectl } from '../lib/helm';
import { documentLines, parseManifests, type SourcedManifest } from '../lib/manifests';

/** A path as messages and reports name it: relative to the working directory, forward slashes. */
const shown = (path: string, base: string): string => (relative(base, path) || '.').replace(/\\/g, '/');

/** The tool's own error lines (helm and kubectl print `Error: …`), without usage noise. */
const toolError = (stderr: string): string =>
  stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^(Usage|Flags|Use ")/.test(l))
    .join('; ') || 'no error text';

/**
 * A line that holds only template control (`{{- if … }}`, `{{ end }}`, `{{ $x := … }}`, a comment)
 * renders nothing, so it is no document's first line: a template opening with `{{- if … -}}` starts
 * its object on the next line.
 */
const ACTIONS = /^(\s*\{\{.*?\}\})+\s*$/;
const CONTROL = /^\{\{-?\s*(?:(?:if|else|end|range|with|define)\b|\/\*|\$\w*\s*:?=)/;
const isActionOnly = (line: string): boolean => ACTIONS.test(line) && (line.match(/\{\{.*?\}\}/g) ?? []).every((a) => CONTROL.test(a));

/** The template with its control-only lines blanked into comments (line count kept) for documentLines. */
const withoutActionLines = (text: string): string =>
  text
    .split('\n')
    .map((l) => (isActionOnly(l) ? '#' : l))
    .join('\n');

export interface HelmInput {
  readonly chart: string;
  /** `-f` files, in order (later wins, as in helm). */
  readonly values: readonly string[];
  /** `--set key=value`, in order. */
  readonly set: readonly string[];
}

/**
 * Renders a local chart with `helm template` and reads the objects. Each is located at its template
 * (`# Source: <chart>/templates/x.yaml` → `<chart path>/templates/x.yaml`) and, when the template
 * file holds as many documents as it rendered, at the line where its document starts there;
 * otherwise at line 1 of the template.
 */
export function renderChart(input: HelmInput, base = process.cwd()): SourcedManifest[] {
  const chart = resolve(base, input.chart);
  const name = shown(chart, base);
  if (!existsSync(chart)) throw new ConfigError([`--helm ${input.chart}: no such chart (a folder with Chart.yaml, or a .tgz)`]);
  if (statSync(chart).isDirectory() && !existsSync(join(chart, 'Chart.yaml')))
    throw new ConfigError([`--helm ${input.chart}: not a chart: ${name}/Chart.yaml is missing`]);
  const notFiles = input.values.filter((v) => !existsSync(resolve(base, v)) || statSync(resolve(base, v)).isDirectory());
  if (notFiles.length > 0)
    throw new ConfigError(
      notFiles.map((v) => (existsSync(resolve(base, v)) ? `-f ${v}: is a folder; name a values file` : `-f ${v}: no such values file`)),
    );
  const bad = input.set.filter((s) => !/^[^=]+=/.test(s));
  if (bad.length > 0) throw new ConfigError(bad.map((s) => `--set ${s}: expected key=value (e.g. --set image.tag=1.2.3)`));
  const args = ['template', chart, ...input.values.flatMap((v) => ['-f', resolve(base, v)]), ...input.set.flatMap((s) => ['--set', s])];
  const r = helm(args);
  if (r.status !== 0) throw new ConfigError([`--helm ${input.chart}: helm template failed: ${toolError(r.stderr)}`]);
  const label = `helm template ${name}`;
  const items = parseManifests(r.stdout, label);
  const docs = parseAllDocuments(r.stdout);
  // Helm writes `# Source: <chart>/templates/x.yaml` between a document's `---` and its content.
  const sources = docs.map((d) => /^# Source: (.+)$/m.exec(r.stdout.slice(d.range[0], d.contents?.range?.[0] ?? d.range[1]))?.[1].trim());
  // The n-th document rendered from a template is its n-th document when the counts agree.
  const ordinal: number[] = [];
  const perSource = new Map<string, number>();
  for (const s of sources) {
    const n = s === undefined ? 0 : (perSource.get(s) ?? 0);
    ordinal.push(n);
    if (s !== undefined) perSource.set(s, n + 1);
  }
  const templateLines = new Map<string, number[] | undefined>();
  const packed = !statSync(chart).isDirectory();
  const locate = (source: string): { file: string; lines: number[] | undefined } => {
    // A packaged chart's templates are inside the archive: report the archive.
    if (packed) return { file: name, lines: undefined };
    // Helm names the chart by Chart.yaml's name, not its folder: the rest of the path is inside the chart.
    const inside = source.slice(source.indexOf('/') + 1);
    const file = join(chart, inside);
    if (!templateLines.has(file))
      templateLines.set(file, existsSync(file) ? documentLines(withoutActionLines(readFileSync(file, 'utf8'))) : undefined);
    return { file: shown(file, base), lines: templateLines.get(file) };
  };
  return items.map((item) => {
    const source = sources[item.index];
    if (source === undefined) return { ...item, file: name, line: 1 };
    const { file, lines } = locate(source);
    const line = lines && lines.length === perSource.get(source) ? lines[ordinal[item.index]] : 1;
    return { ...item, file, line };
  });
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * Renders a kustomization with `kubectl kustomize`. An object is located at its resource file when
 * kustomize records it (`buildMetadata: [originAnnotations]` adds `config.kubernetes.io/origin`),
 * else at the kustomization file.
 */
export function renderKustomization(dir: string, base = process.cwd()): SourcedManifest[] {
  const root = resolve(base, dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new ConfigError([`--kustomize ${dir}: no such folder`]);
  const kustomization = KUSTOMIZATION_FILES.find((f) => existsSync(join(root, f)));
  if (!kustomization)
    throw new ConfigError([`--kustomize ${dir}: no kustomization file in ${dir} (expected one of ${KUSTOMIZATION_FILES.join(', ')})`]);
  const r = kubectl(['kustomize', root]);
  if (r.status !== 0) throw new ConfigError([`--kustomize ${dir}: kubectl kustomize failed: ${toolError(r.stderr)}`]);
  const file = shown(join(root, kustomization), base);
  const resourceFiles = new Map<string, readonly SourcedManifest[]>();
  const documentsOf = (path: string): readonly SourcedManifest[] => {
    let docs = resourceFiles.get(path);
    if (docs === undefined) {
      try {
        docs = parseManifests(readFileSync(path, 'utf8'), path);
      } catch {
        // kustomize read it; should this reader not, the object is still reported at the file.
        docs = [];
      }
      resourceFiles.set(path, docs);
    }
    return docs;
  };
  return parseManifests(r.stdout, `kubectl kustomize ${shown(root, base)}`).map((item) => {
    const origin = (item.manifest.metadata.annotations as Record<string, unknown> | undefined)?.['config.kubernetes.io/origin'];
    const path = typeof origin === 'string' ? /^path: *['"]?([^'"\n]+)/m.exec(origin)?.[1] : undefined;
    if (path && !/^[a-z]+:\/\//.test(path) && existsSync(join(root, path))) {
      const resource = join(root, path);
      return { ...item, file: shown(resource, base), line: originalLine(item.manifest, documentsOf(resource)) };
    }
    return { ...item, file, line: 1 };
  });
}

/**
 * The line of the resource file's document an object was built from: the one document of its kind,
 * else the one whose name the built name contains (kustomize adds prefixes, suffixes and namespaces,
 * never changes the kind); line 1 when that does not decide it.
 */
function originalLine(built: SourcedManifest['manifest'], docs: readonly SourcedManifest[]): number {
  const sameKind = docs.filter((d) => d.manifest.kind === built.kind);
  if (sameKind.length === 1) return sameKind[0].line ?? 1;
  const name = built.metadata.name ?? '';
  const exact = sameKind.filter((d) => d.manifest.metadata?.name === name);
  const named =
    exact.length > 0
      ? exact
      : sameKind.filter((d) => typeof d.manifest.metadata?.name === 'string' && name.includes(d.manifest.metadata.name));
  return named.length === 1 ? (named[0].line ?? 1) : 1;
}

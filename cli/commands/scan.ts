import { didYouMean } from '../../lib/suggest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseToday } from '../../lib/dates';
import { ConfigError } from '../../lib/errors';
import { readInputManifests, toYaml, type SourcedManifest } from '../../lib/manifests';
import { honouredExceptionsOnly, PolicySet, toPolicyReports, type ScanReport } from '../../analysis/scan';
import { createKyvernoCelEngine } from '../../analysis/kyverno-test/cel-env';
import { libraries } from '../../analysis/kyverno-test/engine';
import { emptyContext, KyvernoPolicySet, readContextFile, readExceptionFiles, readPolicyFiles } from '../../analysis/scan-policies';
import { planAllTemplates } from '../../config/plan';
import { resolveConfig, type ConfigSources } from '../../config/resolve';
import type { Manifest } from '../../lib/manifests';
import { renderPolicy } from '../../policies/render';
import { renderManifests } from '../../synth/synth';
import { repositorySources } from '../sources';
import { EXIT, samePath, writeChunks, writeFileAtomic } from '../support';
import { enumFlag, parseArgs, type ParsedArgs } from '../args';
import { REPO_ROOT } from '../../lib/paths';
import { formatBaseline, parseBaseline, scannedBy, type Baseline } from '../../analysis/report/baseline';
import { isProblem, keyOf, keyString, SEVERITIES, toFindings, rulesOf, type Findings, type Gate } from '../../analysis/report/findings';
import { toGitHubAnnotations } from '../../analysis/report/github';
import { toJUnit } from '../../analysis/report/junit';
import { toSarif } from '../../analysis/report/sarif';
import { changedSince } from '../changed';
import { Progress } from '../progress';
import { renderChart, renderKustomization } from '../rendered-inputs';
import type { Command } from '../command';

const USAGE =
  'krate-policy scan [--env <env> | --all-templates] [--policy <file|dir>]... [--exceptions <file|dir>]... [--context <file>] ' +
  '[--output table|json|policyreport|sarif|junit|github[=<file>]]... [--fail-on low|medium|high|critical] ' +
  '[--baseline <file>] [--write-baseline <file>] [--changed <git-ref>] [--helm <chart> [-f|--values <values.yaml>]... [--set <key=value>]...] ' +
  '[--kustomize <dir>] [--today YYYY-MM-DD] [<file|dir|->...]';
export const OUTPUTS = ['table', 'json', 'policyreport', 'sarif', 'junit', 'github'] as const;
type Output = (typeof OUTPUTS)[number];

/** One `--output`: a format, to stdout or (`format=path`) to a file. */
export interface OutputTarget {
  readonly format: Output;
  readonly path?: string;
}

/**
 * The `--output` values: `format` (stdout) or `format=path`, repeatable; at most one to stdout, a
 * file named once. None to stdout (none given, or all to files): the table on stdout.
 */
export function parseOutputs(values: readonly string[]): OutputTarget[] {
  if (values.length === 0) return [{ format: 'table' }];
  const targets = values.map((v): OutputTarget => {
    const eq = v.indexOf('=');
    const format = eq < 0 ? v : v.slice(0, eq);
    const path = eq < 0 ? undefined : v.slice(eq + 1);
    if (!(OUTPUTS as readonly string[]).includes(format))
      throw new ConfigError([
        `--output: '${format}' is not one of ${OUTPUTS.join('|')} (write --output <format> or --output <format>=<file>)`,
      ]);
    if (path === '')
      throw new ConfigError([`--output ${v}: names no file (write --output ${format}=<file>, or --output ${format} for stdout)`]);
    return { format: format as Output, path };
  });
  const toStdout = targets.filter((t) => t.path === undefined);
  if (toStdout.length > 1)
    throw new ConfigError([
      `--output: ${toStdout.map((t) => t.format).join(' and ')} both go to stdout; send all but one to files (e.g. --output ${toStdout[1].format}=report.${toStdout[1].format})`,
    ]);
  // Reports all going to files: the log still shows the table.
  if (toStdout.length === 0) targets.push({ format: 'table' });
  return targets;
}

/** What helm template and kubectl kustomize read in a chart or kustomization folder, relative to it. */
const RENDER_INPUT = /^(Chart\.(yaml|lock)|values\.(yaml|schema\.json)|(templates|charts|crds)\/.*|kustomization\.ya?ml|Kustomization)$/;

/**
 * Refuses report files (`--output <format>=<file>`, `--write-baseline`) before any is written, all
 * problems together: a folder, a missing parent folder (a typo must not create folders), one file
 * twice, or a file this scan read (a manifest, a template, a policy, the baseline, a values file…):
 * a slip in a CI command line must never overwrite an input. `--write-baseline` may rewrite the
 * `--baseline` it read.
 */
export function checkReportFiles(
  targets: ReadonlyArray<{ readonly option: string; readonly path: string }>,
  read: readonly string[],
  sources: readonly string[] = [],
): void {
  // Each file once: 100,000 documents in 100 files are 100 real paths to resolve, not 100,000.
  const inputs = new Set([...new Set(read)].filter((f) => f !== '-').map(samePath));
  // A rendered chart or kustomization reads more than the files its objects name: Helm a chart's own
  // files and folders, kustomize its kustomization (a report written there before is fair game).
  const folders = sources.filter((f) => existsSync(f) && statSync(f).isDirectory()).map(samePath);
  const inFolder = (real: string) => existsSync(real) && folders.some((f) => RENDER_INPUT.test(relative(f, real).replace(/\\/g, '/')));
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const { option, path } of targets) {
    if (existsSync(path) && statSync(path).isDirectory()) {
      problems.push(`${option}: ${path} is a folder; name a file in it or elsewhere`);
      continue;
    }
    if (/[\\/]$/.test(path)) {
      problems.push(`${option}: ${path} names a folder (it ends in /); name a file`);
      continue;
    }
    const dir = dirname(samePath(path));
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      problems.push(`${option}: folder ${dirname(path)} does not exist; create it first`);
    const real = samePath(path);
    const first = seen.get(real);
    if (first !== undefined) problems.push(`${first} and ${option}: the same file; give each report its own file`);
    else seen.set(real, option);
    if (inputs.has(real) || inFolder(real))
      problems.push(`${option}: ${path} is one of this scan's inputs; write the report to another file`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

/**
 * Reads every path; `-` is stdin. Errors name the file (and document index for YAML errors); a
 * path that holds no manifest is an error (`no manifests found in …`), never an empty pass.
 */
export function readInputs(paths: readonly string[], stdin: () => string = () => readFileSync(0, 'utf8')): SourcedManifest[] {
  return readInputManifests(paths, { stdin });
}

/** The summary line every output ends with (table, github). */
export function summaryLine(report: Findings, policySet: string): string {
  const s = report.summary;
  const baselined = report.suppressed > 0 ? ` (${report.suppressed} baselined)` : '';
  return `scan (${policySet}): ${s.pass} pass, ${s.fail} fail${baselined}, ${s.skip} skip, ${s.error} error`;
}

/** One line per failure (policy, resource, message, where; baselined ones marked) and a summary. */
export function formatTable(report: Findings, policySet: string): string {
  return [...tableChunks(report, policySet)].join('').slice(0, -1);
}

/**
 * formatTable's text with a final newline, in pieces of about a megabyte: a large scan's table is
 * written as it is built rather than held whole (and again as bytes) in memory.
 */
export function* tableChunks(report: Findings, policySet: string): Generator<string> {
  let chunk = '';
  for (const f of report.findings) {
    if (!isProblem(f)) continue;
    const r = f.result;
    const res = r.resource.namespace
      ? `${r.resource.kind}/${r.resource.namespace}/${r.resource.name}`
      : `${r.resource.kind}/${r.resource.name}`;
    const mark = f.suppressed ? '  [baselined]' : '';
    chunk += `${r.result.toUpperCase()}  ${r.mode.toLowerCase().padEnd(7)}  ${r.policy}  ${res}  ${r.message}  (${f.file}:${f.line})${mark}\n`;
    if (chunk.length >= 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}${summaryLine(report, policySet)}\n`;
}

/** Which policies a scan evaluates: an environment's active ones, or every template in audit. */
export type PolicySource = { readonly env: string } | { readonly allTemplates: true };

/**
 * The policy manifests a scan evaluates. `env` renders that environment in memory through the same
 * code path as synth (its ValidatingPolicies and PolicyExceptions, only those in the namespace
 * Kyverno honours them in); `allTemplates` renders every template with default parameters in Audit.
 */
function loadPolicyManifests(source: PolicySource): { manifests: Manifest[]; remediation: Map<string, string> } {
  const sources = repositorySources();
  const remediation = new Map(sources.templates.map((t) => [t.name, t.remediation]));
  return { manifests: policyManifests(source, sources), remediation };
}

/** loadPolicyManifests over given sources: the repository's, or a test's fixture configuration. */
export function policyManifests(source: PolicySource, sources: ConfigSources): Manifest[] {
  if ('allTemplates' in source) return planAllTemplates(sources.templates).map((p) => renderPolicy(p.template, p.options));
  const config = resolveConfig(sources);
  const env = config.environments.find((e) => e.name === source.env);
  if (!env) {
    const known = config.environments.map((e) => e.name);
    throw new ConfigError([`--env: '${source.env}' is not an environment${didYouMean(source.env, known)} (one of ${known.join('|')})`]);
  }
  const manifests = renderManifests({ ...config, environments: [env] })
    .map((r) => r.manifest)
    .filter(
      (m) => m.apiVersion === 'policies.kyverno.io/v1' && ['ValidatingPolicy', 'ImageValidatingPolicy', 'PolicyException'].includes(m.kind),
    );
  return honouredExceptionsOnly(manifests, env.kyverno.policyNamespace);
}

/** Evaluations between progress redraws: small enough to move, large enough not to cost. */
const PROGRESS_CHUNK = 500;

interface Inputs {
  readonly items: SourcedManifest[];
  /** Namespaces of the files --changed left out: still what namespaceSelector sees, as in a full scan. */
  readonly namespaces: readonly Manifest[];
  readonly note?: string;
}

/**
 * What the inputs are: files and folders, a rendered chart, a rendered kustomization. --changed
 * narrows the files and folders to the files changed since the ref; a rendered chart or
 * kustomization is always scanned whole (a values or base change can change any object).
 */
/** The `-f` / `--values` files, in order. */
const valuesFilesOf = (parsed: ParsedArgs): string[] => [...(parsed.lists.get('f') ?? []), ...(parsed.lists.get('values') ?? [])];

function readAllInputs(parsed: ParsedArgs, progress: Progress): Inputs {
  const chart = parsed.flags.get('helm');
  const kustomize = parsed.flags.get('kustomize');
  const valuesFiles = valuesFilesOf(parsed);
  if (parsed.lists.has('f') && parsed.lists.has('values'))
    throw new ConfigError(['-f and --values: the same option; use one spelling so their order is clear']);
  if (chart === undefined && (valuesFiles.length > 0 || parsed.lists.has('set')))
    throw new ConfigError([`${valuesFiles.length > 0 ? '-f' : '--set'}: only with --helm <chart>\nusage: ${USAGE}`]);
  if (parsed.positional.length === 0 && chart === undefined && kustomize === undefined)
    throw new ConfigError([`no input: name files, folders or - for stdin, or --helm <chart> / --kustomize <dir>\nusage: ${USAGE}`]);
  const ref = parsed.flags.get('changed');
  if (typeof ref === 'string' && parsed.positional.includes('-'))
    throw new ConfigError([`--changed ${ref}: - (stdin) has no file git could compare; name files or folders`]);
  let items: SourcedManifest[] = [];
  if (parsed.positional.length > 0)
    items.push(
      ...readInputManifests(parsed.positional, {
        stdin: () => readFileSync(0, 'utf8'),
        onFile: (_file, n) => {
          progress.state.files++;
          progress.state.resources += n;
          progress.update();
        },
      }),
    );
  let namespaces: Manifest[] = [];
  let note: string | undefined;
  if (typeof ref === 'string') {
    const isChanged = changedSince(
      ref,
      items.map((i) => i.file),
    );
    const kept = items.filter((i) => isChanged(i.file));
    const left = items.filter((i) => !isChanged(i.file));
    namespaces = left.filter((i) => i.manifest.kind === 'Namespace').map((i) => i.manifest);
    const rendered = chart !== undefined || kustomize !== undefined;
    if (kept.length === 0 && items.length > 0)
      note = `--changed ${ref}: no manifest among the inputs changed since ${ref}; ${rendered ? 'scanning the rendered ones only' : 'nothing to scan'}`;
    items = kept;
  }
  if (typeof chart === 'string') items.push(...renderChart({ chart, values: valuesFiles, set: parsed.lists.get('set') ?? [] }));
  if (typeof kustomize === 'string') items.push(...renderKustomization(kustomize));
  return { items, namespaces, note };
}

/** The project's policies' report; on a terminal in chunks, so the progress line moves. Same results either way. */
export function scanProgressively(
  set: PolicySet,
  inputs: readonly SourcedManifest[],
  namespaces: readonly Manifest[],
  progress: Progress,
): ScanReport {
  if (!progress.enabled) return set.scan(inputs, { namespaces });
  // Every chunk sees every Namespace of the inputs, as one scan of all of them does (the inputs' own win).
  const all = [...namespaces, ...inputs.map((i) => i.manifest).filter((m) => m.kind === 'Namespace' && m.apiVersion === 'v1')];
  let report: ScanReport = { results: [], summary: { pass: 0, fail: 0, skip: 0, error: 0 } };
  for (let i = 0; i < inputs.length; i += PROGRESS_CHUNK) {
    report = merge(report, set.scan(inputs.slice(i, i + PROGRESS_CHUNK), { namespaces: all }));
    progress.state.evaluated = Math.min(inputs.length, i + PROGRESS_CHUNK);
    progress.update();
  }
  return report;
}

const toolVersion = (): string => (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

export const scan: Command = {
  name: 'scan',
  usage: USAGE,
  async run(args) {
    const parsed = parseArgs(
      args,
      {
        values: ['env', 'today', 'context', 'fail-on', 'baseline', 'write-baseline', 'changed', 'helm', 'kustomize'],
        booleans: ['all-templates'],
        repeatable: ['policy', 'exceptions', 'output', 'f', 'values', 'set'],
      },
      USAGE,
    );
    const outputs = parseOutputs(parsed.lists.get('output') ?? []);
    const writeBaseline = parsed.flags.get('write-baseline');
    if (typeof writeBaseline === 'string' && parsed.flags.has('changed') && !parsed.flags.has('baseline'))
      throw new ConfigError([
        `--write-baseline ${writeBaseline} with --changed: a scan of the changed files alone would drop every other accepted finding; give the baseline it updates (--baseline ${writeBaseline}), or scan everything without --changed`,
      ]);
    const reportFiles = [
      ...(typeof writeBaseline === 'string' ? [{ option: `--write-baseline ${writeBaseline}`, path: writeBaseline }] : []),
      ...outputs.flatMap((t) => (t.path === undefined ? [] : [{ option: `--output ${t.format}=${t.path}`, path: t.path }])),
    ];
    // Before a long scan, what can be told already; the inputs are known once read.
    checkReportFiles(reportFiles, []);
    const failOn = parsed.flags.has('fail-on') ? enumFlag(parsed, 'fail-on', SEVERITIES, 'high') : undefined;
    const gate: Gate = failOn ? { failOn } : { enforced: true };
    const env = parsed.flags.get('env');
    if (env !== undefined && parsed.flags.has('all-templates'))
      throw new ConfigError([`--env and --all-templates: choose one\nusage: ${USAGE}`]);
    // The CLI layer is the one place that reads the clock (expired exceptions, report timestamps).
    const now = new Date(`${parseToday(parsed.flags.get('today'))}T00:00:00Z`);
    const baselineFile = parsed.flags.get('baseline');
    let baseline: Baseline | undefined;
    if (typeof baselineFile === 'string') {
      if (!existsSync(baselineFile))
        throw new ConfigError([`--baseline ${baselineFile}: no such file (create it with scan --write-baseline ${baselineFile} …)`]);
      if (statSync(baselineFile).isDirectory()) throw new ConfigError([`--baseline ${baselineFile}: is a folder; name the baseline file`]);
      baseline = parseBaseline(readFileSync(baselineFile, 'utf8'), baselineFile);
    }
    const progress = new Progress();
    let read: Inputs;
    try {
      read = readAllInputs(parsed, progress);
    } finally {
      progress.done();
    }
    const inputs = read.items;
    if (read.note) console.error(`note: ${read.note}`);
    const policyPaths = parsed.lists.get('policy') ?? [];
    const contextFile = parsed.flags.get('context');
    const snapshot = typeof contextFile === 'string' ? readContextFile(contextFile) : emptyContext();
    const context = read.namespaces.length > 0 ? { ...snapshot, namespaces: [...snapshot.namespaces, ...read.namespaces] } : snapshot;
    const user = policyPaths.length > 0 ? readPolicyFiles(policyPaths) : [];
    const { exceptions, notes } = readExceptionFiles(parsed.lists.get('exceptions') ?? [], now);
    for (const note of notes) console.error(`note: ${note}`);
    // --policy alone evaluates only the given policies; with --env or --all-templates, the project's too.
    const withTemplates = typeof env === 'string' || parsed.flags.has('all-templates') || user.length === 0;
    // One engine with Kyverno's CEL libraries for both paths: the templates keep PolicySet's compiled
    // path (their results do not change: test/analysis/scan-policies.test.ts), and a template that
    // reads the cluster (resource.List) sees the same snapshot as the user's policies.
    const engine = createKyvernoCelEngine();
    const source = typeof env === 'string' ? { env } : ({ allTemplates: true } as const);
    const loaded = withTemplates ? loadPolicyManifests(source) : { manifests: [], remediation: new Map<string, string>() };
    const templates = loaded.manifests;
    // Without a snapshot a template's cluster read cannot be answered: PolicySet's own engine reports
    // it as skip (Kyverno decides it in the cluster) instead of reading an empty cluster.
    const set = new PolicySet(
      [...templates, ...exceptions.map((e) => e.manifest)],
      typeof contextFile === 'string' ? { now, engine, bindings: { ...libraries(context.snapshot, '') } } : { now },
    );
    const theirs = new KyvernoPolicySet(user, exceptions, { engine, context });
    const clash = theirs.names.find((n) => templates.some((t) => t.metadata.name === n));
    if (clash)
      throw new ConfigError([
        `--policy: ${clash} has the name of one of the project's policies; rename it (or scan it without --env/--all-templates)`,
      ]);
    progress.state.total = inputs.length;
    let report: ScanReport;
    try {
      const ours = withTemplates
        ? scanProgressively(set, inputs, context.namespaces, progress)
        : { results: [], summary: { pass: 0, fail: 0, skip: 0, error: 0 } };
      report = merge(ours, theirs.size > 0 ? theirs.scan(inputs) : undefined);
    } finally {
      progress.done();
    }
    const parts: string[] = [];
    if (withTemplates)
      parts.push(typeof env === 'string' ? `environment ${env}, ${set.size} policies` : `all templates in audit, ${set.size} policies`);
    if (theirs.size > 0) parts.push(`--policy: ${theirs.size} ${theirs.size === 1 ? 'policy' : 'policies'}`);
    const label = parts.join('; ');
    const policies = [...templates, ...theirs.manifests];
    // Rules from the policies as written (theirs.manifests name a namespaced policy `namespace/name`).
    const rules = rulesOf([...templates, ...user.map((u) => u.manifest)], loaded.remediation);
    // --write-baseline accepts every failure of this scan: the gate then judges with the new baseline.
    // With --changed the scan read only some resources: the others' accepted findings stay accepted.
    const scanned = parsed.flags.has('changed') ? scannedBy(inputs.map((i) => i.manifest)) : undefined;
    const kept = baseline && scanned ? baseline.entries.filter((e) => !scanned(e)) : [];
    const newBaseline = typeof writeBaseline === 'string' ? formatBaseline(report.results, kept) : undefined;
    const applied = newBaseline !== undefined ? parseBaseline(newBaseline, writeBaseline as string) : baseline;
    const findings = toFindings(report, inputs, rules, gate, applied ? (r) => applied.has(r) : undefined);
    const stale = baseline ? baseline.stale(report.results, scanned) : [];
    // A table on stdout is streamed in pieces (tableChunks), never built whole.
    const streamed = (o: (typeof outputs)[number]) => o.path === undefined && o.format === 'table';
    const texts = outputs.map((o) => ({
      ...o,
      text: streamed(o)
        ? ''
        : render(o.format, { findings, label, policies, now, baselineFile: applied?.file, stale: baseline ? stale : undefined }),
    }));
    // Everything is computed: only now write, files first, stdout last.
    checkReportFiles(
      reportFiles,
      [
        ...parsed.positional,
        ...inputs.map((i) => i.file),
        ...user.map((u) => u.file),
        ...exceptions.map((e) => e.file),
        ...(typeof contextFile === 'string' ? [contextFile] : []),
        // Rewriting the baseline read is what --write-baseline is for; any other report over it is not.
        ...(typeof baselineFile === 'string' && (typeof writeBaseline !== 'string' || samePath(writeBaseline) !== samePath(baselineFile))
          ? [baselineFile]
          : []),
        ...valuesFilesOf(parsed),
      ],
      [parsed.flags.get('helm'), parsed.flags.get('kustomize')].filter((f): f is string => typeof f === 'string'),
    );
    if (newBaseline !== undefined) writeFileAtomic(writeBaseline as string, newBaseline, `--write-baseline ${writeBaseline}`);
    for (const t of texts) if (t.path !== undefined) writeFileAtomic(t.path, t.text, `--output ${t.format}=${t.path}`);
    if (baseline && stale.length > 0)
      console.error(
        `note: --baseline ${baseline.file}: ${stale.length} stale ${stale.length === 1 ? 'entry' : 'entries'} (fixed or gone; ${newBaseline !== undefined ? `not in --write-baseline ${writeBaseline}` : 'rewrite with --write-baseline'}): ${stale
          .map((k) => `${k.template} ${k.namespace ? `${k.kind}/${k.namespace}/${k.name}` : `${k.kind}/${k.name}`}`)
          .join(', ')}`,
      );
    if (newBaseline !== undefined)
      console.error(`note: --write-baseline ${writeBaseline}: ${JSON.parse(newBaseline).findings.length} accepted findings written`);
    // Objects read but none matched by any policy: 0 fail is no finding, say so rather than pass silently.
    if (inputs.length > 0 && report.results.length === 0)
      console.error(
        `note: no policy matched any of the ${inputs.length} ${inputs.length === 1 ? 'object' : 'objects'} read (kinds: ${[...new Set(inputs.map((i) => i.manifest.kind))].sort().join(', ')}); nothing was evaluated`,
      );
    for (const t of texts) if (t.path === undefined) await writeChunks(streamed(t) ? tableChunks(findings, label) : [`${t.text}\n`]);
    return findings.findings.some((f) => f.failsGate) ? EXIT.findings : EXIT.ok;
  },
};

interface RenderInput {
  readonly findings: Findings;
  readonly label: string;
  readonly policies: readonly Manifest[];
  readonly now: Date;
  readonly baselineFile?: string;
  /** Stale baseline entries, when a baseline was given. */
  readonly stale?: ReturnType<Baseline['stale']>;
}

/** One output's text. */
function render(format: Output, input: RenderInput): string {
  const { findings, label } = input;
  switch (format) {
    case 'table':
      return formatTable(findings, label);
    case 'github':
      return toGitHubAnnotations(findings, summaryLine(findings, label));
    case 'sarif':
      return `${JSON.stringify(toSarif(findings, { version: toolVersion(), baselineFile: input.baselineFile }), null, 2)}`;
    case 'junit':
      return toJUnit(findings).trimEnd();
    case 'json':
      return JSON.stringify(
        {
          results: findings.findings.map((f) => ({
            ...f.result,
            file: f.file,
            line: f.line,
            severity: f.rule.severity ?? null,
            suppressed: f.suppressed,
          })),
          summary: findings.summary,
          ...(input.stale ? { baseline: { file: input.baselineFile, suppressed: findings.suppressed, stale: input.stale } } : {}),
        },
        null,
        2,
      );
    case 'policyreport': {
      const suppressed = new Set(
        findings.findings.filter((f) => f.suppressed).map((f) => `${f.result.policy}\0${keyString(keyOf(f.result))}`),
      );
      return toPolicyReports({ results: findings.findings.map((f) => f.result), summary: findings.summary }, input.policies, input.now)
        .map((report) => markSuppressed(report, suppressed))
        .map(toYaml)
        .join('---\n');
    }
  }
}

/** A PolicyReport's results the baseline accepts carry `properties.suppressed: baseline`. */
function markSuppressed(report: Manifest, suppressed: ReadonlySet<string>): Manifest {
  const scope = report.scope as { kind: string; namespace?: string; name: string };
  const results = report.results as Array<{ policy: string; properties: Record<string, string> }>;
  return {
    ...report,
    results: results.map((r) => {
      const key = `${r.policy}\0${keyString({ template: r.properties.template, kind: scope.kind, namespace: scope.namespace ?? '', name: scope.name })}`;
      return suppressed.has(key) ? { ...r, properties: { ...r.properties, suppressed: 'baseline' } } : r;
    }),
  };
}

/** The project's results, then the user's policies' results; the summary counts both. */
function merge(ours: ScanReport, theirs: ScanReport | undefined): ScanReport {
  if (!theirs) return ours;
  const summary = { ...ours.summary };
  for (const k of ['pass', 'fail', 'skip', 'error'] as const) summary[k] += theirs.summary[k];
  return { results: [...ours.results, ...theirs.results], summary };
}

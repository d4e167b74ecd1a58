import { readFileSync } from 'node:fs';
import { parseToday } from '../../lib/dates';
import { ConfigError } from '../../lib/errors';
import { readInputManifests, toYaml, type SourcedManifest } from '../../lib/manifests';
import { honouredExceptionsOnly, PolicySet, scanFails, toPolicyReports, type ScanReport } from '../../analysis/scan';
import { createKyvernoCelEngine } from '../../analysis/kyverno-test/cel-env';
import { libraries } from '../../analysis/kyverno-test/engine';
import { emptyContext, KyvernoPolicySet, readContextFile, readExceptionFiles, readPolicyFiles } from '../../analysis/scan-policies';
import { planAllTemplates } from '../../config/plan';
import { resolveConfig } from '../../config/resolve';
import type { Manifest } from '../../lib/manifests';
import { renderPolicy } from '../../policies/render';
import { renderManifests } from '../../synth/synth';
import { repositorySources } from '../sources';
import { EXIT, writeChunks } from '../support';
import { enumFlag, parseArgs } from '../args';
import type { Command } from '../command';

const USAGE =
  'krate-policy scan [--env <env> | --all-templates] [--policy <file|dir>]... [--exceptions <file|dir>]... [--context <file>] [--output table|json|policyreport] [--today YYYY-MM-DD] <file|dir|->...';
const OUTPUTS = ['table', 'json', 'policyreport'] as const;

/**
 * Reads every path; `-` is stdin. Errors name the file (and document index for YAML errors); a
 * path that holds no manifest is an error (`no manifests found in …`), never an empty pass.
 */
export function readInputs(paths: readonly string[], stdin: () => string = () => readFileSync(0, 'utf8')): SourcedManifest[] {
  return readInputManifests(paths, { stdin });
}

/** One line per failure (policy, resource, message) and a summary. */
export function formatTable(report: ScanReport, policySet: string): string {
  return [...tableChunks(report, policySet)].join('').slice(0, -1);
}

/**
 * formatTable's text with a final newline, in pieces of about a megabyte: a large scan's table is
 * written as it is built rather than held whole (and again as bytes) in memory.
 */
export function* tableChunks(report: ScanReport, policySet: string): Generator<string> {
  let chunk = '';
  for (const r of report.results) {
    if (r.result !== 'fail' && r.result !== 'error') continue;
    const res = r.resource.namespace
      ? `${r.resource.kind}/${r.resource.namespace}/${r.resource.name}`
      : `${r.resource.kind}/${r.resource.name}`;
    chunk += `${r.result.toUpperCase()}  ${r.mode.toLowerCase().padEnd(7)}  ${r.policy}  ${res}  ${r.message}\n`;
    if (chunk.length >= 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  const s = report.summary;
  yield `${chunk}scan (${policySet}): ${s.pass} pass, ${s.fail} fail, ${s.skip} skip, ${s.error} error\n`;
}

/** Which policies a scan evaluates: an environment's active ones, or every template in audit. */
type PolicySource = { readonly env: string } | { readonly allTemplates: true };

/**
 * The policy manifests a scan evaluates. `env` renders that environment in memory through the same
 * code path as synth (its ValidatingPolicies and PolicyExceptions, only those in the namespace
 * Kyverno honours them in); `allTemplates` renders every template with default parameters in Audit.
 */
function loadPolicyManifests(source: PolicySource): Manifest[] {
  const sources = repositorySources();
  if ('allTemplates' in source) return planAllTemplates(sources.templates).map((p) => renderPolicy(p.template, p.options));
  const config = resolveConfig(sources);
  const env = config.environments.find((e) => e.name === source.env);
  if (!env)
    throw new ConfigError([`--env: '${source.env}' is not an environment (one of ${config.environments.map((e) => e.name).join('|')})`]);
  const manifests = renderManifests({ ...config, environments: [env] })
    .map((r) => r.manifest)
    .filter(
      (m) => m.apiVersion === 'policies.kyverno.io/v1' && ['ValidatingPolicy', 'ImageValidatingPolicy', 'PolicyException'].includes(m.kind),
    );
  return honouredExceptionsOnly(manifests, env.kyverno.policyNamespace);
}

export const scan: Command = {
  name: 'scan',
  usage: USAGE,
  async run(args) {
    const parsed = parseArgs(
      args,
      { values: ['env', 'output', 'today', 'context'], booleans: ['all-templates'], repeatable: ['policy', 'exceptions'] },
      USAGE,
    );
    const output = enumFlag(parsed, 'output', OUTPUTS, 'table');
    const env = parsed.flags.get('env');
    if (env !== undefined && parsed.flags.has('all-templates'))
      throw new ConfigError([`--env and --all-templates: choose one\nusage: ${USAGE}`]);
    if (parsed.positional.length === 0) throw new ConfigError([`no input: name files, folders or - for stdin\nusage: ${USAGE}`]);
    // The CLI layer is the one place that reads the clock (expired exceptions, report timestamps).
    const now = new Date(`${parseToday(parsed.flags.get('today'))}T00:00:00Z`);
    const inputs = readInputs(parsed.positional);
    const policyPaths = parsed.lists.get('policy') ?? [];
    const contextFile = parsed.flags.get('context');
    const context = typeof contextFile === 'string' ? readContextFile(contextFile) : emptyContext();
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
    const templates = withTemplates ? loadPolicyManifests(source) : [];
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
    const ours = withTemplates
      ? set.scan(inputs, { namespaces: context.namespaces })
      : { results: [], summary: { pass: 0, fail: 0, skip: 0, error: 0 } };
    const report = merge(ours, theirs.size > 0 ? theirs.scan(inputs) : undefined);
    const parts: string[] = [];
    if (withTemplates)
      parts.push(typeof env === 'string' ? `environment ${env}, ${set.size} policies` : `all templates in audit, ${set.size} policies`);
    if (theirs.size > 0) parts.push(`--policy: ${theirs.size} ${theirs.size === 1 ? 'policy' : 'policies'}`);
    const label = parts.join('; ');
    if (output === 'json') console.log(JSON.stringify({ results: report.results, summary: report.summary }, null, 2));
    else if (output === 'policyreport')
      console.log(
        toPolicyReports(report, [...templates, ...theirs.manifests], now)
          .map(toYaml)
          .join('---\n'),
      );
    else await writeChunks(tableChunks(report, label));
    return scanFails(report) ? EXIT.findings : EXIT.ok;
  },
};

/** The project's results, then the user's policies' results; the summary counts both. */
function merge(ours: ScanReport, theirs: ScanReport | undefined): ScanReport {
  if (!theirs) return ours;
  const summary = { ...ours.summary };
  for (const k of ['pass', 'fail', 'skip', 'error'] as const) summary[k] += theirs.summary[k];
  return { results: [...ours.results, ...theirs.results], summary };
}

import { readFileSync } from 'node:fs';
import { parseToday } from '../../lib/dates';
import { ConfigError } from '../../lib/errors';
import { readInputManifests, toYaml, type SourcedManifest } from '../../lib/manifests';
import { honouredExceptionsOnly, PolicySet, scanFails, toPolicyReports, type ScanReport } from '../../analysis/scan';
import { planAllTemplates } from '../../config/plan';
import { resolveConfig } from '../../config/resolve';
import type { Manifest } from '../../lib/manifests';
import { renderPolicy } from '../../policies/render';
import { renderManifests } from '../../synth/synth';
import { repositorySources } from '../sources';
import { EXIT } from '../support';
import { enumFlag, parseArgs } from '../args';
import type { Command } from '../command';

const USAGE = 'krate-policy scan [--env <env> | --all-templates] [--output table|json|policyreport] [--today YYYY-MM-DD] <file|dir|->...';
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
  const lines: string[] = [];
  for (const r of report.results) {
    if (r.result !== 'fail' && r.result !== 'error') continue;
    const res = r.resource.namespace
      ? `${r.resource.kind}/${r.resource.namespace}/${r.resource.name}`
      : `${r.resource.kind}/${r.resource.name}`;
    lines.push(`${r.result.toUpperCase()}  ${r.mode.toLowerCase().padEnd(7)}  ${r.policy}  ${res}  ${r.message}`);
  }
  const s = report.summary;
  lines.push(`scan (${policySet}): ${s.pass} pass, ${s.fail} fail, ${s.skip} skip, ${s.error} error`);
  return lines.join('\n');
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
    const parsed = parseArgs(args, { values: ['env', 'output', 'today'], booleans: ['all-templates'] }, USAGE);
    const output = enumFlag(parsed, 'output', OUTPUTS, 'table');
    const env = parsed.flags.get('env');
    if (env !== undefined && parsed.flags.has('all-templates'))
      throw new ConfigError([`--env and --all-templates: choose one\nusage: ${USAGE}`]);
    if (parsed.positional.length === 0) throw new ConfigError([`no input: name files, folders or - for stdin\nusage: ${USAGE}`]);
    // The CLI layer is the one place that reads the clock (expired exceptions, report timestamps).
    const now = new Date(`${parseToday(parsed.flags.get('today'))}T00:00:00Z`);
    const inputs = readInputs(parsed.positional);
    const source = typeof env === 'string' ? { env } : ({ allTemplates: true } as const);
    const policies = loadPolicyManifests(source);
    const set = new PolicySet(policies, { now });
    const report = set.scan(inputs);
    const label = typeof env === 'string' ? `environment ${env}, ${set.size} policies` : `all templates in audit, ${set.size} policies`;
    if (output === 'json') console.log(JSON.stringify({ results: report.results, summary: report.summary }, null, 2));
    else if (output === 'policyreport') console.log(toPolicyReports(report, policies, now).map(toYaml).join('---\n'));
    else console.log(formatTable(report, label));
    return scanFails(report) ? EXIT.findings : EXIT.ok;
  },
};

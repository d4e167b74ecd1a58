// Reads `kubectl get policyreports,clusterpolicyreports -A -o yaml` exports (wgpolicyk8s.io
// v1alpha2 PolicyReport / ClusterPolicyReport, openreports.io v1alpha1 Report / ClusterReport, which
// share the results layout) and says which template each result belongs to: for `promote --reports`
// (no enforce while it still fails there) and for `evidence add` (analysis/evidence.ts).
import { FAILING_OUTCOMES, REPORT_OUTCOMES, type ReportOutcome } from '../environments/types';
import { POLICY_SCOPES, policyName } from '../policies/naming';
import type { ResolvedEnvironment } from '../config/resolve';
import { ConfigError } from '../lib/errors';
import { parseManifests, type Manifest } from '../lib/manifests';

const REPORT_KINDS = ['PolicyReport', 'ClusterPolicyReport', 'Report', 'ClusterReport'];
/** The property a result may carry to name its template (`name@version`), as the rendered policies' annotation does. */
const TEMPLATE_PROPERTY = 'krate.a5c.ai/policy-template';

interface RawResource {
  readonly kind?: unknown;
  readonly namespace?: unknown;
  readonly name?: unknown;
}

interface RawResult {
  readonly policy?: unknown;
  readonly rule?: unknown;
  readonly result?: unknown;
  readonly properties?: unknown;
  readonly resources?: unknown;
}

/** A field of an export as text: only strings count (an export may hold anything). */
const stringField = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const objectOrUndefined = <T>(v: unknown): T | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as T) : undefined;

/** One result of one report, with the resource it is about. */
export interface ReportResult {
  readonly policy: string;
  readonly rule?: string;
  readonly outcome: ReportOutcome;
  /** The template it names through its properties, if any. */
  readonly templateProperty?: string;
  /** The resource's namespace ('' for a cluster-scoped resource). */
  readonly namespace: string;
  /** `Kind namespace/name` (or the report's name when it names no resource). */
  readonly resource: string;
}

/** The reports of one export: how many report objects and every result, checked against the CRDs' enum. */
export interface ReportExport {
  readonly reports: number;
  readonly results: readonly ReportResult[];
}

/**
 * Reads one export. Objects of other kinds are ignored (an export may hold anything); a result
 * without a policy or with an outcome the CRDs do not define is an error naming the file, report and
 * result, never silently counted as something else.
 */
export function readReportExport(text: string, file: string): ReportExport {
  const problems: string[] = [];
  const results: ReportResult[] = [];
  let reports = 0;
  for (const { manifest, index } of parseManifests(text, file)) {
    if (!REPORT_KINDS.includes(manifest.kind)) continue;
    reports++;
    const where = `${file}: document ${index}: ${manifest.kind} ${reportName(manifest)}`;
    const raw = (manifest as unknown as { results?: unknown }).results ?? [];
    if (!Array.isArray(raw)) {
      problems.push(`${where}: results is not a list`);
      continue;
    }
    const scope = objectOrUndefined<RawResource>((manifest as unknown as { scope?: unknown }).scope);
    raw.forEach((item: unknown, i) => {
      const r = objectOrUndefined<RawResult>(item) ?? {};
      if (typeof r.policy !== 'string' || r.policy === '') {
        problems.push(`${where}: results[${i}]: no policy name (the CRDs require results[].policy)`);
        return;
      }
      if (typeof r.result !== 'string' || !(REPORT_OUTCOMES as readonly string[]).includes(r.result)) {
        problems.push(`${where}: results[${i}]: result ${JSON.stringify(r.result)} is not one of ${REPORT_OUTCOMES.join('|')}`);
        return;
      }
      // Kyverno v1.19 names the resource in the report's scope; older reports in results[].resources.
      const res = (Array.isArray(r.resources) ? objectOrUndefined<RawResource>(r.resources[0]) : undefined) ?? scope;
      const ns = stringField(res?.namespace);
      const property = stringField(objectOrUndefined<Record<string, unknown>>(r.properties)?.[TEMPLATE_PROPERTY]);
      const rule = stringField(r.rule);
      results.push({
        policy: r.policy,
        ...(rule ? { rule } : {}),
        outcome: r.result as ReportOutcome,
        ...(property ? { templateProperty: property.split('@')[0] } : {}),
        namespace: res ? (ns ?? '') : (manifest.metadata.namespace ?? ''),
        resource: res
          ? `${stringField(res.kind) ?? '?'} ${ns ? `${ns}/` : ''}${stringField(res.name) ?? '?'}`
          : `report ${reportName(manifest)}`,
      });
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { reports, results };
}

function reportName(m: Manifest): string {
  return `${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata.name ?? '?'}`;
}

/** A generated policy of an environment and its template (from the environment's plan). */
export interface GeneratedPolicy {
  readonly name: string;
  readonly template: string;
}

/**
 * Which template a result belongs to: its policy is one of the template's generated policy names
 * for `org` (any scope) or one of `policies` (the environment's plan: every org's and repository's
 * bindings, whose names no rule recovers once truncated), or it carries the
 * `krate.a5c.ai/policy-template` property. Undefined for every other policy.
 */
export function templateMatcher(
  org: string,
  templates: readonly string[],
  policies: readonly GeneratedPolicy[] = [],
): (r: ReportResult) => string | undefined {
  const byName = new Map<string, string>();
  for (const t of templates) for (const scope of Object.values(POLICY_SCOPES)) byName.set(policyName(org, scope, t), t);
  const known = new Set(templates);
  for (const p of policies) if (known.has(p.template)) byName.set(p.name, p.template);
  return (r) =>
    byName.get(r.policy) ?? (r.templateProperty !== undefined && known.has(r.templateProperty) ? r.templateProperty : undefined);
}

/** True for results that would be denied once the template enforces. */
export const isFailing = (r: ReportResult): boolean => FAILING_OUTCOMES.includes(r.outcome);

export interface TemplateReportSummary {
  /** Report objects read from the file. */
  readonly reports: number;
  /** Results of this template, by outcome. */
  readonly results: Readonly<Record<string, number>>;
  /** fail + error results. */
  readonly failing: number;
  /** A few failing resources, for the refusal message. */
  readonly examples: readonly string[];
}

/** Summarises one template's results in a report export (`promote --reports`). */
export function summariseReports(text: string, file: string, env: ResolvedEnvironment, template: string): TemplateReportSummary {
  const { reports, results: all } = readReportExport(text, file);
  const ofTemplate = templateMatcher(env.org, [template], generatedPolicies(env));
  const results: Record<string, number> = {};
  const examples: string[] = [];
  let failing = 0;
  for (const r of all) {
    if (ofTemplate(r) === undefined) continue;
    results[r.outcome] = (results[r.outcome] ?? 0) + 1;
    if (!isFailing(r)) continue;
    failing++;
    if (examples.length < 5) examples.push(`${r.resource} (${r.outcome}${r.rule ? `, ${r.rule}` : ''})`);
  }
  return { reports, results, failing, examples };
}

/** The generated policies of an environment's plan, for templateMatcher. */
export function generatedPolicies(env: Pick<ResolvedEnvironment, 'plan'>): GeneratedPolicy[] {
  return env.plan.policies.map((p) => ({ name: p.name, template: p.template.name }));
}

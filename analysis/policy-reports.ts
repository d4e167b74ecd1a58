// Reads a `kubectl get policyreports,clusterpolicyreports -A -o yaml` export and counts a
// template's failing results, for `promote --reports` (no enforce while it still fails there).
import { POLICY_SCOPES, policyName } from '../policies/naming';
import type { ResolvedEnvironment } from '../config/resolve';
import { parseManifests } from '../lib/manifests';

const REPORT_KINDS = ['PolicyReport', 'ClusterPolicyReport', 'Report', 'ClusterReport'];
/** Results that would be denied once the template enforces. */
const FAILING = ['fail', 'error'];

interface ReportResult {
  readonly policy?: string;
  readonly rule?: string;
  readonly result?: string;
  readonly properties?: Readonly<Record<string, string>>;
  readonly resources?: ReadonlyArray<{ readonly kind?: string; readonly namespace?: string; readonly name?: string }>;
}

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

/**
 * Summarises one template's results in a report export. A result belongs to the template when its
 * policy is one of the template's generated policy names in `env` (any scope) or when it carries the
 * `krate.a5c.ai/policy-template` property (`name@version`).
 */
export function summariseReports(text: string, file: string, env: ResolvedEnvironment, template: string): TemplateReportSummary {
  const names = new Set(Object.values(POLICY_SCOPES).map((scope) => policyName(env.org, scope, template)));
  const results: Record<string, number> = {};
  const examples: string[] = [];
  let reports = 0;
  let failing = 0;
  for (const { manifest } of parseManifests(text, file)) {
    if (!REPORT_KINDS.includes(manifest.kind)) continue;
    reports++;
    const list = (manifest as unknown as { results?: ReportResult[] }).results ?? [];
    for (const r of list) {
      const byName = r.policy !== undefined && names.has(r.policy);
      const byProperty = r.properties?.['krate.a5c.ai/policy-template']?.split('@')[0] === template;
      if (!byName && !byProperty) continue;
      const outcome = r.result ?? 'unknown';
      results[outcome] = (results[outcome] ?? 0) + 1;
      if (!FAILING.includes(outcome)) continue;
      failing++;
      if (examples.length < 5) {
        const res =
          r.resources?.[0] ??
          (manifest as unknown as { scope?: ReportResult['resources'] extends ReadonlyArray<infer T> | undefined ? T : never }).scope;
        const where = res
          ? `${res.kind ?? '?'} ${res.namespace ? `${res.namespace}/` : ''}${res.name ?? '?'}`
          : `report ${manifest.metadata.namespace ? `${manifest.metadata.namespace}/` : ''}${manifest.metadata.name}`;
        examples.push(`${where} (${outcome}${r.rule ? `, ${r.rule}` : ''})`);
      }
    }
  }
  return { reports, results, failing, examples };
}

// Synthetic policy-report exports as Kyverno v1.19 writes them (one PolicyReport per resource, the
// resource in `scope`) and the evidence snapshots `evidence add` makes of them, for tests.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evidenceSnapshot, formatSnapshot } from '../../analysis/evidence';
import { readReportExport } from '../../analysis/policy-reports';
import type { EvidenceSnapshot, ReportOutcome } from '../../environments/types';
import type { LadderEnvironment } from '../../lib/ladder';
import { TEMPLATES } from '../../policies';
import { policyName } from '../../policies/naming';

export interface SyntheticResult {
  readonly template: string;
  readonly outcome: ReportOutcome;
  readonly namespace?: string;
  readonly name: string;
  readonly kind?: string;
  /** The policy name, when not the template's generated cluster policy. */
  readonly policy?: string;
}

/** A `kubectl get policyreports,clusterpolicyreports -A -o yaml` export: a v1 List of one report per resource. */
export function reportExport(
  results: readonly SyntheticResult[],
  options: { org?: string; group?: 'wgpolicyk8s.io' | 'openreports.io' } = {},
): string {
  const org = options.org ?? 'a5c';
  const group = options.group ?? 'wgpolicyk8s.io';
  const byResource = new Map<string, SyntheticResult[]>();
  for (const r of results) {
    const key = `${r.kind ?? 'Deployment'}|${r.namespace ?? ''}|${r.name}`;
    byResource.set(key, [...(byResource.get(key) ?? []), r]);
  }
  const items = [...byResource.values()].map((rs, i) => {
    const { kind = 'Deployment', namespace, name } = rs[0];
    const summary: Record<ReportOutcome, number> = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
    for (const r of rs) summary[r.outcome]++;
    const reportKind =
      group === 'wgpolicyk8s.io' ? (namespace ? 'PolicyReport' : 'ClusterPolicyReport') : namespace ? 'Report' : 'ClusterReport';
    return {
      apiVersion: group === 'wgpolicyk8s.io' ? 'wgpolicyk8s.io/v1alpha2' : 'openreports.io/v1alpha1',
      kind: reportKind,
      metadata: {
        name: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        ...(namespace ? { namespace } : {}),
        labels: { 'app.kubernetes.io/managed-by': 'kyverno' },
      },
      scope: { apiVersion: kind === 'Namespace' ? 'v1' : 'apps/v1', kind, name, ...(namespace ? { namespace } : {}) },
      results: rs.map((r) => ({
        policy: r.policy ?? policyName(org, 'cluster', r.template),
        result: r.outcome,
        message: r.outcome === 'pass' ? 'validation rule passed' : 'validation rule failed',
        scored: true,
        source: 'KyvernoValidatingPolicy',
        timestamp: { seconds: 1764547200, nanos: 0 },
      })),
      summary,
    };
  });
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items }, null, 1);
}

/** `passing` passing results and `failing[template]` failing ones per template (in namespace shop). */
export function syntheticResults(failing: Readonly<Record<string, number>>, templates: readonly string[], passing = 2): SyntheticResult[] {
  return templates.flatMap((template) => [
    ...Array.from({ length: passing }, (_, i) => ({ template, outcome: 'pass' as const, namespace: 'shop', name: `ok-${i}` })),
    ...Array.from({ length: failing[template] ?? 0 }, (_, i) => ({
      template,
      outcome: 'fail' as const,
      namespace: 'shop',
      name: `bad-${i}`,
    })),
  ]);
}

/** The snapshot `evidence add` records for such an export (every template seen unless `templates` says which). */
export function snapshotOf(
  environment: LadderEnvironment,
  date: string,
  failing: Readonly<Record<string, number>> = {},
  templates: readonly string[] = TEMPLATES.map((t) => t.name),
): EvidenceSnapshot {
  const exported = readReportExport(reportExport(syntheticResults(failing, templates)), 'export.yaml');
  return evidenceSnapshot({ environment, org: 'a5c', date, templates: TEMPLATES.map((t) => t.name), exports: [exported] });
}

/** Dates of the fixture repository's default evidence: clean in every environment, for every template. */
export const FIXTURE_EVIDENCE_DATES = ['2026-11-01', '2026-11-08', '2026-11-15', '2026-11-19', '2026-11-22'];

export function cleanEvidence(dates: readonly string[] = FIXTURE_EVIDENCE_DATES): EvidenceSnapshot[] {
  return (['dev', 'staging', 'prod'] as const).flatMap((env) => dates.map((d) => snapshotOf(env, d)));
}

/** Replaces a checkout's evidence/ with these snapshots. */
export function writeEvidence(root: string, snapshots: readonly EvidenceSnapshot[]): void {
  rmSync(join(root, 'evidence'), { recursive: true, force: true });
  for (const s of snapshots) {
    mkdirSync(join(root, 'evidence', s.environment), { recursive: true });
    writeFileSync(join(root, 'evidence', s.environment, `${s.date}.json`), formatSnapshot(s));
  }
}

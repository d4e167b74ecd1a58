// `evidence add`: one day's policy-report exports of one environment, summarised per template into a
// snapshot small enough to commit (evidence/<env>/<date>.json) whatever the cluster's size: counts
// are exact, lists are capped and say how much they left out. Pure: the date is an argument.
import { EVIDENCE_FORMAT, type EvidenceSnapshot, type TemplateEvidence } from '../environments/types';
import type { LadderEnvironment } from '../lib/ladder';
import { isFailing, templateMatcher, type GeneratedPolicy, type ReportExport } from './policy-reports';

/** How much of each list a snapshot keeps (the counts stay exact). */
export const EVIDENCE_LIMITS = {
  /** Namespaces with failing results, per template. */
  namespaces: 10,
  /** Failing resources, per namespace. */
  resources: 5,
  /** Policy names, per template (a template renders two: cluster and audit-override). */
  policies: 10,
  /** Policy names of other policies. */
  unmatchedPolicies: 20,
  /** Characters of one name (resource, namespace, policy) as written into the file. */
  nameChars: 200,
} as const;

/** How cluster-scoped resources are grouped among the namespaces. */
export const CLUSTER_SCOPE = '(cluster)';

export interface SnapshotInput {
  readonly environment: LadderEnvironment;
  readonly org: string;
  readonly date: string;
  /** Every template of the library: results of other policies are counted as unmatched. */
  readonly templates: readonly string[];
  /** The environment's generated policies (its plan), so bindings' results count for their template. @default only `org`'s names by rule */
  readonly policies?: readonly GeneratedPolicy[];
  readonly exports: readonly ReportExport[];
}

interface Tally {
  readonly policies: Set<string>;
  readonly results: Record<'pass' | 'fail' | 'warn' | 'error' | 'skip', number>;
  readonly failing: Map<string, { results: number; resources: Set<string> }>;
}

const sorted = (values: Iterable<string>): string[] => [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const clip = (s: string): string => (s.length <= EVIDENCE_LIMITS.nameChars ? s : `${s.slice(0, EVIDENCE_LIMITS.nameChars - 1)}…`);

/** The snapshot of one environment on one day: the same exports give the same bytes, in any order. */
export function evidenceSnapshot(input: SnapshotInput): EvidenceSnapshot {
  const ofTemplate = templateMatcher(input.org, input.templates, input.policies);
  const tallies = new Map<string, Tally>();
  const unmatched = new Set<string>();
  let unmatchedResults = 0;
  let reports = 0;
  let results = 0;
  for (const ex of input.exports) {
    reports += ex.reports;
    results += ex.results.length;
    for (const r of ex.results) {
      const template = ofTemplate(r);
      if (template === undefined) {
        unmatchedResults++;
        unmatched.add(clip(r.policy));
        continue;
      }
      let t = tallies.get(template);
      if (!t)
        tallies.set(template, (t = { policies: new Set(), results: { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 }, failing: new Map() }));
      t.policies.add(clip(r.policy));
      t.results[r.outcome]++;
      if (!isFailing(r)) continue;
      const ns = clip(r.namespace || CLUSTER_SCOPE);
      let f = t.failing.get(ns);
      if (!f) t.failing.set(ns, (f = { results: 0, resources: new Set() }));
      f.results++;
      f.resources.add(clip(r.resource));
    }
  }
  const templates: Record<string, TemplateEvidence> = {};
  for (const name of sorted(tallies.keys())) templates[name] = templateEvidence(tallies.get(name)!);
  const unmatchedNames = sorted(unmatched);
  return {
    format: EVIDENCE_FORMAT,
    environment: input.environment,
    date: input.date,
    org: input.org,
    reports,
    results,
    templates,
    unmatched: {
      results: unmatchedResults,
      policies: unmatchedNames.slice(0, EVIDENCE_LIMITS.unmatchedPolicies),
      morePolicies: Math.max(0, unmatchedNames.length - EVIDENCE_LIMITS.unmatchedPolicies),
    },
  };
}

function templateEvidence(t: Tally): TemplateEvidence {
  const policies = sorted(t.policies);
  // Most failing first, then by name, so the kept namespaces are the ones that matter and stable.
  const namespaces = [...t.failing].sort(([a, x], [b, y]) => y.results - x.results || (a < b ? -1 : 1));
  const kept = namespaces.slice(0, EVIDENCE_LIMITS.namespaces);
  const left = namespaces.slice(EVIDENCE_LIMITS.namespaces);
  return {
    policies: policies.slice(0, EVIDENCE_LIMITS.policies),
    morePolicies: Math.max(0, policies.length - EVIDENCE_LIMITS.policies),
    results: t.results,
    failing: kept.map(([namespace, f]) => {
      const resources = sorted(f.resources);
      return {
        namespace,
        results: f.results,
        resources: resources.slice(0, EVIDENCE_LIMITS.resources),
        moreResources: Math.max(0, resources.length - EVIDENCE_LIMITS.resources),
      };
    }),
    moreNamespaces: left.length,
    moreFailing: left.reduce((n, [, f]) => n + f.results, 0),
  };
}

/** The snapshot as committed: two-space JSON, one trailing newline. */
export function formatSnapshot(s: EvidenceSnapshot): string {
  return `${JSON.stringify(s, null, 2)}\n`;
}

// Graduation from evidence: whether the audit evidence recorded for an environment (one snapshot per
// `evidence add`, evidence/<env>/<date>.json) shows a template ready to enforce there, by the
// environment's promotion.evidence criteria. Pure: today is always an argument.
import { FAILING_OUTCOMES, type EvidenceSnapshot, type ResolvedGraduationCriteria, type TemplateEvidence } from '../environments/types';
import { addDays, daysBetween } from '../lib/dates';

/** Every environment's snapshots, oldest first. */
export type EvidenceHistory = ReadonlyMap<string, readonly EvidenceSnapshot[]>;

/** One snapshot of one template. */
export interface EvidencePoint {
  readonly date: string;
  /** fail + error results. */
  readonly failing: number;
  /** Results of every outcome. */
  readonly results: number;
}

/** Failing results (fail + error) of one template in a snapshot. */
export function failingOf(t: TemplateEvidence): number {
  return FAILING_OUTCOMES.reduce((n, o) => n + t.results[o], 0);
}

/** A template's trend in one environment: the snapshots that saw it, oldest first. */
export function templateSeries(snapshots: readonly EvidenceSnapshot[] | undefined, template: string): EvidencePoint[] {
  const points: EvidencePoint[] = [];
  for (const s of snapshots ?? []) {
    const t = s.templates[template];
    if (!t) continue;
    points.push({ date: s.date, failing: failingOf(t), results: Object.values(t.results).reduce((a, b) => a + b, 0) });
  }
  return points.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** The verdict for one template in one environment on one day. */
export interface Graduation {
  /** First day of the window (today − windowDays). */
  readonly from: string;
  readonly to: string;
  /** The snapshots inside the window. */
  readonly points: readonly EvidencePoint[];
  /** Why the criteria are not met; empty when they are. */
  readonly problems: readonly string[];
}

/**
 * Judges a template's trend against the criteria on `today`: the window is the `windowDays` days
 * up to today; it is covered when the template's first snapshot is on or before the window's first
 * day and the window holds at least `minSnapshots` snapshots; it is clean when the latest of them
 * has at most `maxFailing` failing results and (with `nonIncreasing`) failures never rose from one
 * snapshot to the next inside the window. Snapshots dated after today are not evidence yet.
 */
export function graduation(series: readonly EvidencePoint[], criteria: ResolvedGraduationCriteria, today: string): Graduation {
  const from = addDays(today, -criteria.windowDays);
  const known = series.filter((p) => p.date <= today);
  const points = known.filter((p) => p.date >= from);
  const problems: string[] = [];
  if (!criteria.required) return { from, to: today, points, problems };
  if (known.length === 0) return { from, to: today, points, problems: ['no snapshot has seen it'] };
  const first = known[0].date;
  if (first > from) {
    problems.push(
      `watched for ${daysBetween(first, today)} of ${criteria.windowDays} days: its first snapshot is ${first}, after the window's start ${from}`,
    );
  }
  if (points.length < criteria.minSnapshots) {
    problems.push(`${points.length} snapshot(s) in the window, at least ${criteria.minSnapshots} required`);
  }
  const latest = points[points.length - 1];
  if (latest && latest.failing > criteria.maxFailing) {
    problems.push(`latest snapshot ${latest.date}: ${latest.failing} failing result(s), at most ${criteria.maxFailing} allowed`);
  }
  if (criteria.nonIncreasing) {
    for (let i = 1; i < points.length; i++) {
      if (points[i].failing > points[i - 1].failing)
        problems.push(
          `failing results rose from ${points[i - 1].failing} on ${points[i - 1].date} to ${points[i].failing} on ${points[i].date}`,
        );
    }
  }
  return { from, to: today, points, problems };
}

/** The refusal sentence: template's environment, window, every problem and the counts per snapshot. */
export function describeGraduation(g: Graduation, environment: string, criteria: ResolvedGraduationCriteria): string {
  const trend = g.points.length > 0 ? `; failing per snapshot: ${g.points.map((p) => `${p.date} ${p.failing}`).join(', ')}` : '';
  return (
    `audit evidence from ${environment} (evidence/${environment}/, window ${g.from}…${g.to}, ${criteria.windowDays} days) does not meet promotion.evidence of environments/${environment}.ts: ` +
    `${g.problems.join('; ')}${trend}; record snapshots with npx krate-policy evidence add --env ${environment} <reports.yaml>`
  );
}

/** When the evidence recorded so far allows the step: a date, or why no date can be given yet. */
export type Eligibility = { readonly date: string } | { readonly blocked: readonly string[] };

/**
 * The first day on or after `notBefore` (today or later) on which the snapshots recorded so far
 * meet the criteria (the window ends that day; no further snapshot is assumed), or the problems that
 * waiting alone does not fix.
 */
export function eligibleFrom(
  series: readonly EvidencePoint[],
  criteria: ResolvedGraduationCriteria,
  today: string,
  notBefore: string = today,
): Eligibility {
  if (!criteria.required) return { date: notBefore };
  // Only what is recorded by today: a board drawn for an earlier day must not see later snapshots.
  series = series.filter((p) => p.date <= today);
  if (series.length === 0) return { blocked: ['no snapshot has seen it'] };
  const watched = addDays(series[0].date, criteria.windowDays);
  const date = watched > notBefore ? watched : notBefore;
  const g = graduation(series, criteria, date);
  return g.problems.length === 0 ? { date } : { blocked: g.problems };
}

import { eligibleFrom, graduation, templateSeries, type EvidencePoint } from '../../config/evidence';
import { compareRollouts, formatFinding, statusBoard, type EvidenceGate, type Rollout } from '../../config/rollout';
import type { ResolvedGraduationCriteria } from '../../environments/types';
import { TEMPLATES } from '../../policies';
import { configErrorOf, type Mutable } from '../support/config-errors';
import { snapshotOf } from '../support/evidence';
import { ENVIRONMENTS, resolveEnvironments, type EnvironmentConfig } from '../support/fixtures';

/** The defaults, as an environment that sets nothing resolves them. */
const DEFAULTS = resolveEnvironments([ENVIRONMENTS.find((e) => e.name === 'dev')!])[0].promotion.evidence;
const points = (...pairs: Array<[string, number]>): EvidencePoint[] => pairs.map(([date, failing]) => ({ date, failing, results: 10 }));

describe('graduation criteria', () => {
  it("default to the design's wording: 14 days watched, 3 snapshots, nothing failing at the end, nothing rising", () => {
    expect(DEFAULTS).toEqual({ required: true, windowDays: 14, minSnapshots: 3, maxFailing: 0, nonIncreasing: true });
  });

  it('pass a trend that covers the window and falls to zero', () => {
    const g = graduation(points(['2026-11-01', 4], ['2026-11-08', 4], ['2026-11-12', 1], ['2026-11-15', 0]), DEFAULTS, '2026-11-15');
    expect(g).toEqual({
      from: '2026-11-01',
      to: '2026-11-15',
      points: points(['2026-11-01', 4], ['2026-11-08', 4], ['2026-11-12', 1], ['2026-11-15', 0]),
      problems: [],
    });
  });

  it('fail when observation began inside the window', () => {
    expect(graduation(points(['2026-11-05', 0], ['2026-11-10', 0], ['2026-11-15', 0]), DEFAULTS, '2026-11-15').problems).toEqual([
      "watched for 10 of 14 days: its first snapshot is 2026-11-05, after the window's start 2026-11-01",
    ]);
  });

  it('fail when the window holds too few snapshots (older ones do not count)', () => {
    expect(graduation(points(['2026-10-01', 0], ['2026-11-10', 0], ['2026-11-15', 0]), DEFAULTS, '2026-11-15').problems).toEqual([
      '2 snapshot(s) in the window, at least 3 required',
    ]);
  });

  it('fail when the latest snapshot still fails, and when failures rose', () => {
    expect(graduation(points(['2026-11-01', 0], ['2026-11-08', 2], ['2026-11-15', 1]), DEFAULTS, '2026-11-15').problems).toEqual([
      'latest snapshot 2026-11-15: 1 failing result(s), at most 0 allowed',
      'failing results rose from 0 on 2026-11-01 to 2 on 2026-11-08',
    ]);
    const lenient: ResolvedGraduationCriteria = { ...DEFAULTS, maxFailing: 1, nonIncreasing: false };
    expect(graduation(points(['2026-11-01', 0], ['2026-11-08', 2], ['2026-11-15', 1]), lenient, '2026-11-15').problems).toEqual([]);
  });

  it('fail when nothing was recorded, ignore snapshots dated after today, and pass anything when not required', () => {
    expect(graduation([], DEFAULTS, '2026-11-15').problems).toEqual(['no snapshot has seen it']);
    expect(graduation(points(['2026-11-20', 0]), DEFAULTS, '2026-11-15').problems).toEqual(['no snapshot has seen it']);
    expect(graduation([], { ...DEFAULTS, required: false }, '2026-11-15').problems).toEqual([]);
  });

  it('give the first eligible day from the evidence so far, or what blocks it', () => {
    expect(eligibleFrom(points(['2026-11-05', 0], ['2026-11-10', 0], ['2026-11-15', 0]), DEFAULTS, '2026-11-15')).toEqual({
      date: '2026-11-19',
    });
    expect(eligibleFrom(points(['2026-11-01', 0], ['2026-11-08', 0], ['2026-11-15', 0]), DEFAULTS, '2026-11-15')).toEqual({
      date: '2026-11-15',
    });
    expect(eligibleFrom(points(['2026-11-01', 0], ['2026-11-08', 0], ['2026-11-15', 3]), DEFAULTS, '2026-11-15')).toEqual({
      blocked: [
        'latest snapshot 2026-11-15: 3 failing result(s), at most 0 allowed',
        'failing results rose from 0 on 2026-11-08 to 3 on 2026-11-15',
      ],
    });
    expect(eligibleFrom([], DEFAULTS, '2026-11-15')).toEqual({ blocked: ['no snapshot has seen it'] });
  });

  it('read a template out of snapshots, oldest first, skipping snapshots that did not see it', () => {
    const snapshots = [
      snapshotOf('dev', '2026-11-08', { 'require-labels': 2 }),
      snapshotOf('dev', '2026-11-01', {}, ['disallow-latest-tag']),
    ];
    expect(templateSeries(snapshots, 'require-labels')).toEqual([{ date: '2026-11-08', failing: 2, results: 4 }]);
    expect(templateSeries(snapshots, 'disallow-latest-tag').map((p) => p.date)).toEqual(['2026-11-01', '2026-11-08']);
  });
});

describe('the evidence rule of the ladder', () => {
  const base: Rollout = { 'require-labels': { stage: 'audit:prod', since: '2026-10-01' } };
  const head: Rollout = { 'require-labels': { stage: 'enforce:dev', since: '2026-11-15' } };
  const gate = (dev: ReturnType<typeof snapshotOf>[], staging: ReturnType<typeof snapshotOf>[] = []): EvidenceGate => ({
    criteria: { dev: DEFAULTS, staging: DEFAULTS, prod: DEFAULTS },
    evidence: new Map([
      ['dev', dev],
      ['staging', staging],
    ]),
  });

  it("refuses enforce:dev on dev's evidence, naming template, environment, dates and counts", () => {
    const dev = [snapshotOf('dev', '2026-11-08', { 'require-labels': 3 }), snapshotOf('dev', '2026-11-15', { 'require-labels': 1 })];
    const clean = [1, 8, 15].map((d) => snapshotOf('staging', `2026-11-${String(d).padStart(2, '0')}`));
    const findings = compareRollouts(base, head, '2026-11-15', gate(dev, clean));
    expect(findings.map(formatFinding)).toEqual([
      'require-labels: audit:prod → enforce:dev: audit evidence from dev (evidence/dev/, window 2026-11-01…2026-11-15, 14 days) does not meet promotion.evidence of environments/dev.ts: ' +
        "watched for 7 of 14 days: its first snapshot is 2026-11-08, after the window's start 2026-11-01; 2 snapshot(s) in the window, at least 3 required; " +
        'latest snapshot 2026-11-15: 1 failing result(s), at most 0 allowed; failing per snapshot: 2026-11-08 3, 2026-11-15 1; ' +
        'record snapshots with npx krate-policy evidence add --env dev <reports.yaml> [rule: evidence]',
    ]);
  });

  it('allows it once the window is covered and clean, and never judges moves that are not into enforce', () => {
    const dev = ['2026-11-01', '2026-11-08', '2026-11-15'].map((d, i) => snapshotOf('dev', d, { 'require-labels': 2 - i }));
    expect(compareRollouts(base, head, '2026-11-15', gate(dev))).toEqual([]);
    const toProd: Rollout = { 'require-labels': { stage: 'audit:prod', since: '2026-11-15' } };
    expect(compareRollouts({ 'require-labels': { stage: 'audit:staging', since: '2026-11-01' } }, toProd, '2026-11-15', gate([]))).toEqual(
      [],
    );
    // Rollback is always allowed.
    expect(compareRollouts(head, base, '2026-11-15', gate([]))).toEqual([]);
  });

  it('is off for an environment whose criteria say required: false', () => {
    const off: EvidenceGate = { criteria: { dev: { ...DEFAULTS, required: false } }, evidence: new Map() };
    expect(compareRollouts(base, head, '2026-11-15', off)).toEqual([]);
  });

  it('decides enforce:staging on staging evidence, not dev', () => {
    const from: Rollout = { 'require-labels': { stage: 'enforce:dev', since: '2026-11-01' } };
    const to: Rollout = { 'require-labels': { stage: 'enforce:staging', since: '2026-11-15' } };
    const dev = ['2026-11-01', '2026-11-08', '2026-11-15'].map((d) => snapshotOf('dev', d));
    const findings = compareRollouts(from, to, '2026-11-15', gate(dev, []));
    expect(findings.map((f) => [f.rule, f.message.slice(0, 30)])).toEqual([['evidence', 'audit evidence from staging (e']]);
  });

  it('puts the evidence on the board: trend per environment and the next eligible day', () => {
    const dev = ['2026-11-05', '2026-11-10', '2026-11-15'].map((d, i) => snapshotOf('dev', d, { 'require-labels': 2 - i }));
    const rows = statusBoard(base, '2026-11-15', TEMPLATES, gate(dev));
    const row = rows.find((r) => r.template === 'require-labels')!;
    expect(row.trend).toEqual({
      dev: [
        { date: '2026-11-05', failing: 2, results: 4 },
        { date: '2026-11-10', failing: 1, results: 3 },
        { date: '2026-11-15', failing: 0, results: 2 },
      ],
    });
    expect(row.next).toEqual({ stage: 'enforce:dev', date: '2026-11-19' });
    const failing = statusBoard(base, '2026-11-15', TEMPLATES, gate([snapshotOf('dev', '2026-11-15', { 'require-labels': 5 })]));
    expect(failing.find((r) => r.template === 'require-labels')!.next).toEqual({
      stage: 'enforce:dev',
      blocked: ['1 snapshot(s) in the window, at least 3 required', 'latest snapshot 2026-11-15: 5 failing result(s), at most 0 allowed'],
    });
  });
});

describe('graduation criteria in an environment file', () => {
  const withEvidence = (evidence: unknown): EnvironmentConfig => {
    const e = JSON.parse(JSON.stringify(ENVIRONMENTS.find((x) => x.name === 'prod'))) as Mutable;
    e.promotion = { evidence };
    return e as EnvironmentConfig;
  };

  it('fill in what an environment leaves out', () => {
    expect(resolveEnvironments([withEvidence({ windowDays: 28 })])[0].promotion).toEqual({
      maxFailingResults: 0,
      evidence: { ...DEFAULTS, windowDays: 28 },
    });
  });

  it('fails when minSnapshots cannot fit the window', () => {
    expect(configErrorOf([withEvidence({ windowDays: 2, minSnapshots: 4 })])).toContain(
      'environments.prod.promotion.evidence.minSnapshots: 4 snapshots cannot fit a 2-day window (one per day, at most 3); lower minSnapshots or widen windowDays (edit environments/prod.ts)',
    );
  });

  it('fails when the window is not a whole number of days from 1 to 365', () => {
    expect(configErrorOf([withEvidence({ windowDays: 0 })])).toContain(
      'environments.prod.promotion.evidence.windowDays: 0 must be a whole number from 1 to 365 (edit environments/prod.ts)',
    );
  });

  it('fails when a criterion is misspelled', () => {
    expect(configErrorOf([withEvidence({ maxFailures: 0 })])).toContain(
      'environments.prod.promotion.evidence.maxFailures: unknown field; expected one of required|windowDays|minSnapshots|maxFailing|nonIncreasing',
    );
  });
});

import { ROLLOUT } from '../support/fixtures';
import { TEMPLATES } from '../../policies';
import { Problems } from '../../lib/errors';
import { ConfigError } from '../../lib/errors';
import { compareRollouts, nextPromotionDate, nextStage, statusBoard, validateRollout, type Rollout } from '../../config/rollout';

/** The messages validateRollout reports for a rollout given as untyped data. */
function problemsFor(rollout: unknown): string {
  const problems = new Problems();
  validateRollout(rollout, problems, { templates: TEMPLATES });
  try {
    problems.throwIfAny();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected problems');
}

const base: Rollout = {
  'require-labels': { stage: 'audit:prod', since: '2026-11-01' },
  'disallow-latest-tag': { stage: 'audit:dev', since: '2026-11-10' },
};
const TODAY = '2026-11-22';
const rules = (head: Rollout, from: Rollout = base, today = TODAY) => compareRollouts(from, head, today);

describe('validateRollout', () => {
  it("accepts parameters that fit the template's typed parameters", () => {
    const problems = new Problems();
    validateRollout({ 'require-labels': { stage: 'audit:dev', since: '2026-11-01', parameters: { labels: ['owner'] } } }, problems, {
      templates: TEMPLATES,
    });
    expect(problems.count).toBe(0);
  });

  it("fails when a parameter is not one of the template's", () => {
    expect(problemsFor({ 'require-labels': { stage: 'audit:dev', since: '2026-11-01', parameters: { label: ['owner'] } } })).toContain(
      'rollout.require-labels.parameters.label: unknown parameter of template require-labels (known: labels) (edit environments/rollout.ts)',
    );
  });

  it('fails when a parameter has the wrong type', () => {
    expect(problemsFor({ 'require-labels': { stage: 'audit:dev', since: '2026-11-01', parameters: { labels: 'owner' } } })).toContain(
      "rollout.require-labels.parameters.labels: 'owner' is not a list of non-empty strings",
    );
  });

  it('fails when an entry has an unknown field, suggesting the closest', () => {
    expect(problemsFor({ 'require-labels': { stage: 'audit:dev', since: '2026-11-01', soakDay: 3 } })).toContain(
      "rollout.require-labels.soakDay: unknown field; expected one of stage|since|soakDays|auditNamespaces|parameters (did you mean 'soakDays'?)",
    );
  });

  it('accepts the committed rollout', () => {
    const problems = new Problems();
    validateRollout(ROLLOUT, problems, { templates: TEMPLATES });
    expect(problems.count).toBe(0);
  });

  it('fails when a template is unknown, suggesting the closest name', () => {
    expect(problemsFor({ 'require-label': { stage: 'audit:dev', since: '2026-11-01' } })).toContain(
      "rollout.require-label: unknown template 'require-label' (did you mean 'require-labels'?); templates are the folders policies/<pack>/<template>/ (edit environments/rollout.ts)",
    );
  });

  it('fails when a stage is not on the ladder', () => {
    expect(problemsFor({ 'require-labels': { stage: 'enforce:qa', since: '2026-11-01' } })).toContain(
      "rollout.require-labels.stage: 'enforce:qa' is not one of draft|audit:dev|audit:staging|audit:prod|enforce:dev|enforce:staging|enforce:prod (edit environments/rollout.ts)",
    );
  });

  it('fails when the since date is missing', () => {
    expect(problemsFor({ 'require-labels': { stage: 'audit:dev' } })).toContain(
      'rollout.require-labels.since: missing: the date (YYYY-MM-DD) the current stage began (edit environments/rollout.ts)',
    );
  });

  it('fails when the since date does not exist', () => {
    expect(problemsFor({ 'require-labels': { stage: 'audit:dev', since: '2026-02-30' } })).toContain(
      "rollout.require-labels.since: '2026-02-30' is not a date like 2026-11-22 (YYYY-MM-DD)",
    );
  });

  it('fails when the since date is written in another format', () => {
    expect(problemsFor({ 'require-labels': { stage: 'audit:dev', since: '22/11/2026' } })).toContain(
      "rollout.require-labels.since: '22/11/2026' is not a date like 2026-11-22 (YYYY-MM-DD)",
    );
  });

  it('fails when soakDays is zero', () => {
    expect(problemsFor({ 'require-labels': { stage: 'audit:prod', since: '2026-11-01', soakDays: 0 } })).toContain(
      'rollout.require-labels.soakDays: 0 must be a whole number from 1 to 90',
    );
  });

  it('fails when soakDays is not a whole number', () => {
    expect(problemsFor({ 'require-labels': { stage: 'audit:prod', since: '2026-11-01', soakDays: 2.5 } })).toContain(
      'rollout.require-labels.soakDays: 2.5 must be a whole number from 1 to 90',
    );
  });

  it('fails when an audit namespace is protected', () => {
    expect(problemsFor({ 'require-labels': { stage: 'enforce:dev', since: '2026-11-01', auditNamespaces: ['kube-system'] } })).toContain(
      "rollout.require-labels.auditNamespaces[0]: 'kube-system' is a protected namespace: policies never run there, so an audit override has no effect; remove it",
    );
  });

  it('fails when an audit namespace is listed twice', () => {
    expect(
      problemsFor({ 'require-labels': { stage: 'enforce:dev', since: '2026-11-01', auditNamespaces: ['job-runner', 'job-runner'] } }),
    ).toContain("rollout.require-labels.auditNamespaces[1]: 'job-runner' is listed twice");
  });

  it('fails when an audit namespace is not a namespace name', () => {
    expect(problemsFor({ 'require-labels': { stage: 'enforce:dev', since: '2026-11-01', auditNamespaces: ['Job_Runner'] } })).toContain(
      "rollout.require-labels.auditNamespaces[0]: 'Job_Runner' is not a DNS label",
    );
  });

  it('fails when auditNamespaces is not a list', () => {
    expect(problemsFor({ 'require-labels': { stage: 'enforce:dev', since: '2026-11-01', auditNamespaces: 'job-runner' } })).toContain(
      "rollout.require-labels.auditNamespaces: 'job-runner' must be a list of namespace names",
    );
  });

  it('fails when an entry has an unknown field', () => {
    expect(problemsFor({ 'require-labels': { stage: 'audit:dev', since: '2026-11-01', soak: 3 } })).toContain(
      'rollout.require-labels.soak: unknown field; expected one of stage|since|soakDays|auditNamespaces',
    );
  });
});

describe('compareRollouts', () => {
  it('passes one rung up with a new date', () => {
    expect(rules({ ...base, 'disallow-latest-tag': { stage: 'audit:staging', since: '2026-11-21' } })).toEqual([]);
  });

  it('passes any move down, including a rollback to draft', () => {
    expect(rules({ 'require-labels': { stage: 'audit:dev', since: '2026-10-01' } })).toEqual([]);
  });

  it('passes a new template at audit:dev', () => {
    expect(rules({ ...base, 'require-pr-description': { stage: 'audit:dev', since: TODAY } })).toEqual([]);
  });

  it('passes the first enforce step once the soak is over', () => {
    expect(rules({ ...base, 'require-labels': { stage: 'enforce:dev', since: TODAY } })).toEqual([]);
  });

  it('fails when a template climbs two rungs in one change', () => {
    const [f] = rules({ ...base, 'disallow-latest-tag': { stage: 'audit:prod', since: TODAY } });
    expect(f).toMatchObject({ template: 'disallow-latest-tag', from: 'audit:dev', to: 'audit:prod', rule: 'jump' });
    expect(f.message).toBe('climbs 2 rungs in one change; promote one rung at a time (next: audit:staging)');
  });

  it('fails when a new template starts above audit:dev', () => {
    const [f] = rules({ ...base, 'require-pr-description': { stage: 'audit:staging', since: TODAY } });
    expect(f).toMatchObject({ from: 'new', to: 'audit:staging', rule: 'new-template-above-audit:dev' });
    expect(f.message).toBe('a new template starts at draft or audit:dev, not audit:staging; promote it one rung per change');
  });

  it('fails when the first enforce step comes before the soak ends', () => {
    const soaking: Rollout = { 'require-labels': base['require-labels'] };
    const [f] = rules({ 'require-labels': { stage: 'enforce:dev', since: '2026-11-05' } }, soaking, '2026-11-05');
    expect(f).toMatchObject({ from: 'audit:prod', to: 'enforce:dev', rule: 'soak' });
    expect(f.message).toBe(
      'first enforce step before the soak: 7 days in audit:prod from 2026-11-01 end on 2026-11-08, today is 2026-11-05',
    );
  });

  it('fails when a per-template soak is longer than the default and not over', () => {
    const longer: Rollout = { 'require-labels': { stage: 'audit:prod', since: '2026-11-01', soakDays: 30 } };
    const [f] = rules({ 'require-labels': { stage: 'enforce:dev', since: TODAY, soakDays: 30 } }, longer);
    expect(f.message).toContain('30 days in audit:prod from 2026-11-01 end on 2026-12-01');
  });

  it('fails when the soak is shortened in the change that uses it', () => {
    const longer: Rollout = { 'require-labels': { stage: 'audit:prod', since: '2026-11-01', soakDays: 30 } };
    const [f] = rules({ 'require-labels': { stage: 'enforce:dev', since: TODAY, soakDays: 1 } }, longer);
    expect(f.rule).toBe('soak');
    expect(f.message).toContain('(soakDays was lowered from 30 to 1 in the same change; the longer soak applies)');
  });

  it('fails when a stage date is in the future', () => {
    const [f] = rules({ ...base, 'disallow-latest-tag': { stage: 'audit:staging', since: '2026-12-01' } });
    expect(f).toMatchObject({
      rule: 'future-date',
      message: 'since 2026-12-01 is in the future (today is 2026-11-22); a stage begins when it is merged',
    });
  });

  it('fails when a stage date is missing', () => {
    const [f] = rules({ ...base, 'disallow-latest-tag': { stage: 'audit:dev' } as never });
    expect(f).toMatchObject({ rule: 'missing-date', message: "no 'since' date; write the date the stage began (YYYY-MM-DD)" });
  });

  it('fails when a promotion keeps the old date', () => {
    const [f] = rules({ ...base, 'disallow-latest-tag': { stage: 'audit:staging', since: '2026-11-10' } });
    expect(f).toMatchObject({
      rule: 'date-not-updated',
      message: 'the stage changed but since is still 2026-11-10; write the date the new stage began',
    });
  });

  it('passes a second promotion on the day of the first', () => {
    const today: Rollout = { 'disallow-latest-tag': { stage: 'audit:dev', since: TODAY } };
    expect(rules({ 'disallow-latest-tag': { stage: 'audit:staging', since: TODAY } }, today)).toEqual([]);
  });

  it('fails when a promotion is dated before the previous stage began', () => {
    const [f] = rules({ ...base, 'disallow-latest-tag': { stage: 'audit:staging', since: '2026-11-09' } });
    expect(f.message).toBe('since 2026-11-09 is before the previous stage began (2026-11-10)');
  });

  it('fails when a date is moved back without a stage change', () => {
    const [f] = rules({ ...base, 'require-labels': { stage: 'audit:prod', since: '2026-10-01' } });
    expect(f).toMatchObject({
      rule: 'backdated',
      message: 'since moved back from 2026-11-01 to 2026-10-01 without a stage change; that shortens the soak',
    });
  });
});

describe('the board', () => {
  it('knows the next rung and when it is allowed', () => {
    expect(nextStage('audit:prod')).toBe('enforce:dev');
    expect(nextStage('enforce:prod')).toBeUndefined();
    expect(nextPromotionDate({ stage: 'audit:prod', since: '2026-11-20', soakDays: 10 })).toBe('2026-11-30');
    expect(nextPromotionDate({ stage: 'audit:dev', since: '2026-11-20' })).toBe('2026-11-20');
  });

  it('shows modes per environment, days in stage and drafts', () => {
    const rows = statusBoard(
      { 'require-labels': { stage: 'enforce:dev', since: '2026-11-20', auditNamespaces: ['job-runner'] } },
      TODAY,
      TEMPLATES,
      { criteria: {}, evidence: new Map() },
    );
    const row = rows.find((r) => r.template === 'require-labels')!;
    expect(row).toMatchObject({
      stage: 'enforce:dev',
      daysInStage: 2,
      modes: { dev: 'Enforce', staging: 'Audit', prod: 'Audit' },
      next: { stage: 'enforce:staging' },
    });
    const draft = rows.find((r) => r.template === 'disallow-latest-tag')!;
    expect(draft).toMatchObject({
      stage: 'draft',
      modes: { dev: undefined, staging: undefined, prod: undefined },
      next: { stage: 'audit:dev' },
    });
  });
});

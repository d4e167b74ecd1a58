// The rollout ladder's rules, in one place: what a valid rollout file is (validateRollout), which
// changes between two rollouts are allowed (compareRollouts), and the board `status` prints.
// Everything here is pure; "today" is always an argument.
import { DEFAULT_SOAK_DAYS, ROLLOUT_ENTRY, type ResolvedGraduationCriteria, type RolloutEntry } from '../environments/types';
import { addDays, daysBetween } from '../lib/dates';
import { ConfigError, Problems, show } from '../lib/errors';
import { LADDER_ENVIRONMENTS, modeAt, STAGES, type LadderEnvironment, type PolicyMode, type Stage } from '../lib/ladder';
import { INVALID } from '../lib/spec';
import { didYouMean } from '../lib/suggest';
import { resolveParameters } from '../policies/render';
import type { PolicyTemplate } from '../policies/template';
import { describeGraduation, eligibleFrom, graduation, templateSeries, type EvidenceHistory, type EvidencePoint } from './evidence';
import { PROTECTED_NAMESPACES } from './exclusions';

export type Rollout = Readonly<Record<string, RolloutEntry>>;

import { ROLLOUT_FILE } from '../lib/paths';
const FIRST_ENFORCE: Stage = 'enforce:dev';

const rung = (stage: Stage): number => STAGES.indexOf(stage);

/** The rung above `stage`, or undefined at the top. */
export function nextStage(stage: Stage): Stage | undefined {
  return STAGES[rung(stage) + 1];
}

/** The stage a rollout gives a template: absent templates are drafts. */
export function stageOf(rollout: Rollout, template: string): Stage {
  return rollout[template]?.stage ?? 'draft';
}

/** The soak a template must spend in audit:prod. */
export function soakDaysOf(entry: RolloutEntry | undefined): number {
  return entry?.soakDays ?? DEFAULT_SOAK_DAYS;
}

export interface ValidateRolloutOptions {
  /** The template library: keys must name a template, parameters must fit its typed parameters. */
  readonly templates: readonly PolicyTemplate[];
  /** Where the rollout came from, for messages. @default 'environments/rollout.ts' */
  readonly file?: string;
}

/**
 * Static checks of a rollout (no clock: synth runs these): every key a known template, every entry
 * as ROLLOUT_ENTRY defines it, audit namespaces outside the protected ones, and parameters that
 * the template accepts.
 */
export function validateRollout(rollout: unknown, problems: Problems, options: ValidateRolloutOptions): void {
  const file = options.file ?? ROLLOUT_FILE;
  const names = options.templates.map((t) => t.name);
  if (rollout === null || typeof rollout !== 'object' || Array.isArray(rollout)) {
    problems.add('rollout', `${show(rollout)} must be an object keyed by template name (edit ${file})`);
    return;
  }
  for (const [name, raw] of Object.entries(rollout as Record<string, unknown>)) {
    const path = `rollout.${name}`;
    const template = options.templates.find((t) => t.name === name);
    if (!template) {
      problems.add(
        path,
        `unknown template '${name}'${didYouMean(name, names)}; templates are the folders policies/<pack>/<template>/ (edit ${file})`,
      );
      continue;
    }
    const entry = ROLLOUT_ENTRY.parse(raw, path, { problems, fix: `edit ${file}` });
    if (entry === INVALID) continue;
    entry.auditNamespaces.forEach((ns, i) => {
      if ((PROTECTED_NAMESPACES as readonly string[]).includes(ns)) {
        problems.add(
          `${path}.auditNamespaces[${i}]`,
          `'${ns}' is a protected namespace: policies never run there, so an audit override has no effect; remove it (edit ${file})`,
        );
      }
    });
    try {
      resolveParameters(template, entry.parameters, `${path}.parameters`);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      for (const p of e.problems) problems.add(p.slice(0, p.indexOf(': ')), `${p.slice(p.indexOf(': ') + 2)} (edit ${file})`);
    }
  }
}

/** Throws a ConfigError when the rollout is not valid (static checks only). */
export function assertValidRollout(rollout: unknown, options: ValidateRolloutOptions): asserts rollout is Rollout {
  const problems = new Problems();
  validateRollout(rollout, problems, options);
  problems.throwIfAny();
}

/** Which ladder rule a change breaks. */
export type RolloutRule =
  | 'jump'
  | 'new-template-above-audit:dev'
  | 'soak'
  | 'future-date'
  | 'missing-date'
  | 'date-not-updated'
  | 'backdated'
  | 'evidence';

/** One refused change: the policy, where it was, where it went, the rule and a sentence for reviewers. */
export interface RolloutFinding {
  readonly template: string;
  /** Stage at the base ('new' when the base does not list the template). */
  readonly from: Stage | 'new';
  /** Stage in the working tree ('draft' when it no longer lists the template). */
  readonly to: Stage;
  readonly rule: RolloutRule;
  readonly message: string;
}

/** One line per finding, naming policy, from, to and the rule. */
export function formatFinding(f: RolloutFinding): string {
  return `${f.template}: ${f.from} → ${f.to}: ${f.message} [rule: ${f.rule}]`;
}

/**
 * What a step into enforce is judged by: each environment's graduation criteria (its
 * promotion.evidence) and the audit evidence recorded for it.
 */
export interface EvidenceGate {
  /** Per environment defined in environments/; a ladder environment not defined there renders nothing, so nothing enforces. */
  readonly criteria: Readonly<Partial<Record<LadderEnvironment, ResolvedGraduationCriteria>>>;
  readonly evidence: EvidenceHistory;
}

/**
 * The environment whose audit evidence decides a step into `stage`: entering enforce:X needs X's
 * own audit evidence (the template audits there on the rung below, and X is where its failures turn
 * into denials). Undefined for every other step.
 */
export function evidenceEnvironment(stage: Stage): LadderEnvironment | undefined {
  return stage.startsWith('enforce:') ? (stage.slice('enforce:'.length) as LadderEnvironment) : undefined;
}

/**
 * The ladder rules for one change from `base` to `head` (both already statically valid): no move
 * up more than one rung, new templates start at draft or audit:dev, the first enforce step only
 * after the soak in audit:prod, every date present and not after `today`, a promotion writes its
 * date, and no backdating; with a `gate`, a step into enforce:X only when X's audit evidence meets
 * X's graduation criteria. Any move down is allowed: rollback must always be possible.
 * @param gate the evidence rule's inputs; @default none: the evidence rule is not applied (check
 *   compares a rollout with itself, where nothing is promoted)
 */
export function compareRollouts(base: Rollout, head: Rollout, today: string, gate?: EvidenceGate): RolloutFinding[] {
  const findings: RolloutFinding[] = [];
  const names = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort();
  for (const template of names) {
    const b = base[template];
    const h = head[template];
    const from: Stage | 'new' = b ? b.stage : 'new';
    const to = stageOf(head, template);
    const add = (rule: RolloutRule, message: string): void => void findings.push({ template, from, to, rule, message });
    const up = rung(to) - rung(stageOf(base, template));

    if (h) {
      if (h.since === undefined || h.since === '') add('missing-date', `no 'since' date; write the date the stage began (YYYY-MM-DD)`);
      else if (h.since > today)
        add('future-date', `since ${h.since} is in the future (today is ${today}); a stage begins when it is merged`);
    }
    if (up > 1 && !b) {
      add('new-template-above-audit:dev', `a new template starts at draft or audit:dev, not ${to}; promote it one rung per change`);
    } else if (up > 1) {
      add('jump', `climbs ${up} rungs in one change; promote one rung at a time (next: ${nextStage(b!.stage)})`);
    }
    if (up < 1 || !h) {
      if (up === 0 && b && h && h.since && b.since && h.since < b.since) {
        add('backdated', `since moved back from ${b.since} to ${h.since} without a stage change; that shortens the soak`);
      }
      continue; // unchanged, or moved down: rollback (including git revert) is always allowed
    }
    // Two promotions on one day (two pull requests) legitimately share a date.
    if (b && h.since === b.since && b.since !== today)
      add('date-not-updated', `the stage changed but since is still ${b.since}; write the date the new stage began`);
    else if (b && h.since && b.since && h.since < b.since)
      add('date-not-updated', `since ${h.since} is before the previous stage began (${b.since})`);
    if (up === 1 && b?.stage === 'audit:prod' && to === FIRST_ENFORCE) {
      // Shortening soakDays in the same change that uses it does not count: the longer soak applies.
      const soak = Math.max(soakDaysOf(b), soakDaysOf(h));
      const ready = addDays(b.since, soak);
      if (today < ready) {
        const shortened =
          soakDaysOf(h) < soakDaysOf(b)
            ? ` (soakDays was lowered from ${soakDaysOf(b)} to ${soakDaysOf(h)} in the same change; the longer soak applies)`
            : '';
        add(
          'soak',
          `first enforce step before the soak: ${soak} days in audit:prod from ${b.since} end on ${ready}, today is ${today}${shortened}`,
        );
      }
    }
    const env = evidenceEnvironment(to);
    const criteria = env && gate?.criteria[env];
    if (up === 1 && env && criteria) {
      const verdict = graduation(templateSeries(gate.evidence.get(env), template), criteria, today);
      if (verdict.problems.length > 0) add('evidence', describeGraduation(verdict, env, criteria));
    }
  }
  return findings;
}

/** The date a template may climb its next rung (undefined at the top). */
export function nextPromotionDate(entry: RolloutEntry | undefined): string | undefined {
  if (!entry) return undefined; // a draft may enter audit:dev any day
  if (!nextStage(entry.stage)) return undefined;
  return entry.stage === 'audit:prod' ? addDays(entry.since, soakDaysOf(entry)) : entry.since;
}

/** The next rung's date with the evidence rule: the later of the ladder's date and the evidence's, or what blocks it. */
function nextWithEvidence(
  template: string,
  entry: RolloutEntry | undefined,
  stage: Stage,
  today: string,
  gate: EvidenceGate,
): NonNullable<StatusRow['next']> | undefined {
  const next = nextStage(stage);
  if (!next) return undefined;
  const date = nextPromotionDate(entry);
  const env = evidenceEnvironment(next);
  const criteria = env && gate.criteria[env];
  if (!env || !criteria) return { stage: next, date };
  const eligible = eligibleFrom(templateSeries(gate.evidence.get(env), template), criteria, today, date && date > today ? date : today);
  if ('blocked' in eligible) return { stage: next, blocked: eligible.blocked };
  return { stage: next, date: eligible.date };
}

/** One row of the ladder board. */
export interface StatusRow {
  readonly template: string;
  readonly pack: string;
  readonly stage: Stage;
  readonly since?: string;
  readonly daysInStage?: number;
  /** Mode per ladder environment: undefined = not rendered. */
  readonly modes: Readonly<Record<LadderEnvironment, PolicyMode | undefined>>;
  readonly auditNamespaces: readonly string[];
  /** The next rung, the first day it may be entered, or (for an enforce step) what in the evidence blocks it. */
  readonly next?: { readonly stage: Stage; readonly date?: string; readonly blocked?: readonly string[] };
  /** Failing results per snapshot, per environment that recorded any for the template. */
  readonly trend: Readonly<Partial<Record<LadderEnvironment, readonly EvidencePoint[]>>>;
}

/** The ladder board: every template (drafts too) × environment, with its evidence trend and the next step it may take. */
export function statusBoard(rollout: Rollout, today: string, templates: readonly PolicyTemplate[], gate: EvidenceGate): StatusRow[] {
  return templates.map((t) => {
    const entry = rollout[t.name];
    const stage = stageOf(rollout, t.name);
    const modes = Object.fromEntries(LADDER_ENVIRONMENTS.map((env) => [env, modeAt(stage, env)])) as Record<
      LadderEnvironment,
      PolicyMode | undefined
    >;
    const trend: Partial<Record<LadderEnvironment, readonly EvidencePoint[]>> = {};
    for (const env of LADDER_ENVIRONMENTS) {
      const points = templateSeries(gate.evidence.get(env), t.name).filter((p) => p.date <= today);
      if (points.length > 0) trend[env] = points;
    }
    return {
      template: t.name,
      pack: t.pack,
      stage,
      since: entry?.since,
      daysInStage: entry ? daysBetween(entry.since, today) : undefined,
      modes,
      auditNamespaces: entry?.auditNamespaces ?? [],
      next: nextWithEvidence(t.name, entry, stage, today, gate),
      trend,
    };
  });
}

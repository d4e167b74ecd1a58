/**
 * The one promotion ladder every policy template climbs. Environments are rungs' targets; the
 * order is fixed: audit everywhere before enforcing anywhere, dev before staging before prod.
 */
export const STAGES = ['draft', 'audit:dev', 'audit:staging', 'audit:prod', 'enforce:dev', 'enforce:staging', 'enforce:prod'] as const;
export type Stage = (typeof STAGES)[number];

/** The environments the ladder names, in promotion order. */
export const LADDER_ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type LadderEnvironment = (typeof LADDER_ENVIRONMENTS)[number];

/** Kyverno's vocabulary for what a rendered policy does on failure. */
export type PolicyMode = 'Audit' | 'Enforce';

/**
 * What a template at `stage` does in `env`: not rendered (undefined) before the environment's
 * audit rung, Audit from it, Enforce from the environment's enforce rung.
 */
export function modeAt(stage: Stage, env: LadderEnvironment): PolicyMode | undefined {
  const rung = STAGES.indexOf(stage);
  if (rung >= STAGES.indexOf(`enforce:${env}`)) return 'Enforce';
  if (rung >= STAGES.indexOf(`audit:${env}`)) return 'Audit';
  return undefined;
}

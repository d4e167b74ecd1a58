// Shared by the rollout commands: which repository, and its rollouts as validated data.
import { resolve } from 'node:path';
import type { ParsedArgs } from './args';
import { ConfigError } from '../lib/errors';
import { STAGES } from '../lib/ladder';
import { REPO_ROOT } from '../lib/paths';
import { resolveConfig, type ResolvedEnvironment } from '../config/resolve';
import { assertValidRollout, type EvidenceGate, type Rollout } from '../config/rollout';
import type { LadderEnvironment } from '../lib/ladder';
import { loadEvidence, repositorySources, repositoryTemplates } from './sources';
import { readRolloutAt, readWorkingRollout, ROLLOUT_PATH } from './rollout-source';

/** `--repo <dir>` (a checkout of this repository), default: the repository the CLI runs from. */
export function repoFlag(parsed: ParsedArgs): string {
  const v = parsed.flags.get('repo');
  return typeof v === 'string' ? resolve(v) : REPO_ROOT;
}

/** The working tree's rollout, statically valid (or a ConfigError naming every problem). */
export function workingRollout(repo: string): { text: string; rollout: Rollout } {
  const { text, rollout } = readWorkingRollout(repo);
  assertValidRollout(rollout, { file: ROLLOUT_PATH, templates: repositoryTemplates() });
  return { text, rollout };
}

/**
 * The rollout at a git revision. History is not re-validated (old revisions may predate a rule);
 * entries that cannot be compared (unknown stage, no date) are left out.
 */
export function rolloutAt(repo: string, ref: string): Rollout {
  const raw = readRolloutAt(repo, ref);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new ConfigError([`${ref}:${ROLLOUT_PATH}: ROLLOUT is not an object`]);
  const out: Record<string, Rollout[string]> = {};
  for (const [template, entry] of Object.entries(raw as Record<string, Rollout[string]>)) {
    if (entry && (STAGES as readonly string[]).includes(entry.stage) && typeof entry.since === 'string') out[template] = entry;
  }
  return out;
}

/** The checkout's environments (validated) and the evidence rule's inputs: their graduation criteria and the recorded evidence. */
export function evidenceGate(repo: string): { environments: readonly ResolvedEnvironment[]; gate: EvidenceGate } {
  const { environments } = resolveConfig(repositorySources(repo));
  const criteria = Object.fromEntries(environments.map((e) => [e.name as LadderEnvironment, e.promotion.evidence]));
  return { environments, gate: { criteria, evidence: loadEvidence(repo) } };
}

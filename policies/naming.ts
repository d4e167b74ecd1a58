import { createHash } from 'node:crypto';
import type { ResolvedEnvironment } from '../environments/types';
import { ROLLOUT } from '../environments/rollout';
import { auditOverrideNamespaces } from '../config/exclusions';
import { LADDER_ENVIRONMENTS, modeAt, type LadderEnvironment } from '../lib/ladder';
import { findTemplate } from './index';
import type { PolicyKind } from './template';

const MAX_NAME = 63;

/**
 * The contract name of a generated Kyverno policy: `krate-{org}-{scope}-{template}`, at most 63
 * characters; longer names keep a readable prefix and end in a short hash of the full name.
 */
export function policyName(org: string, scope: string, template: string): string {
  const full = `krate-${org}-${scope}-${template}`;
  if (full.length <= MAX_NAME) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, MAX_NAME - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** Scope of the cluster-wide policy, and of the Audit twin that covers per-namespace audit overrides. */
export const POLICY_SCOPES = { cluster: 'cluster', auditOverride: 'audit' } as const;

/**
 * Every ValidatingPolicy name rendered for a template in an environment (empty when the template is
 * not rendered there). Exceptions reference these names.
 */
export function policyNamesFor(env: ResolvedEnvironment, template: string): string[] {
  const entry = ROLLOUT[template];
  if (!entry || !(LADDER_ENVIRONMENTS as readonly string[]).includes(env.name)) return [];
  const mode = modeAt(entry.stage, env.name as LadderEnvironment);
  if (!mode) return [];
  const names = [policyName(env.org, POLICY_SCOPES.cluster, template)];
  if (auditOverrideNamespaces(env, template).length > 0) names.push(policyName(env.org, POLICY_SCOPES.auditOverride, template));
  return names;
}

/**
 * PolicyException `policyRefs` for a template in an environment: every rendered policy, with the
 * kind it renders to (Kyverno matches a ref by kind and name).
 */
export function policyRefsFor(env: ResolvedEnvironment, template: string): { name: string; kind: PolicyKind }[] {
  const kind: PolicyKind = findTemplate(template)?.kind ?? 'ValidatingPolicy';
  return policyNamesFor(env, template).map((name) => ({ name, kind }));
}

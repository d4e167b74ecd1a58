// Namespace exclusions in layers, from one source: every policy's matchConstraints, the managed
// Kyverno webhook's namespaceSelector / resourceFilters and `scan` read these functions.
import { POLICY_SCOPES } from '../policies/naming';
import { ROLLOUT } from '../environments/rollout';
import type { ResolvedEnvironment } from '../environments/types';
import { LADDER_ENVIRONMENTS, modeAt, type LadderEnvironment } from '../lib/ladder';

/** Namespaces no configuration can remove from exclusions: policy there can lock out the cluster. */
export const PROTECTED_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'] as const;

/** The platform's own namespaces every environment has: Argo CD's, Kyverno's and Krate's. */
export function builtInPlatformNamespaces(env: ResolvedEnvironment): string[] {
  return [env.argocd.namespace, env.kyverno.namespace, env.krate.namespace];
}

/**
 * Platform namespaces excluded in this environment, sorted: the built-in ones plus the
 * environment's `exclusions.platformNamespaces`, minus any removed by a justified override.
 */
export function platformNamespaces(env: ResolvedEnvironment): string[] {
  const removed = new Set(env.exclusions.removePlatformExclusions.map((r) => r.namespace));
  const all = new Set([...builtInPlatformNamespaces(env), ...env.exclusions.platformNamespaces]);
  return [...all].filter((ns) => !removed.has(ns)).sort();
}

/**
 * Every namespace policies must not touch in this environment, sorted: the protected system
 * namespaces (always) plus the platform namespaces.
 */
export function excludedNamespaces(env: ResolvedEnvironment): string[] {
  return [...new Set<string>([...PROTECTED_NAMESPACES, ...platformNamespaces(env)])].sort();
}

/**
 * Namespaces one template must not touch in this environment: the environment's exclusions plus
 * the template's own extra exclusions. Policies, scan and the Kyverno webhook all read this.
 */
export function templateExcludedNamespaces(env: ResolvedEnvironment, template: string): string[] {
  return [...new Set<string>([...excludedNamespaces(env), ...(env.exclusions.templates[template] ?? [])])].sort();
}

/** A Kubernetes LabelSelector, as policies' matchConstraints.namespaceSelector takes it. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: ReadonlyArray<{ readonly key: string; readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; readonly values?: readonly string[] }>;
}

/**
 * Namespaces that stay in Audit while the template enforces in this environment (the rollout's
 * `auditNamespaces`, minus excluded ones); empty when it does not enforce here.
 */
export function auditOverrideNamespaces(env: ResolvedEnvironment, template: string): string[] {
  const entry = ROLLOUT[template];
  if (!entry || !(LADDER_ENVIRONMENTS as readonly string[]).includes(env.name)) return [];
  if (modeAt(entry.stage, env.name as LadderEnvironment) !== 'Enforce') return [];
  const excluded = new Set(templateExcludedNamespaces(env, template));
  return [...new Set(entry.auditNamespaces ?? [])].filter((ns) => !excluded.has(ns)).sort();
}

/**
 * The namespaceSelector a template's policies render with in this environment: never the excluded
 * namespaces (matched by the `kubernetes.io/metadata.name` label every namespace carries) and,
 * when the environment scopes policies by label, only namespaces carrying those labels. CEL has no
 * per-namespace failure action, so while a template enforces with audit overrides, the `cluster`
 * policy also skips the override namespaces and the `audit` twin matches only them.
 */
export function policyNamespaceSelector(env: ResolvedEnvironment, template: string, scope: (typeof POLICY_SCOPES)[keyof typeof POLICY_SCOPES] = POLICY_SCOPES.cluster): LabelSelector {
  const overrides = auditOverrideNamespaces(env, template);
  const byName =
    scope === POLICY_SCOPES.auditOverride
      ? { key: 'kubernetes.io/metadata.name', operator: 'In' as const, values: overrides }
      : { key: 'kubernetes.io/metadata.name', operator: 'NotIn' as const, values: [...new Set([...templateExcludedNamespaces(env, template), ...overrides])].sort() };
  return {
    matchExpressions: [
      byName,
      ...env.exclusions.namespaceLabels.map((l) =>
        l.values && l.values.length > 0 ? { key: l.key, operator: 'In' as const, values: [...l.values].sort() } : { key: l.key, operator: 'Exists' as const },
      ),
    ],
  };
}

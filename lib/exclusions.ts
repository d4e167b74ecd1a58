// Namespace exclusions in layers, from one source: every policy's matchConstraints, the managed
// Kyverno webhook's namespaceSelector / resourceFilters and `scan` read these functions.
import type { ResolvedEnvironment } from '../environments/types';

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
 * The namespaceSelector a template's policies render with in this environment: never the excluded
 * namespaces (matched by the `kubernetes.io/metadata.name` label every namespace carries) and,
 * when the environment scopes policies by label, only namespaces carrying those labels.
 */
export function policyNamespaceSelector(env: ResolvedEnvironment, template: string): LabelSelector {
  return {
    matchExpressions: [
      { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: templateExcludedNamespaces(env, template) },
      ...env.exclusions.namespaceLabels.map((l) =>
        l.values && l.values.length > 0 ? { key: l.key, operator: 'In' as const, values: [...l.values].sort() } : { key: l.key, operator: 'Exists' as const },
      ),
    ],
  };
}

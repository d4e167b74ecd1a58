import type { ResolvedEnvironment } from '../environments/types';

/** Namespaces no configuration can remove from exclusions: policy there can lock out the cluster. */
export const PROTECTED_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'] as const;

/**
 * Every namespace policies must not touch in this environment, sorted: the protected system
 * namespaces plus the platform's own (Argo CD's, Kyverno's, Krate's).
 */
export function excludedNamespaces(env: ResolvedEnvironment): string[] {
  const set = new Set<string>([...PROTECTED_NAMESPACES, env.argocd.namespace, env.kyverno.namespace, env.krate.namespace]);
  return [...set].sort();
}

/**
 * Namespaces one template must not touch in this environment: the environment's exclusions plus
 * the template's own extra exclusions. Policies, scan and the Kyverno webhook all read this.
 */
export function templateExcludedNamespaces(env: ResolvedEnvironment, template: string): string[] {
  void template; // per-template extra exclusions arrive with the rollout configuration
  return excludedNamespaces(env);
}

/** A Kubernetes LabelSelector, as policies' matchConstraints.namespaceSelector takes it. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: ReadonlyArray<{ readonly key: string; readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; readonly values?: readonly string[] }>;
}

/**
 * The namespaceSelector a template's policies render with in this environment: never the excluded
 * namespaces (matched by the `kubernetes.io/metadata.name` label every namespace carries).
 */
export function policyNamespaceSelector(env: ResolvedEnvironment, template: string): LabelSelector {
  return {
    matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: templateExcludedNamespaces(env, template) }],
  };
}

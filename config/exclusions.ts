// Namespace exclusions in layers, from one source: every policy's matchConstraints, the managed
// Kyverno webhook's namespaceSelector / resourceFilters and `scan` read these functions.
import { POLICY_SCOPES, type PolicyScope } from '../policies/naming';
import type { LabelSelector } from '../lib/manifests';
import type { EXCLUSIONS } from '../environments/types';
import { show } from '../lib/errors';
import type { OutputOf } from '../lib/spec';

/** What the exclusion rules read of an environment. */
export interface ExclusionsEnv {
  readonly argocd: { readonly namespace: string };
  readonly kyverno: { readonly namespace: string };
  readonly krate: { readonly namespace: string };
  readonly exclusions: OutputOf<typeof EXCLUSIONS.fields>;
}

/** Namespaces no configuration can remove from exclusions: policy there can lock out the cluster. */
export const PROTECTED_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'] as const;

/** The platform's own namespaces every environment has: Argo CD's, Kyverno's and Krate's. */
export function builtInPlatformNamespaces(env: ExclusionsEnv): string[] {
  return [env.argocd.namespace, env.kyverno.namespace, env.krate.namespace];
}

/**
 * Platform namespaces excluded in this environment, sorted: the built-in ones plus the
 * environment's `exclusions.platformNamespaces`, minus any removed by a justified override.
 */
export function platformNamespaces(env: ExclusionsEnv): string[] {
  const removed = new Set(env.exclusions.removePlatformExclusions.map((r) => r.namespace));
  const all = new Set([...builtInPlatformNamespaces(env), ...env.exclusions.platformNamespaces]);
  return [...all].filter((ns) => !removed.has(ns)).sort();
}

/**
 * Every namespace policies must not touch in this environment, sorted: the protected system
 * namespaces (always) plus the platform namespaces.
 */
export function excludedNamespaces(env: ExclusionsEnv): string[] {
  return [...new Set<string>([...PROTECTED_NAMESPACES, ...platformNamespaces(env)])].sort();
}

/**
 * Namespaces one template must not touch in this environment: the environment's exclusions plus
 * the template's own extra exclusions. Policies, scan and the Kyverno webhook all read this.
 */
export function templateExcludedNamespaces(env: ExclusionsEnv, template: string): string[] {
  return [...new Set<string>([...excludedNamespaces(env), ...(env.exclusions.templates[template] ?? [])])].sort();
}

/**
 * Namespaces that stay in Audit while a template enforces in this environment: the rollout's
 * `auditNamespaces`, minus the ones the template never touches anyway.
 */
export function auditOverrideNamespaces(env: ExclusionsEnv, template: string, auditNamespaces: readonly string[]): string[] {
  const excluded = new Set(templateExcludedNamespaces(env, template));
  return [...new Set(auditNamespaces)].filter((ns) => !excluded.has(ns)).sort();
}

/**
 * The namespaceSelector a template's policies render with in this environment: never the excluded
 * namespaces (matched by the `kubernetes.io/metadata.name` label every namespace carries) and,
 * when the environment scopes policies by label, only namespaces carrying those labels. CEL has no
 * per-namespace failure action, so while a template enforces with audit overrides, the `cluster`
 * policy also skips the override namespaces and the `audit` twin matches only them.
 */
export function policyNamespaceSelector(
  env: ExclusionsEnv,
  template: string,
  scope: PolicyScope,
  overrides: readonly string[],
): LabelSelector {
  const byName =
    scope === POLICY_SCOPES.auditOverride
      ? { key: 'kubernetes.io/metadata.name', operator: 'In' as const, values: overrides }
      : {
          key: 'kubernetes.io/metadata.name',
          operator: 'NotIn' as const,
          values: [...new Set([...templateExcludedNamespaces(env, template), ...overrides])].sort(),
        };
  return {
    matchExpressions: [
      byName,
      ...env.exclusions.namespaceLabels.map((l) =>
        l.values && l.values.length > 0
          ? { key: l.key, operator: 'In' as const, values: [...l.values].sort() }
          : { key: l.key, operator: 'Exists' as const },
      ),
    ],
  };
}

/**
 * The exclusion layers' rules: protected namespaces can never be removed, a platform namespace only
 * with a justified override; every message names the environment and the namespace.
 */
export function checkExclusions(
  x: ExclusionsEnv['exclusions'],
  path: string,
  envName: string,
  builtIn: readonly string[],
  add: (p: string, m: string) => void,
): void {
  const isProtected = (ns: string): boolean => (PROTECTED_NAMESPACES as readonly string[]).includes(ns);
  x.platformNamespaces.forEach((ns, i) => {
    if (isProtected(ns) || builtIn.includes(ns)) {
      add(
        `${path}.platformNamespaces[${i}]`,
        `'${ns}' is always excluded in environment ${envName} (${isProtected(ns) ? 'protected' : 'built-in platform'} namespace); remove it from the list`,
      );
    }
  });
  const platform = new Set([...builtIn, ...x.platformNamespaces]);
  x.removePlatformExclusions.forEach((r, i) => {
    const rpath = `${path}.removePlatformExclusions[${i}]`;
    if (isProtected(r.namespace)) {
      add(
        `${rpath}.namespace`,
        `'${r.namespace}' is a protected namespace in environment ${envName}: it can never be removed from exclusions (policy there can lock out the cluster); delete this override`,
      );
    } else if (!platform.has(r.namespace)) {
      add(
        `${rpath}.namespace`,
        `'${r.namespace}' is not a platform namespace of environment ${envName} (${[...platform].sort().join(', ')}); it is not excluded, so there is nothing to remove`,
      );
    } else if (r.justification.trim().length < 20) {
      add(
        `${rpath}.justification`,
        `dropping platform namespace '${r.namespace}' in environment ${envName} needs a justification of at least 20 characters, got ${show(r.justification)}`,
      );
    }
  });
}

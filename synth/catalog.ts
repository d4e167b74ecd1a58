import type { Construct } from 'constructs';
import { AppChart } from '../constructs/app-chart';
import type { ArgoAppOptions } from '../constructs/argo-application';
import { KrateKyverno } from '../constructs/krate-kyverno';
import { PolicyExceptions } from '../constructs/policy-exceptions';
import { exceptionsFor } from '../config/exceptions';
import { KratePolicies } from '../constructs/krate-policies';
import { environmentPolicies } from '../policies/render';
import { hasKyverno, type ResolvedEnvironment } from '../environments/types';

/** One Argo CD application an environment may get: what it syncs, where, and when. */
export interface CatalogEntry {
  /** Application name and dist/<env>/ folder. */
  readonly name: string;
  /** Sync wave: lower first (the engine before policies). */
  readonly syncWave: number;
  /** Namespace its namespaced objects default to. */
  readonly destinationNamespace: (env: ResolvedEnvironment) => string;
  /** Builds the app's chart, or returns undefined when this environment does not get the app. */
  readonly build: (scope: Construct, env: ResolvedEnvironment) => AppChart | undefined;
  /**
   * Argo CD options for the app's Application (sync options, ignoreDifferences, finalizer).
   * @default derived from what the app renders (ServerSideApply when it has CRDs,
   * SkipDryRunOnMissingResource when its CRDs come from another app), no finalizer
   */
  readonly argocd?: ArgoAppOptions;
}

/** The application catalog, in wave order. Each environment gets the entries whose build returns a chart. */
export const CATALOG: readonly CatalogEntry[] = [
  {
    name: 'krate-kyverno',
    syncWave: 0,
    destinationNamespace: (env) => env.krate.namespace,
    build: (scope, env) => new KrateKyverno(scope, 'krate-kyverno', { env }),
    // No finalizer: deleting the Application must never cascade to CRDs (every policy, exception
    // and report goes with them).
    argocd: { finalizer: 'none' },
  },
  {
    // After the engine (its CRDs and webhooks); only environments some template has reached and
    // whose Kyverno mode says Kyverno is there (no CRDs: Argo CD's sync would fail forever).
    name: 'policies',
    syncWave: 10,
    destinationNamespace: (env) => env.krate.namespace,
    build: (scope, env) => (hasKyverno(env) && environmentPolicies(env).length > 0 ? new KratePolicies(scope, 'policies', { env }) : undefined),
    // Deleting the app removes its policies: orphaned Deny policies nobody manages are worse than none.
    argocd: { finalizer: 'foreground' },
  },
  {
    // After the policies (wave 10): an exception references policies by name. Only where Kyverno
    // is there by configuration, like the policies.
    name: 'policy-exceptions',
    syncWave: 20,
    destinationNamespace: (env) => env.kyverno.policyNamespace,
    build: (scope, env) => {
      if (!hasKyverno(env)) return undefined;
      const exceptions = exceptionsFor(env);
      return exceptions.length > 0 ? new PolicyExceptions(scope, 'policy-exceptions', { env, exceptions }) : undefined;
    },
  },
];

import type { Construct } from 'constructs';
import { AppChart } from '../constructs/app-chart';
import { KrateKyverno } from '../constructs/krate-kyverno';
import { KratePolicies } from '../constructs/policies/krate-policies';
import { environmentPolicies } from '../constructs/policies/render';
import type { ResolvedEnvironment } from '../environments/types';

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
}

/** The application catalog, in wave order. Each environment gets the entries whose build returns a chart. */
export const CATALOG: readonly CatalogEntry[] = [
  {
    name: 'krate-kyverno',
    syncWave: 0,
    destinationNamespace: (env) => env.krate.namespace,
    build: (scope, env) => new KrateKyverno(scope, 'krate-kyverno', { env }),
  },
  {
    // After the engine (its CRDs and webhooks); only environments some template has reached.
    name: 'policies',
    syncWave: 10,
    destinationNamespace: (env) => env.krate.namespace,
    build: (scope, env) => (environmentPolicies(env).length > 0 ? new KratePolicies(scope, 'policies', { env }) : undefined),
  },
];

import type { ResolvedEnvironment } from '../environments/types';

/** One Argo CD application an environment gets: what it syncs and when, relative to the others. */
export interface CatalogEntry {
  /** Application name and dist/<env>/ folder. */
  readonly name: string;
  /** Sync wave: lower first. */
  readonly syncWave: number;
  /** Namespace its namespaced objects default to. */
  readonly destinationNamespace: (env: ResolvedEnvironment) => string;
}

/** The application catalog: every environment gets these, in wave order. */
export const CATALOG: readonly CatalogEntry[] = [
  { name: 'krate-kyverno', syncWave: 0, destinationNamespace: (env) => env.krate.namespace },
];

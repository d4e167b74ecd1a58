// The application catalog: which Argo CD apps an environment may get, their waves and options.
import type { CatalogEntry } from '../constructs/krate-environment';
import { KrateKyverno } from '../constructs/krate-kyverno';
import { KrateMonitoring } from '../constructs/krate-monitoring';
import { KrateModel } from '../constructs/krate-model';
import { KratePolicies } from '../constructs/krate-policies';
import { PolicyExceptions } from '../constructs/policy-exceptions';
import { hasKyverno } from '../environments/types';

/** The apps that sync Kyverno policy objects: their Argo CD health says whether policies are ready. */
const POLICY_APPS = ['policies', 'policy-exceptions'] as const;

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
    // Krate's resource model (PolicyTemplates, PolicyProfiles, PolicyBindings, PolicyExceptionRequests),
    // after the CRDs (krate-kyverno, wave 0) and before the Kyverno policies each binding generates.
    name: 'krate-model',
    syncWave: 5,
    destinationNamespace: (env) => env.krate.namespace,
    build: (scope, env) => new KrateModel(scope, 'krate-model', { env }),
    // Deleting the app removes the model objects with it (the policies are the policies app's).
    argocd: { finalizer: 'foreground' },
  },
  {
    // After the engine (its CRDs and webhooks); only environments some template has reached and
    // whose Kyverno mode says Kyverno is there (no CRDs: Argo CD's sync would fail forever).
    name: POLICY_APPS[0],
    syncWave: 10,
    destinationNamespace: (env) => env.krate.namespace,
    build: (scope, env) => (hasKyverno(env) && env.plan.policies.length > 0 ? new KratePolicies(scope, 'policies', { env }) : undefined),
    // Deleting the app removes its policies: orphaned Deny policies nobody manages are worse than none.
    argocd: { finalizer: 'foreground' },
  },
  {
    // After the policies (wave 10): an exception references policies by name. Only where Kyverno
    // is there by configuration, like the policies.
    name: POLICY_APPS[1],
    syncWave: 20,
    destinationNamespace: (env) => env.kyverno.policyNamespace,
    build: (scope, env) =>
      hasKyverno(env) && env.plan.exceptions.length > 0 ? new PolicyExceptions(scope, 'policy-exceptions', { env }) : undefined,
  },
  {
    // Alerts and the dashboard, where Prometheus Operator's CRDs are (typed: monitoring.prometheusOperator)
    // and Kyverno is there to watch. Last: nothing waits for it.
    name: 'monitoring',
    syncWave: 30,
    destinationNamespace: (env) => env.monitoring.namespace,
    build: (scope, env) =>
      env.monitoring.prometheusOperator && hasKyverno(env)
        ? new KrateMonitoring(scope, 'monitoring', { env, policyApps: POLICY_APPS })
        : undefined,
  },
];

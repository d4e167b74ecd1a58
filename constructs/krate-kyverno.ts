import type { Construct } from 'constructs';
import { join } from 'node:path';
import type { ResolvedEnvironment } from '../config/resolve';
import { excludedNamespaces } from '../config/exclusions';
import { CHARTS_DIR } from '../lib/paths';
import { AppChart } from './app-chart';
import { HelmRelease, type HelmReleaseProps } from './helm-release';

export interface KrateKyvernoProps {
  readonly env: ResolvedEnvironment;
  /**
   * Argo CD application name (and dist/ folder).
   * @default 'krate-kyverno'
   */
  readonly app?: string;
}

/** Upstream chart repositories this environment's krate-kyverno app installs from (its AppProject must allow them). */
export const KYVERNO_CHART_REPO = 'https://kyverno.github.io/kyverno/';
export const POLICY_REPORTER_CHART_REPO = 'https://kyverno.github.io/policy-reporter';

/**
 * Chart repositories the managed Applications rendered for this environment pull from; the
 * environment's AppProject must list them in sourceRepos or Argo CD refuses to sync them.
 */
export function managedChartRepos(env: ResolvedEnvironment): string[] {
  const k = env.kyverno;
  const repos: string[] = [];
  if (k.mode === 'managed' && k.managed.installMethod === 'argocd') repos.push(KYVERNO_CHART_REPO);
  if (k.mode !== 'disabled' && k.policyReporter.enabled && k.policyReporter.mode === 'managed') repos.push(POLICY_REPORTER_CHART_REPO);
  return repos;
}

/** Builds the krate-kyverno chart values from an environment: the one place they are mapped. */
export function krateKyvernoValues(env: ResolvedEnvironment): KrateKyvernoValues {
  const k = env.kyverno;
  const groups = (g: readonly string[]) => ({ groups: [...g] });
  return {
    externalDependencies: {
      kyverno: {
        mode: k.mode,
        namespace: k.namespace,
        policyNamespace: k.policyNamespace,
        requireForEnforceMode: k.requireForEnforceMode,
        discoverExisting: k.discoverExisting,
        // One source for every exclusion: the same list policies and scans use.
        excludedNamespaces: excludedNamespaces(env),
        managed: {
          enabled: k.mode === 'managed',
          installMethod: k.managed.installMethod,
          chartRepoURL: KYVERNO_CHART_REPO,
          targetRevision: k.managed.chartVersion,
          replicas: {
            admissionController: k.managed.admissionReplicas,
            backgroundController: k.managed.controllerReplicas,
            cleanupController: k.managed.controllerReplicas,
            reportsController: k.managed.controllerReplicas,
          },
          values: k.managed.values,
        },
        policyReporter: {
          enabled: k.policyReporter.enabled,
          mode: k.policyReporter.mode,
          namespace: k.policyReporter.namespace,
          chartRepoURL: POLICY_REPORTER_CHART_REPO,
          targetRevision: k.policyReporter.chartVersion,
          // Where Prometheus Operator runs, a ServiceMonitor so the failing-results alert and dashboard get data.
          ...(env.monitoring.prometheusOperator
            ? { values: { monitoring: { enabled: true, serviceMonitor: { labels: { ...env.monitoring.selectorLabels } } } } }
            : {}),
        },
        // The tenancy model renders the profiles and bindings (the krate-model app): the chart's placeholder pack is off.
        defaultPolicyPack: { enabled: false, installExamples: false },
      },
    },
    rbac: {
      managedPolicyBindings: { enabled: env.rbac.managedPolicyBindings },
      personas: {
        viewer: groups(env.rbac.personas.viewer),
        platformAdmin: groups(env.rbac.personas.platformAdmin),
      },
      // Exception requesters and repo admins, per org, bound only in the org's namespaces.
      orgs: env.orgs
        .filter((o) => o.namespaces.length > 0)
        .map((o) => ({
          name: o.slug,
          namespaces: [...o.namespaces],
          exceptionRequester: groups(o.personas.exceptionRequester),
          repoAdmin: groups(o.personas.repoAdmin),
        })),
    },
    // Explicit either way: synth never depends on helm's built-in Kubernetes version.
    admissionPolicies: { mode: env.admissionPolicies ? 'enabled' : 'disabled' },
    argocd: {
      namespace: env.argocd.namespace,
      applicationController: { serviceAccountName: env.argocd.applicationControllerServiceAccount },
      project: env.argocd.project,
      destinationServer: env.clusters[0].server,
    },
  };
}

/** The helm render of charts/krate-kyverno for an environment (synth pre-renders these concurrently). */
export function krateKyvernoRelease(env: ResolvedEnvironment): HelmReleaseProps {
  return {
    chart: join(CHARTS_DIR, 'krate-kyverno'),
    releaseName: 'krate-kyverno',
    namespace: env.krate.namespace,
    values: krateKyvernoValues(env) as Record<string, unknown>,
  };
}

/** Krate's Kyverno integration: charts/krate-kyverno rendered with this environment's values. */
export class KrateKyverno extends AppChart {
  constructor(scope: Construct, id: string, props: KrateKyvernoProps) {
    super(scope, id, { env: props.env, app: props.app ?? 'krate-kyverno' });
    new HelmRelease(this, 'chart', krateKyvernoRelease(props.env));
  }
}

// <generated from charts/krate-kyverno/values.schema.json by test/constructs/krate-kyverno-values-type.test.ts>
/** Values of charts/krate-kyverno, exactly as its values.schema.json allows them (generated: prettier leaves it as generated). */
// prettier-ignore
export type KrateKyvernoValues = {
  readonly global?: Readonly<Record<string, unknown>>;
  readonly externalDependencies: {
    readonly kyverno: {
      readonly mode: 'auto' | 'disabled' | 'byo' | 'managed';
      readonly namespace: string;
      readonly policyNamespace: string;
      readonly requireForEnforceMode?: boolean;
      readonly discoverExisting?: boolean;
      readonly excludedNamespaces?: readonly (string)[];
      readonly managed?: {
        readonly enabled?: boolean;
        readonly installMethod?: 'argocd' | 'helm-dependency' | 'none';
        readonly chartRepoURL?: string;
        readonly chart?: string;
        readonly targetRevision?: string;
        readonly releaseName?: string;
        readonly replicas?: {
          readonly admissionController?: number;
          readonly backgroundController?: number;
          readonly cleanupController?: number;
          readonly reportsController?: number;
        };
        readonly syncWave?: number;
        readonly values?: Readonly<Record<string, unknown>>;
      };
      readonly policyReporter?: {
        readonly enabled?: boolean;
        readonly mode?: 'external' | 'managed';
        readonly namespace?: string;
        readonly chartRepoURL?: string;
        readonly chart?: string;
        readonly targetRevision?: string;
        readonly values?: Readonly<Record<string, unknown>>;
      };
      readonly defaultPolicyPack?: {
        readonly enabled?: boolean;
        readonly mode?: 'audit' | 'enforce';
        readonly installExamples?: boolean;
      };
    };
  };
  readonly admissionPolicies?: {
    readonly mode?: 'auto' | 'enabled' | 'disabled';
  };
  readonly crds?: {
    readonly install?: boolean;
  };
  readonly rbac?: {
    readonly controller?: {
      readonly serviceAccountName?: string;
    };
    readonly exceptionController?: {
      readonly serviceAccountName?: string;
    };
    readonly managedPolicyBindings?: {
      readonly enabled?: boolean;
    };
    readonly personas?: {
      readonly viewer?: {
        readonly groups?: readonly (string)[];
      };
      readonly platformAdmin?: {
        readonly groups?: readonly (string)[];
      };
    };
    readonly orgs?: readonly ({
      readonly name: string;
      readonly namespaces: readonly (string)[];
      readonly exceptionRequester?: {
        readonly groups?: readonly (string)[];
      };
      readonly repoAdmin?: {
        readonly groups?: readonly (string)[];
      };
    })[];
  };
  readonly argocd?: {
    readonly namespace?: string;
    readonly project?: string;
    readonly destinationServer?: string;
    readonly applicationController?: {
      readonly serviceAccountName?: string;
    };
  };
  readonly kyverno?: Readonly<Record<string, unknown>>;
};
// </generated>

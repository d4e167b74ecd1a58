import { Construct } from 'constructs';
import type { ResolvedEnvironment } from '../config/resolve';
import { IN_CLUSTER_SERVER } from '../environments/types';
import { Application, ApplicationSet, AppProject } from '../imports/argoproj.io';
import { AppChart } from './app-chart';
import {
  footprintOf,
  groupOf,
  isClusterScoped,
  toGroupKind,
  UPSTREAM_CHART_CLUSTER_KINDS,
  type AppFootprint,
  type UpstreamChart,
} from './app-footprint';
import { FleetApplicationSet } from './argo-application-set';
import { ArgoApplication, ChildApplication, syncPolicySpec, type ArgoAppOptions, type ChildAppSettings } from './argo-application';
import { ArgoProject } from './argo-project';
import { takeApplications, UpstreamApplication, type UpstreamApplicationSpec } from './upstream-application';

/** Where Argo CD itself runs: the root app and every Application object live in this cluster. */
export const ARGOCD_SERVER = IN_CLUSTER_SERVER;

/** Name of the environment's root Application and of the AppProject it belongs to. */
export function rootName(env: ResolvedEnvironment): string {
  return `${env.argocd.project}-root`;
}

/** The dist/ folder holding the environment's App-of-Apps (and the bootstrap objects). */
export const APP_OF_APPS = 'app-of-apps';

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

export interface KrateEnvironmentProps {
  readonly env: ResolvedEnvironment;
  /** The applications to offer the environment (synth passes synth/catalog.ts's CATALOG). */
  readonly catalog: readonly CatalogEntry[];
}

interface BuiltApp {
  readonly entry: CatalogEntry;
  readonly footprint: AppFootprint;
}

/**
 * Everything one environment gets: one chart per catalog application, and the App-of-Apps folder
 * with the root Application (self-managed; its bootstrap copy is apps/bootstrap/<env>.yaml), the
 * root and environment AppProjects, and one child Application per app (an ApplicationSet per app
 * when the environment lists more than one cluster).
 */
export class KrateEnvironment extends Construct {
  constructor(scope: Construct, id: string, props: KrateEnvironmentProps) {
    super(scope, id);
    const { env } = props;
    const root = new AppChart(this, APP_OF_APPS, { env, app: APP_OF_APPS });

    const built: BuiltApp[] = [];
    const upstream: UpstreamApplicationSpec[] = [];
    for (const entry of props.catalog) {
      const chart = entry.build(this, env);
      if (!chart) continue;
      upstream.push(...takeApplications(chart));
      built.push({ entry, footprint: footprintOf(chart) });
    }
    const crds = new Map([...built.flatMap((b) => [...b.footprint.crds])]);
    const createdNamespaces = new Set(built.flatMap((b) => [...b.footprint.createdNamespaces]));
    const apps = built.map((b) => childSettings(b, env, createdNamespaces));
    const fleet = env.clusters.length > 1;

    const name = rootName(env);
    new ArgoProject(root, 'root-project', {
      name,
      namespace: env.argocd.namespace,
      description: `Krate ${env.name} App-of-Apps: only Argo CD objects, only in ${env.argocd.namespace}`,
      sourceRepos: [env.argocd.repoURL],
      destinations: [{ server: ARGOCD_SERVER, namespace: env.argocd.namespace }],
      namespaceResourceWhitelist: [AppProject.GVK, Application.GVK, ...(fleet ? [ApplicationSet.GVK] : [])].map((gvk) => ({
        group: groupOf(gvk.apiVersion),
        kind: gvk.kind,
      })),
    });
    new ArgoApplication(root, 'root', {
      name,
      namespace: env.argocd.namespace,
      project: name,
      source: { repoURL: env.argocd.repoURL, targetRevision: env.argocd.targetRevision, path: `dist/${env.name}/${APP_OF_APPS}` },
      destination: { server: ARGOCD_SERVER, namespace: env.argocd.namespace },
      syncPolicy: syncPolicySpec(env.argocd.syncPolicy, []),
    });

    new ArgoProject(root, 'project', projectProps(env, built, apps, crds, upstream));
    for (const app of upstream) new UpstreamApplication(root, `upstream-${app.metadata.name}`, { env, app });

    for (const settings of apps) {
      const common = {
        envName: env.name,
        argocdNamespace: env.argocd.namespace,
        project: env.argocd.project,
        repoURL: env.argocd.repoURL,
        settings,
      };
      if (fleet) new FleetApplicationSet(root, settings.app, { ...common, clusters: env.clusters });
      else new ChildApplication(root, settings.app, { ...common, cluster: env.clusters[0] });
    }
  }
}

/** An app's Argo CD settings: the catalog's choices, the rest derived from what it renders. */
function childSettings(b: BuiltApp, env: ResolvedEnvironment, createdNamespaces: ReadonlySet<string>): ChildAppSettings {
  const o = b.entry.argocd ?? {};
  const destinationNamespace = b.entry.destinationNamespace(env);
  const ownCrds = b.footprint.crds;
  const serverSideApply = o.serverSideApply ?? ownCrds.size > 0;
  const skipDryRun = o.skipDryRunOnMissingResource ?? [...b.footprint.customKinds].some((gk) => !ownCrds.has(gk));
  const ignoreDifferences = o.ignoreDifferences ?? [];
  const syncOptions = [
    ...(createdNamespaces.has(destinationNamespace) ? [] : ['CreateNamespace=true']),
    ...(serverSideApply ? ['ServerSideApply=true'] : []),
    ...(skipDryRun ? ['SkipDryRunOnMissingResource=true'] : []),
    ...(ignoreDifferences.length > 0 ? ['RespectIgnoreDifferences=true'] : []),
    ...(o.syncOptions ?? []),
  ];
  return {
    app: b.entry.name,
    syncWave: b.entry.syncWave,
    destinationNamespace,
    syncOptions,
    serverSideDiff: serverSideApply,
    ignoreDifferences,
    finalizer: o.finalizer ?? 'none',
  };
}

/** The environment's AppProject: this repo + upstream charts used, its clusters and namespaces, the cluster kinds rendered. */
function projectProps(
  env: ResolvedEnvironment,
  built: readonly BuiltApp[],
  apps: readonly ChildAppSettings[],
  crds: ReadonlyMap<string, 'Cluster' | 'Namespaced'>,
  upstream: readonly UpstreamApplicationSpec[],
) {
  const charts = [...built.flatMap((b) => b.footprint.upstreamCharts), ...upstream.flatMap(upstreamChartsOf)];
  const namespaces = new Set<string>([
    ...apps.map((a) => a.destinationNamespace),
    ...built.flatMap((b) => [...b.footprint.namespaces]),
    ...charts.flatMap((c) => (c.destinationNamespace ? [c.destinationNamespace] : [])),
  ]);
  const clusterKinds = new Set<string>([
    ...built.flatMap((b) => [...b.footprint.unnamespacedKinds].filter((gk) => isClusterScoped(gk, crds))),
    ...charts.flatMap((c) => UPSTREAM_CHART_CLUSTER_KINDS[c.chart] ?? []),
    ...(apps.some((a) => a.syncOptions.includes('CreateNamespace=true')) ? ['/Namespace'] : []),
  ]);
  return {
    name: env.argocd.project,
    namespace: env.argocd.namespace,
    description: `Krate policy apps for ${env.name}`,
    sourceRepos: [env.argocd.repoURL, ...[...new Set(charts.map((c) => c.repoURL))].sort()],
    destinations: env.clusters.flatMap((c) => [...namespaces].sort().map((namespace) => ({ server: c.server, namespace }))),
    clusterResourceWhitelist: [...clusterKinds].sort().map(toGroupKind),
  };
}

/** The upstream chart(s) an Application installs: its repo, chart and destination namespace. */
function upstreamChartsOf(app: UpstreamApplicationSpec): UpstreamChart[] {
  const spec = app.spec as { source?: { repoURL?: string; chart?: string }; sources?: { repoURL?: string; chart?: string }[] };
  return [spec.source, ...(spec.sources ?? [])].flatMap((s) =>
    s?.chart && s.repoURL ? [{ repoURL: s.repoURL, chart: s.chart, destinationNamespace: app.spec.destination.namespace }] : [],
  );
}

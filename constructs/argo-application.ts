import type { Construct } from 'constructs';
import type { ResolvedCluster, ResolvedSyncPolicy } from '../config/environment';
import { Application, type ApplicationSpecIgnoreDifferences, type ApplicationSpecSyncPolicy } from '../imports/argoproj.io';

/** Argo CD's `spec.ignoreDifferences[]` entry (upstream field names). */
export interface IgnoreDifference {
  readonly group?: string;
  readonly kind: string;
  /** @default every object of the kind */
  readonly name?: string;
  /** @default every namespace */
  readonly namespace?: string;
  /** @default [] */
  readonly jsonPointers?: readonly string[];
  /** @default [] */
  readonly jqPathExpressions?: readonly string[];
  /** @default [] */
  readonly managedFieldsManagers?: readonly string[];
}

/**
 * What deleting the Application object does to the objects it synced:
 * - `none`: nothing (they stay; Argo CD only stops managing them),
 * - `foreground`: `resources-finalizer.argocd.argoproj.io`, objects deleted before the Application goes,
 * - `background`: `resources-finalizer.argocd.argoproj.io/background`, the Application goes first.
 */
export type FinalizerChoice = 'none' | 'foreground' | 'background';

const FINALIZERS: Record<FinalizerChoice, string[]> = {
  none: [],
  foreground: ['resources-finalizer.argocd.argoproj.io'],
  background: ['resources-finalizer.argocd.argoproj.io/background'],
};

/** Per-app Argo CD options a catalog entry may set; unset ones are derived from what the app renders. */
export interface ArgoAppOptions {
  /**
   * Sync with server-side apply (`ServerSideApply=true`) and diff server-side
   * (`argocd.argoproj.io/compare-options: ServerSideDiff=true,IncludeMutationWebhook=true`).
   * @default true when the app renders CustomResourceDefinitions (too large for client-side apply)
   */
  readonly serverSideApply?: boolean;
  /**
   * `SkipDryRunOnMissingResource=true`: sync custom resources whose CRD another app installs.
   * @default true when the app renders custom resources whose CRD is not in the same app
   */
  readonly skipDryRunOnMissingResource?: boolean;
  /**
   * Extra `spec.syncPolicy.syncOptions` (e.g. 'PruneLast=true').
   * @default []
   */
  readonly syncOptions?: readonly string[];
  /**
   * Fields Argo CD must not treat as drift. Adds `RespectIgnoreDifferences=true` so self-heal leaves them alone.
   * @default []
   */
  readonly ignoreDifferences?: readonly IgnoreDifference[];
  /**
   * What deleting the Application does to its objects (see the README's "Finalizers").
   * @default 'none'
   */
  readonly finalizer?: FinalizerChoice;
}

/** The resolved, fully derived Argo CD settings of one child app. */
export interface ChildAppSettings {
  /** Folder under dist/<env>/ and the catalog name. */
  readonly app: string;
  readonly syncWave: number;
  readonly destinationNamespace: string;
  readonly syncOptions: readonly string[];
  readonly serverSideDiff: boolean;
  readonly ignoreDifferences: readonly IgnoreDifference[];
  readonly finalizer: FinalizerChoice;
}

/** Argo CD `spec.syncPolicy` from a resolved policy and an app's sync options. */
export function syncPolicySpec(policy: ResolvedSyncPolicy, syncOptions: readonly string[]): ApplicationSpecSyncPolicy {
  return {
    ...(policy.automated ? { automated: { prune: policy.prune, selfHeal: policy.selfHeal } } : {}),
    ...(syncOptions.length > 0 ? { syncOptions: [...syncOptions] } : {}),
    retry: {
      limit: policy.retry.limit,
      backoff: { duration: policy.retry.duration, factor: policy.retry.factor, maxDuration: policy.retry.maxDuration },
    },
  };
}

/** One `spec.ignoreDifferences[]` entry as the generated classes take it (their lists are mutable arrays). */
export function ignoreDifferenceSpec(d: IgnoreDifference): ApplicationSpecIgnoreDifferences {
  return {
    ...d,
    jsonPointers: d.jsonPointers && [...d.jsonPointers],
    jqPathExpressions: d.jqPathExpressions && [...d.jqPathExpressions],
    managedFieldsManagers: d.managedFieldsManagers && [...d.managedFieldsManagers],
  };
}

/** metadata (annotations, finalizers) shared by an Application and an ApplicationSet's template. */
export function childMetadata(settings: ChildAppSettings): { annotations: Record<string, string>; finalizers?: string[] } {
  const annotations: Record<string, string> = { 'argocd.argoproj.io/sync-wave': String(settings.syncWave) };
  if (settings.serverSideDiff) annotations['argocd.argoproj.io/compare-options'] = 'ServerSideDiff=true,IncludeMutationWebhook=true';
  const finalizers = FINALIZERS[settings.finalizer];
  return { annotations, ...(finalizers.length > 0 ? { finalizers } : {}) };
}

/**
 * The names of the Applications Argo CD runs for one app of an environment: `<env>-<app>` for a
 * single cluster (ChildApplication), `<cluster>-<app>` per cluster in a fleet (the ApplicationSet's
 * template, `{{ .name }}` being the cluster's name). Alerts on Argo CD's metrics select them by these.
 */
export function childApplicationNames(
  env: { readonly name: string; readonly clusters: readonly { readonly name: string }[] },
  app: string,
): string[] {
  return env.clusters.length > 1 ? env.clusters.map((c) => applicationName(c.name, app)) : [applicationName(env.name, app)];
}

/** `<prefix>-<app>`: an environment's (or, in a fleet, a cluster's) Application for an app. */
export function applicationName(prefix: string, app: string): string {
  return `${prefix}-${app}`;
}

export interface ArgoApplicationProps {
  /** Application name (unique in Argo CD's namespace: prefix it with the environment). */
  readonly name: string;
  /** Namespace Argo CD runs in. */
  readonly namespace: string;
  /** The AppProject the Application belongs to. */
  readonly project: string;
  /** Git repository, revision and folder it syncs. */
  readonly source: { readonly repoURL: string; readonly targetRevision: string; readonly path: string };
  /** Cluster API server and default namespace. */
  readonly destination: { readonly server: string; readonly namespace: string };
  /** Sync policy as Argo CD's `spec.syncPolicy`. */
  readonly syncPolicy: ApplicationSpecSyncPolicy;
  /**
   * Annotations (sync wave, compare options).
   * @default {}
   */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * metadata.finalizers.
   * @default [] (deleting the Application leaves its objects in place)
   */
  readonly finalizers?: readonly string[];
  /**
   * spec.ignoreDifferences.
   * @default []
   */
  readonly ignoreDifferences?: readonly IgnoreDifference[];
}

/** An Argo CD Application. */
export class ArgoApplication extends Application {
  constructor(scope: Construct, id: string, props: ArgoApplicationProps) {
    super(scope, id, {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        ...(props.annotations && Object.keys(props.annotations).length > 0 ? { annotations: { ...props.annotations } } : {}),
        ...(props.finalizers && props.finalizers.length > 0 ? { finalizers: [...props.finalizers] } : {}),
      },
      spec: {
        project: props.project,
        // The generated class calls repoURL repoUrl (and writes it back as repoURL).
        source: { repoUrl: props.source.repoURL, targetRevision: props.source.targetRevision, path: props.source.path },
        destination: { ...props.destination },
        ...(props.ignoreDifferences && props.ignoreDifferences.length > 0
          ? { ignoreDifferences: props.ignoreDifferences.map(ignoreDifferenceSpec) }
          : {}),
        syncPolicy: props.syncPolicy,
      },
    });
  }
}

export interface ChildApplicationProps {
  /** Environment name (Application name prefix, dist/ folder). */
  readonly envName: string;
  readonly argocdNamespace: string;
  readonly project: string;
  readonly repoURL: string;
  /** The one cluster the app syncs to. */
  readonly cluster: ResolvedCluster;
  readonly settings: ChildAppSettings;
}

/** A child Application of an environment's App-of-Apps: syncs dist/<env>/<app>/ into one cluster. */
export class ChildApplication extends ArgoApplication {
  constructor(scope: Construct, id: string, props: ChildApplicationProps) {
    const { settings, cluster } = props;
    const meta = childMetadata(settings);
    super(scope, id, {
      name: applicationName(props.envName, settings.app),
      namespace: props.argocdNamespace,
      project: props.project,
      source: { repoURL: props.repoURL, targetRevision: cluster.targetRevision, path: `dist/${props.envName}/${settings.app}` },
      destination: { server: cluster.server, namespace: settings.destinationNamespace },
      syncPolicy: syncPolicySpec(cluster.syncPolicy, settings.syncOptions),
      annotations: meta.annotations,
      finalizers: meta.finalizers,
      ignoreDifferences: settings.ignoreDifferences,
    });
  }
}

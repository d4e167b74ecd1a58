import type { Construct } from 'constructs';
import { AppProject } from '../imports/argoproj.io';
import type { GroupKind } from './app-footprint';

export interface ArgoProjectProps {
  /** AppProject name. */
  readonly name: string;
  /** Namespace Argo CD runs in. */
  readonly namespace: string;
  readonly description: string;
  /** Git and Helm repositories the project's apps may pull from. */
  readonly sourceRepos: readonly string[];
  /** Cluster API servers and namespaces the project's apps may write to. */
  readonly destinations: ReadonlyArray<{ readonly server: string; readonly namespace: string }>;
  /**
   * Cluster-scoped kinds the project's apps may manage.
   * @default [] (none: Argo CD denies every cluster-scoped kind)
   */
  readonly clusterResourceWhitelist?: readonly GroupKind[];
  /**
   * Namespaced kinds the project's apps may manage.
   * @default every namespaced kind (within the destinations' namespaces)
   */
  readonly namespaceResourceWhitelist?: readonly GroupKind[];
}

/**
 * A restricted Argo CD AppProject: App-of-Apps is admin power, so every app names a project that
 * allows only this repository (and the upstream charts actually used), only the environment's
 * clusters and namespaces, and only the cluster-scoped kinds the apps render.
 */
export class ArgoProject extends AppProject {
  constructor(scope: Construct, id: string, props: ArgoProjectProps) {
    super(scope, id, {
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        description: props.description,
        sourceRepos: [...props.sourceRepos],
        destinations: props.destinations.map((d) => ({ ...d })),
        clusterResourceWhitelist: (props.clusterResourceWhitelist ?? []).map((gk) => ({ ...gk })),
        ...(props.namespaceResourceWhitelist
          ? { namespaceResourceWhitelist: props.namespaceResourceWhitelist.map((gk) => ({ ...gk })) }
          : {}),
        // Objects in the destinations that no app manages show up as warnings (e.g. left behind when prune is off).
        orphanedResources: { warn: true },
      },
    });
  }
}

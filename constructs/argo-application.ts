import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { ResolvedEnvironment } from '../environments/types';

export interface ArgoApplicationProps {
  readonly env: ResolvedEnvironment;
  /** Application name; also the folder dist/<env>/<name>/ it syncs. */
  readonly name: string;
  /** Namespace the app's namespaced objects default to. */
  readonly destinationNamespace: string;
  /**
   * Sync wave: lower waves sync first (engine before policies).
   * @default 0
   */
  readonly syncWave?: number;
}

/** An Argo CD Application that syncs one folder of dist/ into the environment's cluster. */
export class ArgoApplication extends ApiObject {
  constructor(scope: Construct, id: string, props: ArgoApplicationProps) {
    const { env } = props;
    super(scope, id, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name: props.name,
        namespace: env.argocd.namespace,
        annotations: { 'argocd.argoproj.io/sync-wave': String(props.syncWave ?? 0) },
      },
      spec: {
        project: env.argocd.project,
        source: { repoURL: env.argocd.repoURL, targetRevision: env.argocd.targetRevision, path: `dist/${env.name}/${props.name}` },
        destination: { server: env.clusters[0].server, namespace: props.destinationNamespace },
        syncPolicy: { syncOptions: ['ServerSideApply=true'] },
      },
    });
  }
}

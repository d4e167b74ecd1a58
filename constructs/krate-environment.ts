import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { CATALOG } from '../apps/catalog';
import type { ResolvedEnvironment } from '../environments/types';
import { AppChart } from './app-chart';
import { ArgoApplication } from './argo-application';

export interface KrateEnvironmentProps {
  readonly env: ResolvedEnvironment;
}

/** Everything one environment gets: the App-of-Apps folder and one chart per catalog application. */
export class KrateEnvironment extends Construct {
  constructor(scope: Construct, id: string, props: KrateEnvironmentProps) {
    super(scope, id);
    const { env } = props;
    const root = new AppChart(this, 'app-of-apps', { env, app: 'app-of-apps' });
    new ApiObject(root, 'project', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: env.argocd.project, namespace: env.argocd.namespace },
      spec: {
        description: `Krate policy apps for ${env.name}`,
        sourceRepos: [env.argocd.repoURL],
        destinations: env.clusters.map((c) => ({ server: c.server, namespace: '*' })),
      },
    });
    for (const entry of CATALOG) {
      if (!entry.build(this, env)) continue;
      new ArgoApplication(root, entry.name, {
        env,
        name: entry.name,
        syncWave: entry.syncWave,
        destinationNamespace: entry.destinationNamespace(env),
      });
    }
  }
}

import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { ResolvedCluster } from '../config/environment';
import type { ResolvedEnvironment } from '../config/resolve';
import type { AppChart } from './app-chart';
import { fleetGenerators } from './argo-application-set';
import { syncPolicySpec } from './argo-application';

/** An Argo CD Application a chart renders to install an upstream chart (the Kyverno engine, Policy Reporter). */
export interface UpstreamApplicationSpec {
  readonly metadata: { readonly name: string; readonly annotations?: Record<string, string>; readonly labels?: Record<string, string> };
  readonly spec: {
    readonly destination: { readonly namespace: string };
    readonly syncPolicy?: { readonly syncOptions?: readonly string[] };
    readonly [k: string]: unknown;
  };
}

/**
 * Removes the Argo CD Applications a chart rendered and returns them. They belong in the
 * App-of-Apps, beside the other child apps, where Argo CD itself runs: left inside the chart's app
 * they would be synced into every fleet cluster's argocd namespace, where no Argo CD may run.
 */
export function takeApplications(chart: AppChart): UpstreamApplicationSpec[] {
  const taken: UpstreamApplicationSpec[] = [];
  for (const node of chart.node.findAll()) {
    if (!ApiObject.isApiObject(node)) continue;
    const obj = node as ApiObject;
    if (obj.apiVersion !== 'argoproj.io/v1alpha1' || obj.kind !== 'Application') continue;
    taken.push(obj.toJson() as UpstreamApplicationSpec);
    node.node.scope?.node.tryRemoveChild(node.node.id);
  }
  return taken;
}

export interface UpstreamApplicationProps {
  readonly env: ResolvedEnvironment;
  /** The Application as the chart rendered it: source, destination namespace, options, wave. */
  readonly app: UpstreamApplicationSpec;
}

/**
 * An upstream-chart Application in the App-of-Apps: the chart's spec, with this environment's
 * project, cluster(s) and sync policy (data in environments/, so prod can sync without prune or by
 * hand). One cluster: an Application; a fleet: an ApplicationSet selecting the environment's clusters.
 */
export class UpstreamApplication extends ApiObject {
  constructor(scope: Construct, id: string, props: UpstreamApplicationProps) {
    const { env, app } = props;
    const syncOptions = app.spec.syncPolicy?.syncOptions ?? [];
    const name = `${env.name}-${app.metadata.name}`;
    const metadata = { annotations: app.metadata.annotations, labels: app.metadata.labels };
    const spec = (server: string, syncPolicy: unknown) => ({
      ...app.spec,
      project: env.argocd.project,
      destination: { ...app.spec.destination, server },
      syncPolicy,
    });
    if (env.clusters.length === 1) {
      const cluster: ResolvedCluster = env.clusters[0];
      super(scope, id, {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { ...metadata, name, namespace: env.argocd.namespace },
        spec: spec(cluster.server, syncPolicySpec(cluster.syncPolicy, syncOptions)),
      });
      return;
    }
    super(scope, id, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name, namespace: env.argocd.namespace, annotations: app.metadata.annotations },
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: fleetGenerators(env.name, env.clusters, syncOptions),
        template: {
          metadata: { ...metadata, name: `{{ .name }}-${app.metadata.name}`, namespace: env.argocd.namespace },
          spec: spec('{{ .server }}', undefined),
        },
        templatePatch: 'spec:\n  syncPolicy: {{ .values.syncPolicy }}\n',
      },
    });
  }
}

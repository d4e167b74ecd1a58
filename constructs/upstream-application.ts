import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { ResolvedCluster } from '../config/environment';
import type { ResolvedEnvironment } from '../config/resolve';
import {
  Application,
  ApplicationSet,
  type ApplicationSetSpecTemplateSpec,
  type ApplicationSpec,
  type ApplicationSpecSyncPolicy,
} from '../imports/argoproj.io';
import type { AppChart } from './app-chart';
import { fleetGenerators } from './argo-application-set';
import { syncPolicySpec } from './argo-application';
import { checkSerializedSpec } from './typed-json';

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
    if (obj.apiVersion !== Application.GVK.apiVersion || obj.kind !== Application.GVK.kind) continue;
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

/** A chart-rendered Application spec (JSON field names) as the generated classes' props. */
function chartSpecProps<T>(spec: Record<string, unknown>): T {
  // The chart's output is untyped by nature; the generated classes call repoURL repoUrl, and
  // checkSerializedSpec below proves that the typed object writes every other field back unchanged.
  const source = (s: unknown) => {
    const { repoURL, ...rest } = s as { repoURL?: unknown };
    return { ...rest, repoUrl: repoURL };
  };
  const { source: one, sources, ...rest } = spec as { source?: unknown; sources?: unknown[] };
  return { ...rest, ...(one ? { source: source(one) } : {}), ...(sources ? { sources: sources.map(source) } : {}) } as T;
}

/**
 * An upstream-chart Application in the App-of-Apps: the chart's spec, with this environment's
 * project, cluster(s) and sync policy (data in environments/, so prod can sync without prune or by
 * hand). One cluster: an Application; a fleet: an ApplicationSet selecting the environment's clusters.
 */
export class UpstreamApplication extends Construct {
  /** The Application or ApplicationSet rendered. */
  readonly resource: Application | ApplicationSet;

  constructor(scope: Construct, id: string, props: UpstreamApplicationProps) {
    super(scope, id);
    const { env, app } = props;
    const syncOptions = app.spec.syncPolicy?.syncOptions ?? [];
    const name = `${env.name}-${app.metadata.name}`;
    const metadata = { annotations: app.metadata.annotations, labels: app.metadata.labels };
    const origin = `Application ${app.metadata.name} rendered by the krate-kyverno chart`;
    const spec = (server: string, syncPolicy: ApplicationSpecSyncPolicy | undefined) => ({
      ...app.spec,
      project: env.argocd.project,
      destination: { ...app.spec.destination, server },
      syncPolicy,
    });
    if (env.clusters.length === 1) {
      const cluster: ResolvedCluster = env.clusters[0];
      const json = spec(cluster.server, syncPolicySpec(cluster.syncPolicy, syncOptions));
      this.resource = new Application(this, 'Resource', {
        metadata: { ...metadata, name, namespace: env.argocd.namespace },
        spec: chartSpecProps<ApplicationSpec>(json),
      });
      checkSerializedSpec(this.resource, json, origin);
      return;
    }
    const json = {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: fleetGenerators(env.name, env.clusters, syncOptions),
      template: {
        metadata: { ...metadata, name: `{{ .name }}-${app.metadata.name}`, namespace: env.argocd.namespace },
        spec: spec('{{ .server }}', undefined),
      },
      templatePatch: 'spec:\n  syncPolicy: {{ .values.syncPolicy }}\n',
    };
    this.resource = new ApplicationSet(this, 'Resource', {
      metadata: { name, namespace: env.argocd.namespace, annotations: app.metadata.annotations },
      spec: { ...json, template: { ...json.template, spec: chartSpecProps<ApplicationSetSpecTemplateSpec>(json.template.spec) } },
    });
    checkSerializedSpec(this.resource, json, origin);
  }
}

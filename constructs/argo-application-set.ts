import type { Construct } from 'constructs';
import type { ResolvedCluster } from '../config/environment';
import { FLEET_CLUSTER_LABEL, FLEET_ENVIRONMENT_LABEL } from '../environments/types';
import { ApplicationSet, type ApplicationSetSpecGenerators } from '../imports/argoproj.io';
import { applicationName, childMetadata, ignoreDifferenceSpec, syncPolicySpec, type ChildAppSettings } from './argo-application';

export interface FleetApplicationSetProps {
  /** Environment name (ApplicationSet name prefix, dist/ folder, fleet label value). */
  readonly envName: string;
  readonly argocdNamespace: string;
  readonly project: string;
  readonly repoURL: string;
  /** Every cluster of the environment (more than one). */
  readonly clusters: readonly ResolvedCluster[];
  readonly settings: ChildAppSettings;
}

/**
 * One child app fanned out to a fleet: an ApplicationSet whose cluster generators select the
 * environment's clusters by their Argo CD cluster-secret labels, so Argo CD does the fan-out
 * instead of dist/ holding one copy per cluster. Clusters with the same effective overrides
 * share one generator; each generator passes its target revision and sync policy as values.
 */
export class FleetApplicationSet extends ApplicationSet {
  constructor(scope: Construct, id: string, props: FleetApplicationSetProps) {
    const { settings } = props;
    const meta = childMetadata(settings);
    super(scope, id, {
      metadata: {
        name: applicationName(props.envName, settings.app),
        namespace: props.argocdNamespace,
        annotations: { 'argocd.argoproj.io/sync-wave': String(settings.syncWave) },
      },
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: fleetGenerators(props.envName, props.clusters, settings.syncOptions),
        template: {
          metadata: { name: applicationName('{{ .name }}', settings.app), namespace: props.argocdNamespace, ...meta },
          spec: {
            project: props.project,
            source: {
              repoUrl: props.repoURL, // written as repoURL

              targetRevision: '{{ .values.targetRevision }}',
              path: `dist/${props.envName}/${settings.app}`,
            },
            destination: { server: '{{ .server }}', namespace: settings.destinationNamespace },
            ...(settings.ignoreDifferences.length > 0 ? { ignoreDifferences: settings.ignoreDifferences.map(ignoreDifferenceSpec) } : {}),
          },
        },
        // The sync policy differs per generator (automated or manual is structure, not a string),
        // so it is patched in from the generator's values as JSON (valid YAML flow).
        templatePatch: 'spec:\n  syncPolicy: {{ .values.syncPolicy }}\n',
      },
    });
  }
}

/**
 * Cluster generators selecting the environment's clusters by their cluster-secret labels, one per
 * group of clusters with the same overrides, each passing its target revision and sync policy.
 */
export function fleetGenerators(
  envName: string,
  clusters: readonly ResolvedCluster[],
  syncOptions: readonly string[],
): ApplicationSetSpecGenerators[] {
  return clusterGroups(clusters, syncOptions).map((group) => ({
    clusters: {
      selector: {
        matchLabels: { [FLEET_ENVIRONMENT_LABEL]: envName },
        matchExpressions: [{ key: FLEET_CLUSTER_LABEL, operator: 'In', values: group.clusters }],
      },
      values: group.values,
    },
  }));
}

/** Clusters grouped by identical effective overrides, in first-listed order; names sorted. */
export function clusterGroups(
  clusters: readonly ResolvedCluster[],
  syncOptions: readonly string[],
): { clusters: string[]; values: Record<string, string> }[] {
  const groups = new Map<string, { clusters: string[]; values: Record<string, string> }>();
  for (const c of clusters) {
    const values = { targetRevision: c.targetRevision, syncPolicy: JSON.stringify(syncPolicySpec(c.syncPolicy, syncOptions)) };
    const key = JSON.stringify(values);
    const group = groups.get(key) ?? { clusters: [] as string[], values };
    group.clusters.push(c.name);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => ({ ...g, clusters: [...g.clusters].sort() }));
}

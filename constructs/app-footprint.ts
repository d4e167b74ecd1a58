import { isBuiltInClusterScoped } from '../lib/kinds';
import { ApiObject } from 'cdk8s';
import type { AppChart } from './app-chart';

/** A group/kind pair, as AppProject whitelists name them ('' is the core group). */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/**
 * Cluster-scoped kinds an upstream chart installs when an app renders an Argo CD Application for it
 * (synth never sees that chart's objects, but the AppProject must allow them). Keyed by chart name.
 */
export const UPSTREAM_CHART_CLUSTER_KINDS: Readonly<Record<string, readonly string[]>> = {
  kyverno: [
    'apiextensions.k8s.io/CustomResourceDefinition',
    'rbac.authorization.k8s.io/ClusterRole',
    'rbac.authorization.k8s.io/ClusterRoleBinding',
    'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
    'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  ],
  'policy-reporter': ['rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding'],
};

/** Built-in API groups: their kinds exist on every cluster, no CRD needed. */
function isBuiltInGroup(group: string): boolean {
  return group === '' || !group.includes('.') || group.endsWith('.k8s.io') || group === 'argoproj.io';
}

export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** An upstream chart an app asks Argo CD to install (an Application with a chart source). */
export interface UpstreamChart {
  readonly repoURL: string;
  readonly chart: string;
  readonly destinationNamespace?: string;
}

/** What one app's rendered objects need from Argo CD: derived, so new apps need no extra settings. */
export interface AppFootprint {
  /** group/kind of every CustomResourceDefinition the app renders, with its scope. */
  readonly crds: ReadonlyMap<string, 'Cluster' | 'Namespaced'>;
  /** group/kind of every custom (non built-in) kind the app renders. */
  readonly customKinds: ReadonlySet<string>;
  /** group/kind of every object rendered without a namespace (candidates for cluster scope). */
  readonly unnamespacedKinds: ReadonlySet<string>;
  /** Namespaces the app's namespaced objects go to. */
  readonly namespaces: ReadonlySet<string>;
  /** Namespace objects the app creates. */
  readonly createdNamespaces: ReadonlySet<string>;
  /** Upstream charts the app installs through nested Applications. */
  readonly upstreamCharts: readonly UpstreamChart[];
}

/** Reads an app chart's objects (without synthesizing it) and records what Argo CD must allow. */
export function footprintOf(chart: AppChart): AppFootprint {
  const crds = new Map<string, 'Cluster' | 'Namespaced'>();
  const customKinds = new Set<string>();
  const unnamespacedKinds = new Set<string>();
  const namespaces = new Set<string>();
  const createdNamespaces = new Set<string>();
  const upstreamCharts: UpstreamChart[] = [];
  for (const node of chart.node.findAll()) {
    if (!ApiObject.isApiObject(node)) continue;
    const obj = node as ApiObject;
    const group = groupOf(obj.apiVersion);
    const gk = `${group}/${obj.kind}`;
    if (!isBuiltInGroup(group)) customKinds.add(gk);
    if (obj.metadata.namespace) namespaces.add(obj.metadata.namespace);
    else unnamespacedKinds.add(gk);
    if (gk === '/Namespace') createdNamespaces.add(obj.name);
    if (gk === 'apiextensions.k8s.io/CustomResourceDefinition' || gk === 'argoproj.io/Application') {
      interface Source {
        readonly chart?: string;
        readonly repoURL?: string;
      }
      interface FootprintSpec {
        readonly group?: string;
        readonly names?: { readonly kind?: string };
        readonly scope?: string;
        readonly source?: Source;
        readonly sources?: readonly Source[];
        readonly destination?: { readonly namespace?: string };
      }
      const spec = (obj.toJson() as { spec?: FootprintSpec }).spec ?? {};
      if (obj.kind === 'CustomResourceDefinition')
        crds.set(`${spec.group}/${spec.names?.kind}`, spec.scope === 'Cluster' ? 'Cluster' : 'Namespaced');
      for (const source of [spec.source, ...(spec.sources ?? [])]) {
        if (source?.chart && source.repoURL)
          upstreamCharts.push({ repoURL: source.repoURL, chart: source.chart, destinationNamespace: spec.destination?.namespace });
      }
    }
  }
  return { crds, customKinds, unnamespacedKinds, namespaces, createdNamespaces, upstreamCharts };
}

/** Whether a group/kind is cluster-scoped, given the CRDs every app of the environment renders. */
export function isClusterScoped(gk: string, crds: ReadonlyMap<string, 'Cluster' | 'Namespaced'>): boolean {
  const scope = crds.get(gk);
  return scope ? scope === 'Cluster' : isBuiltInClusterScoped(gk);
}

export function toGroupKind(gk: string): GroupKind {
  const i = gk.lastIndexOf('/');
  return { group: gk.slice(0, i), kind: gk.slice(i + 1) };
}

// Kind → resource (plural) and scope, for the built-in Kubernetes, Kyverno and report API groups:
// what the Kyverno CLI's REST mapper knows offline, and the one list of cluster-scoped kinds. CRDs a test brings (clusterResources) add to it;
// any other kind is namespaced and pluralised the way meta.UnsafeGuessKindToResource does.

/** Krate's vocabulary for the kind of resource a policy governs (the `krate.a5c.ai/surface` label). */
export const KRATE_SURFACES = ['repo', 'pr', 'run', 'runner', 'deployment', 'hook', 'identity', 'workload'] as const;
export type KrateSurface = (typeof KRATE_SURFACES)[number];

/** `group/Kind` → [plural, namespaced]. */
const BUILTIN: ReadonlyMap<string, readonly [string, boolean]> = (() => {
  const m = new Map<string, readonly [string, boolean]>();
  const add = (group: string, namespaced: boolean, ...kinds: Array<string | [string, string]>) => {
    for (const k of kinds) {
      const [kind, plural] = Array.isArray(k) ? k : [k, guessPlural(k)];
      m.set(`${group}/${kind}`, [plural, namespaced]);
    }
  };
  add(
    '',
    true,
    'Pod',
    'Service',
    'ConfigMap',
    'Secret',
    'ServiceAccount',
    'PersistentVolumeClaim',
    ['Endpoints', 'endpoints'],
    'Event',
    'LimitRange',
    'ResourceQuota',
    'ReplicationController',
    'PodTemplate',
    ['Binding', 'bindings'],
  );
  add('', false, 'Namespace', 'Node', 'PersistentVolume', ['ComponentStatus', 'componentstatuses']);
  add('apps', true, 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ControllerRevision');
  add('batch', true, 'Job', 'CronJob');
  add('autoscaling', true, 'HorizontalPodAutoscaler');
  add('networking.k8s.io', true, 'Ingress', 'NetworkPolicy');
  add('networking.k8s.io', false, 'IngressClass', 'IPAddress', 'ServiceCIDR');
  add('policy', true, 'PodDisruptionBudget');
  add('policy', false, 'PodSecurityPolicy');
  add('rbac.authorization.k8s.io', true, 'Role', 'RoleBinding');
  add('rbac.authorization.k8s.io', false, 'ClusterRole', 'ClusterRoleBinding');
  add('storage.k8s.io', true, 'CSIStorageCapacity');
  add('storage.k8s.io', false, 'StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'VolumeAttributesClass');
  add('apiextensions.k8s.io', false, 'CustomResourceDefinition');
  add(
    'admissionregistration.k8s.io',
    false,
    'ValidatingWebhookConfiguration',
    'MutatingWebhookConfiguration',
    'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding',
    'MutatingAdmissionPolicy',
    'MutatingAdmissionPolicyBinding',
  );
  add('scheduling.k8s.io', false, 'PriorityClass');
  add('node.k8s.io', false, 'RuntimeClass');
  add('coordination.k8s.io', true, 'Lease');
  add('discovery.k8s.io', true, 'EndpointSlice');
  add('events.k8s.io', true, 'Event');
  add('certificates.k8s.io', false, 'CertificateSigningRequest', 'ClusterTrustBundle');
  add('flowcontrol.apiserver.k8s.io', false, 'FlowSchema', 'PriorityLevelConfiguration');
  add('apiregistration.k8s.io', false, 'APIService');
  add('authentication.k8s.io', false, 'TokenReview', 'SelfSubjectReview');
  add('authorization.k8s.io', false, 'SubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview');
  add('authorization.k8s.io', true, 'LocalSubjectAccessReview');
  add('resource.k8s.io', true, 'ResourceClaim', 'ResourceClaimTemplate');
  add('resource.k8s.io', false, 'DeviceClass', 'ResourceSlice');
  add('kyverno.io', true, 'Policy', 'PolicyException', 'CleanupPolicy', 'UpdateRequest');
  add('kyverno.io', false, 'ClusterPolicy', 'ClusterCleanupPolicy', 'GlobalContextEntry');
  add(
    'policies.kyverno.io',
    true,
    'PolicyException',
    'NamespacedValidatingPolicy',
    'NamespacedImageValidatingPolicy',
    'NamespacedMutatingPolicy',
    'NamespacedGeneratingPolicy',
    'NamespacedDeletingPolicy',
  );
  add('policies.kyverno.io', false, 'ValidatingPolicy', 'ImageValidatingPolicy', 'MutatingPolicy', 'GeneratingPolicy', 'DeletingPolicy');
  add('wgpolicyk8s.io', true, 'PolicyReport');
  add('wgpolicyk8s.io', false, 'ClusterPolicyReport');
  add('openreports.io', true, 'Report');
  add('openreports.io', false, 'ClusterReport');
  add('metrics.k8s.io', true, 'PodMetrics');
  add('metrics.k8s.io', false, 'NodeMetrics');
  return m;
})();

/** meta.UnsafeGuessKindToResource, with 'y' after a vowel kept (Gateway → gateways). */
export function guessPlural(kind: string): string {
  const k = kind.toLowerCase();
  if (k.endsWith('endpoints')) return k;
  if (k.endsWith('s')) return `${k}es`;
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

export const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');
export const versionOf = (apiVersion: string): string => apiVersion.slice(apiVersion.indexOf('/') + 1);

/** Resolves kinds to resources: the built-in table plus CRDs the suite supplies. */
export class KindResolver {
  private readonly crds = new Map<string, readonly [string, boolean]>();
  private readonly byResource = new Map<string, string>();

  constructor() {
    for (const [key, [plural]] of BUILTIN)
      this.byResource.set(`${key.slice(0, key.indexOf('/'))}/${plural}`, key.slice(key.indexOf('/') + 1));
  }

  /** Adds a CustomResourceDefinition (apiextensions.k8s.io/v1 shape). */
  addCRD(crd: {
    readonly spec?: {
      readonly group?: string;
      readonly scope?: string;
      readonly names?: { readonly kind?: string; readonly plural?: string };
    };
  }): void {
    const group = crd.spec?.group;
    const kind = crd.spec?.names?.kind;
    if (!group || !kind) return;
    const plural = crd.spec?.names?.plural ?? guessPlural(kind);
    this.crds.set(`${group}/${kind}`, [plural, crd.spec?.scope !== 'Cluster']);
    this.byResource.set(`${group}/${plural}`, kind);
  }

  private lookup(group: string, kind: string): readonly [string, boolean] {
    return this.crds.get(`${group}/${kind}`) ?? BUILTIN.get(`${group}/${kind}`) ?? [guessPlural(kind), true];
  }

  resource(apiVersion: string, kind: string): string {
    return this.lookup(groupOf(apiVersion), kind)[0];
  }

  namespaced(apiVersion: string, kind: string): boolean {
    return this.lookup(groupOf(apiVersion), kind)[1];
  }

  /** The kind served as `group/resource`, if known. */
  kindOf(group: string, resource: string): string | undefined {
    return this.byResource.get(`${group}/${resource}`);
  }
}

/** True for a built-in kind (`group/Kind`, core group empty) that is cluster-scoped. */
export function isBuiltInClusterScoped(groupKind: string): boolean {
  const known = BUILTIN.get(groupKind);
  return known !== undefined && !known[1];
}

/**
 * The version a new policy matches for each built-in group: its preferred version in Kubernetes
 * 1.35 and Kyverno v1.19 (a kind served only at another version is given with `new --api-version`).
 */
const PREFERRED_VERSIONS: Readonly<Record<string, string>> = {
  autoscaling: 'v2',
  'metrics.k8s.io': 'v1beta1',
  'wgpolicyk8s.io': 'v1alpha2',
  'openreports.io': 'v1alpha1',
};

/** The apiVersion of each built-in group serving `kind` (the core group as `v1`), e.g. Job → ['batch/v1']. */
export function builtInApiVersions(kind: string): string[] {
  return [...BUILTIN.keys()]
    .filter((key) => key.slice(key.indexOf('/') + 1) === kind)
    .map((key) => {
      const group = key.slice(0, key.indexOf('/'));
      return group ? `${group}/${PREFERRED_VERSIONS[group] ?? 'v1'}` : 'v1';
    });
}

/** Every built-in kind, once (for "did you mean"). */
export function builtInKinds(): string[] {
  return [...new Set([...BUILTIN.keys()].map((key) => key.slice(key.indexOf('/') + 1)))];
}

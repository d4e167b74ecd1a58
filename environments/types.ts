/**
 * The typed shape of one environment. Each file in environments/ exports one of these; differences
 * between environments are values here, never branches in constructs/ or apps/.
 */

/** How Kyverno reaches the cluster. */
export const KYVERNO_MODES = ['disabled', 'byo', 'managed', 'auto'] as const;
export type KyvernoMode = (typeof KYVERNO_MODES)[number];

/**
 * Modes in which Kyverno is on the cluster by configuration, so this repository's Argo CD apps may
 * sync Kyverno objects (policies, PolicyExceptions): `managed` installs it, `byo` declares it is
 * there. `disabled` has no CRDs (Argo CD's sync would fail forever) and `auto` is read-only until
 * Krate finds a Kyverno at runtime, which synth cannot know, so neither gets them.
 */
export const KYVERNO_PRESENT_MODES: readonly KyvernoMode[] = ['managed', 'byo'];

/** True when the environment's Kyverno mode says Kyverno is there (see KYVERNO_PRESENT_MODES). */
export function hasKyverno(env: { readonly kyverno: { readonly mode: KyvernoMode } }): boolean {
  return KYVERNO_PRESENT_MODES.includes(env.kyverno.mode);
}

/** Argo CD cluster-secret label that puts a cluster in an environment's fleet (ApplicationSet selector). */
export const FLEET_ENVIRONMENT_LABEL = 'krate.a5c.ai/policy-environment';
/** Argo CD cluster-secret label naming the cluster, so per-cluster overrides can select it. */
export const FLEET_CLUSTER_LABEL = 'krate.a5c.ai/cluster';

export interface ArgoCdConfig {
  /** Git URL Argo CD clones this repository from. */
  readonly repoURL: string;
  /**
   * Git revision Argo CD tracks for this environment.
   * @default 'main'
   */
  readonly targetRevision?: string;
  /**
   * Namespace Argo CD runs in (where Application and AppProject objects live).
   * @default 'argocd'
   */
  readonly namespace?: string;
  /**
   * The restricted AppProject every child Application of this environment names.
   * @default 'krate-<environment name>'
   */
  readonly project?: string;
  /**
   * How Argo CD syncs this environment's child apps (every cluster, unless a cluster overrides it).
   * @default { automated: true, prune: false, selfHeal: false } with retry at its default
   */
  readonly syncPolicy?: SyncPolicyConfig;
}

/** Retry of a failed sync, with exponential backoff (Argo CD's `syncPolicy.retry`). */
export interface RetryConfig {
  /**
   * Attempts before the sync is reported failed.
   * @default 5
   */
  readonly limit?: number;
  /**
   * First wait, as an Argo CD duration ('10s', '1m').
   * @default '10s'
   */
  readonly duration?: string;
  /**
   * Each wait is the previous one times this factor.
   * @default 2
   */
  readonly factor?: number;
  /**
   * Longest wait between attempts.
   * @default '5m'
   */
  readonly maxDuration?: string;
}

/** Argo CD's sync policy for an environment's child apps, as data (never a branch on the name). */
export interface SyncPolicyConfig {
  /**
   * Sync every commit automatically; false means a person presses Sync (manual).
   * @default true
   */
  readonly automated?: boolean;
  /**
   * Delete objects that disappeared from git (automated only): without it, removed policies stay
   * until someone syncs with prune.
   * @default false
   */
  readonly prune?: boolean;
  /**
   * Revert changes made directly in the cluster (automated only).
   * @default false
   */
  readonly selfHeal?: boolean;
  /**
   * Retry failed syncs with exponential backoff.
   * @default { limit: 5, duration: '10s', factor: 2, maxDuration: '5m' }
   */
  readonly retry?: RetryConfig;
}

/** What one cluster of a fleet does differently from its environment. */
export interface ClusterOverrides {
  /**
   * Git revision this cluster tracks instead of the environment's (a canary or a frozen cluster).
   * @default the environment's argocd.targetRevision
   */
  readonly targetRevision?: string;
  /**
   * Sync policy for this cluster instead of the environment's (e.g. manual on a sensitive cluster).
   * @default the environment's argocd.syncPolicy
   */
  readonly syncPolicy?: SyncPolicyConfig;
}

export interface ClusterConfig {
  /** Cluster name as registered in Argo CD (a DNS label). */
  readonly name: string;
  /**
   * API server URL as registered in Argo CD.
   * @default 'https://kubernetes.default.svc' (the cluster Argo CD runs in)
   */
  readonly server?: string;
  /**
   * Labels on the Argo CD cluster secret, used by fleet ApplicationSets to select clusters.
   * `krate.a5c.ai/policy-environment: <env>` and `krate.a5c.ai/cluster: <name>` are always added:
   * the cluster secret must carry them (see the README's "onboard a cluster").
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * What this cluster does differently from the rest of its environment.
   * @default {} (nothing)
   */
  readonly overrides?: ClusterOverrides;
}

/** How a managed Kyverno is installed: an Argo CD Application, a vendored Helm subchart, or by you. */
export const KYVERNO_INSTALL_METHODS = ['argocd', 'helm-dependency', 'none'] as const;
export type KyvernoInstallMethod = (typeof KYVERNO_INSTALL_METHODS)[number];

/** Mode of Krate's default policy pack. */
export const POLICY_PACK_MODES = ['audit', 'enforce'] as const;
export type PolicyPackMode = (typeof POLICY_PACK_MODES)[number];

/** Policy Reporter: announced only (external) or installed by an Argo CD Application (managed). */
export const POLICY_REPORTER_MODES = ['external', 'managed'] as const;
export type PolicyReporterMode = (typeof POLICY_REPORTER_MODES)[number];

export interface ManagedKyvernoConfig {
  /**
   * Upstream Kyverno chart version (pinned; chart 3.N ships Kyverno v1.(10+N)).
   * @default '3.9.0'
   */
  readonly chartVersion?: string;
  /**
   * Admission controller replicas (3 for HA).
   * @default 3
   */
  readonly admissionReplicas?: number;
  /**
   * Replicas of the background, cleanup and reports controllers.
   * @default 2
   */
  readonly controllerReplicas?: number;
  /**
   * How the managed Kyverno is installed.
   * @default 'argocd'
   */
  readonly installMethod?: KyvernoInstallMethod;
  /**
   * Extra upstream Kyverno chart values, merged last (they win over Krate's defaults). Krate's
   * webhook exclusions and exception settings (`config.webhooks`, `config.resourceFilters`,
   * `config.excludeKyvernoNamespace`, `features.policyExceptions`) cannot be set here.
   * @default {}
   */
  readonly values?: Readonly<Record<string, unknown>>;
}

export interface PolicyReporterConfig {
  /**
   * Tell Krate a Policy Reporter is available.
   * @default false
   */
  readonly enabled?: boolean;
  /**
   * external: already installed, only announced; managed: an Argo CD Application installs it.
   * @default 'external'
   */
  readonly mode?: PolicyReporterMode;
  /**
   * Namespace Policy Reporter runs in.
   * @default 'policy-reporter'
   */
  readonly namespace?: string;
  /**
   * Pinned Policy Reporter chart version (managed mode).
   * @default '3.9.0'
   */
  readonly chartVersion?: string;
}

export interface DefaultPolicyPackConfig {
  /**
   * Render the `krate-default` PolicyProfile.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Mode of the default pack.
   * @default 'audit'
   */
  readonly mode?: PolicyPackMode;
  /**
   * Also render an example (audit, opt-in) PolicyBinding.
   * @default true
   */
  readonly installExamples?: boolean;
}

export interface KyvernoConfig {
  /** disabled: nothing installed; byo: discover and read an existing Kyverno; managed: install the
   * upstream chart through Argo CD; auto: discover at runtime, read-only until found. */
  readonly mode: KyvernoMode;
  /**
   * Namespace Kyverno runs in (ours when managed, the existing one for byo/auto).
   * @default 'kyverno'
   */
  readonly namespace?: string;
  /**
   * Namespace where Kyverno honours PolicyExceptions and Krate writes them. Required for `byo`:
   * there it is the existing Kyverno's `features.policyExceptions.namespace`, which its owners set.
   * @default the Krate namespace (required when mode is 'byo')
   */
  readonly policyNamespace?: string;
  /**
   * Settings for `managed` mode; ignored in other modes.
   * @default {} (every field at its default)
   */
  readonly managed?: ManagedKyvernoConfig;
  /**
   * Refuse an enforce-mode default pack while Kyverno is disabled (nothing would enforce it).
   * @default true
   */
  readonly requireForEnforceMode?: boolean;
  /**
   * Let Krate's controllers discover an existing Kyverno at runtime.
   * @default true
   */
  readonly discoverExisting?: boolean;
  /**
   * Policy Reporter (UI and metrics over Kyverno's reports).
   * @default {} (disabled)
   */
  readonly policyReporter?: PolicyReporterConfig;
  /**
   * Krate's default policy pack.
   * @default {} (enabled, audit, with examples)
   */
  readonly defaultPolicyPack?: DefaultPolicyPackConfig;
}

/** Groups (as the cluster's authenticator names them) bound to each Krate persona ClusterRole. */
export interface PersonaGroups {
  /** Read policies, exceptions and reports. @default [] */
  readonly viewer?: readonly string[];
  /** Request time-boxed exceptions (developers). @default [] */
  readonly exceptionRequester?: readonly string[];
  /** Bind templates to their repositories' scope. @default [] */
  readonly repoAdmin?: readonly string[];
  /** Own templates, profiles, enforce mode and exception approvals. @default [] */
  readonly platformAdmin?: readonly string[];
}

export interface RbacConfig {
  /**
   * Let Krate's controller write Kyverno policies for PolicyBindings (kyverno.mode 'managed' only).
   * @default false
   */
  readonly managedPolicyBindings?: boolean;
  /**
   * Groups bound to the persona ClusterRoles.
   * @default {} (roles exist, nobody is bound)
   */
  readonly personas?: PersonaGroups;
}

export interface KrateConfig {
  /**
   * Namespace Krate's API and controllers run in.
   * @default 'krate-system'
   */
  readonly namespace?: string;
}

/** Dropping a platform namespace from the exclusions: allowed only with a written reason. */
export interface PlatformExclusionRemoval {
  /** The platform namespace policies should cover after all (never a protected one). */
  readonly namespace: string;
  /** Why policies must reach into this platform namespace (at least 20 characters). */
  readonly justification: string;
}

/** Apply policies only to namespaces carrying a label (e.g. `krate.a5c.ai/org`). */
export interface NamespaceLabelMatch {
  /** Label key the namespace must carry. */
  readonly key: string;
  /**
   * Allowed values; the label only has to exist when omitted.
   * @default any value (operator Exists)
   */
  readonly values?: readonly string[];
}

/**
 * Namespace exclusions in layers: protected system namespaces (fixed, cannot be removed), platform
 * namespaces (Argo CD's, Kyverno's, Krate's plus `platformNamespaces`), per-template extras, and
 * optional label-scoped matching.
 */
export interface ExclusionsConfig {
  /**
   * Extra platform namespaces of this environment that policies must never touch (cert-manager, CNI, CSI drivers).
   * @default []
   */
  readonly platformNamespaces?: readonly string[];
  /**
   * Platform namespaces policies should cover after all, each with a justification. Protected
   * namespaces (kube-system, kube-public, kube-node-lease) cannot be listed.
   * @default []
   */
  readonly removePlatformExclusions?: readonly PlatformExclusionRemoval[];
  /**
   * Extra namespaces excluded from one template only, keyed by template name.
   * @default {}
   */
  readonly templates?: Readonly<Record<string, readonly string[]>>;
  /**
   * Label-scoped matching: policies apply only to namespaces carrying every listed label.
   * @default [] (every namespace that is not excluded)
   */
  readonly namespaceLabels?: readonly NamespaceLabelMatch[];
}

/** How exceptions are bounded in this environment. */
export interface ExceptionSettings {
  /**
   * Longest an exception may run: `expiresAt` at most this many days after its `requested` date.
   * @default 30
   */
  readonly maxDays?: number;
}

/** Gates for promoting a template into this environment's enforce rung. */
export interface PromotionConfig {
  /**
   * Failing policy-report results (fail + error) a template may still have in this environment
   * when `promote --reports` moves it to enforce here.
   * @default 0
   */
  readonly maxFailingResults?: number;
}

/** One environment: everything that differs between dev, staging, prod and fleets. */
export interface EnvironmentConfig {
  /** Environment name: a DNS label, also the folder under dist/. */
  readonly name: string;
  /** Krate organisation this environment serves (a DNS label); part of every policy name. */
  readonly org: string;
  readonly argocd: ArgoCdConfig;
  /** Clusters this environment deploys to (at least one). */
  readonly clusters: readonly ClusterConfig[];
  readonly kyverno: KyvernoConfig;
  /**
   * Krate's own installation.
   * @default {} (every field at its default)
   */
  readonly krate?: KrateConfig;
  /**
   * Namespace exclusions beyond the protected and built-in platform namespaces.
   * @default {} (protected + Argo CD's, Kyverno's and Krate's namespaces)
   */
  readonly exclusions?: ExclusionsConfig;
  /**
   * Exception bounds.
   * @default { maxDays: 30 }
   */
  readonly exceptions?: ExceptionSettings;
  /**
   * Promotion gates.
   * @default { maxFailingResults: 0 }
   */
  readonly promotion?: PromotionConfig;
  /**
   * Who may do what: Krate's controller write switches and persona groups.
   * @default {} (read-only controller, no persona bindings)
   */
  readonly rbac?: RbacConfig;
}

/** An environment with every default applied: what constructs consume. */
export interface ResolvedEnvironment {
  readonly name: string;
  readonly org: string;
  readonly argocd: Required<Omit<ArgoCdConfig, 'syncPolicy'>> & { readonly syncPolicy: ResolvedSyncPolicy };
  readonly clusters: readonly ResolvedCluster[];
  readonly kyverno: Required<Omit<KyvernoConfig, 'managed' | 'policyReporter' | 'defaultPolicyPack'>> & {
    readonly managed: Required<ManagedKyvernoConfig>;
    readonly policyReporter: Required<PolicyReporterConfig>;
    readonly defaultPolicyPack: Required<DefaultPolicyPackConfig>;
  };
  readonly krate: Required<KrateConfig>;
  readonly rbac: { readonly managedPolicyBindings: boolean; readonly personas: Required<PersonaGroups> };
  readonly exclusions: Required<ExclusionsConfig>;
  readonly exceptions: Required<ExceptionSettings>;
  readonly promotion: Required<PromotionConfig>;
}

/** A sync policy with every default applied. */
export interface ResolvedSyncPolicy {
  readonly automated: boolean;
  readonly prune: boolean;
  readonly selfHeal: boolean;
  readonly retry: Required<RetryConfig>;
}

/** A cluster with its labels completed and its overrides applied over the environment's values. */
export interface ResolvedCluster {
  readonly name: string;
  readonly server: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Git revision this cluster tracks (the override, or the environment's). */
  readonly targetRevision: string;
  /** Sync policy for this cluster (the override, or the environment's). */
  readonly syncPolicy: ResolvedSyncPolicy;
}

/**
 * The typed shape of one environment. Each file in environments/ exports one of these; differences
 * between environments are values here, never branches in constructs/ or apps/.
 */

/** How Kyverno reaches the cluster. */
export const KYVERNO_MODES = ['disabled', 'byo', 'managed', 'auto'] as const;
export type KyvernoMode = (typeof KYVERNO_MODES)[number];

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
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
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
   * Extra upstream Kyverno chart values, merged last (they win over Krate's defaults).
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
   * Namespace where Kyverno honours PolicyExceptions and Krate writes them.
   * @default the Krate namespace
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
   * Who may do what: Krate's controller write switches and persona groups.
   * @default {} (read-only controller, no persona bindings)
   */
  readonly rbac?: RbacConfig;
}

/** An environment with every default applied: what constructs consume. */
export interface ResolvedEnvironment {
  readonly name: string;
  readonly org: string;
  readonly argocd: Required<ArgoCdConfig>;
  readonly clusters: readonly Required<ClusterConfig>[];
  readonly kyverno: Required<Omit<KyvernoConfig, 'managed' | 'policyReporter' | 'defaultPolicyPack'>> & {
    readonly managed: Required<ManagedKyvernoConfig>;
    readonly policyReporter: Required<PolicyReporterConfig>;
    readonly defaultPolicyPack: Required<DefaultPolicyPackConfig>;
  };
  readonly krate: Required<KrateConfig>;
  readonly rbac: { readonly managedPolicyBindings: boolean; readonly personas: Required<PersonaGroups> };
}

// The typed shape of one environment, written once as specs (lib/spec.ts): the TypeScript types
// below, the validation synth runs and the README's configuration reference all derive from these
// definitions. Each file in environments/ exports one EnvironmentConfig; differences between
// environments are values here, never branches in constructs/.
import {
  anyObject,
  bool,
  dnsLabel,
  duration,
  int,
  labelKey,
  labelMap,
  labelValue,
  list,
  nonEmptyString,
  object,
  oneOf,
  optional,
  record,
  required,
  semver,
  url,
  withDefault,
  leaf,
  type InputOf,
  type OutputOf,
} from '../lib/spec';
import { isIsoDate } from '../lib/dates';
import { show } from '../lib/errors';
import { KRATE_SURFACES } from '../lib/kinds';
import { LADDER_ENVIRONMENTS, STAGES } from '../lib/ladder';

/** Days a template spends in audit:prod before its first enforce step, unless it sets soakDays. */
export const DEFAULT_SOAK_DAYS = 7;
/** The longest soak a template may ask for (a typo like 700 would freeze it for years). */
export const MAX_SOAK_DAYS = 90;
/** "1–2 release cycles": two weekly cycles of audit evidence before a template enforces. */
export const DEFAULT_GRADUATION_WINDOW_DAYS = 14;
/** Three snapshots make a trend: a start, a middle and an end. */
export const DEFAULT_GRADUATION_MIN_SNAPSHOTS = 3;

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

/** How a managed Kyverno is installed: an Argo CD Application, a vendored Helm subchart, or by you. */
export const KYVERNO_INSTALL_METHODS = ['argocd', 'helm-dependency', 'none'] as const;
export type KyvernoInstallMethod = (typeof KYVERNO_INSTALL_METHODS)[number];

/** Policy Reporter: announced only (external) or installed by an Argo CD Application (managed). */
export const POLICY_REPORTER_MODES = ['external', 'managed'] as const;
export type PolicyReporterMode = (typeof POLICY_REPORTER_MODES)[number];

export const DEFAULT_KYVERNO_CHART_VERSION = '3.9.0';
export const DEFAULT_POLICY_REPORTER_CHART_VERSION = '3.9.0';
/** The cluster Argo CD runs in, as Argo CD names it. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

export const RETRY = object({
  limit: withDefault(int(0, 100), 5, 'Attempts before the sync is reported failed.'),
  duration: withDefault(duration, '10s', "First wait, as an Argo CD duration ('10s', '1m')."),
  factor: withDefault(int(1, 10), 2, 'Each wait is the previous one times this factor.'),
  maxDuration: withDefault(duration, '5m', 'Longest wait between attempts.'),
});

export const SYNC_POLICY = object({
  automated: withDefault(bool, true, 'Sync every commit automatically; false means a person presses Sync (manual).'),
  prune: withDefault(
    bool,
    false,
    'Delete objects that disappeared from git (automated only): without it, removed policies stay until someone syncs with prune.',
  ),
  selfHeal: withDefault(bool, false, 'Revert changes made directly in the cluster (automated only).'),
  retry: withDefault(RETRY, { limit: 5, duration: '10s', factor: 2, maxDuration: '5m' }, 'Retry failed syncs with exponential backoff.'),
});
export type SyncPolicyConfig = InputOf<typeof SYNC_POLICY.fields>;

export const ARGOCD = object({
  repoURL: required(url(), 'Git URL Argo CD clones this repository from.'),
  targetRevision: withDefault(nonEmptyString, 'main', 'Git revision Argo CD tracks for this environment.'),
  namespace: withDefault(dnsLabel, 'argocd', 'Namespace Argo CD runs in (where Application and AppProject objects live).'),
  applicationControllerServiceAccount: withDefault(
    dnsLabel,
    'argocd-application-controller',
    "ServiceAccount of Argo CD's application controller (in argocd.namespace): the admission policies let it sync PolicyExceptions into the exception namespace and change or prune PolicyExceptionRequests, as Git says.",
  ),
  project: optional(dnsLabel, 'The restricted AppProject every child Application of this environment names.', "'krate-<environment name>'"),
  syncPolicy: withDefault(
    SYNC_POLICY,
    { automated: true, prune: false, selfHeal: false, retry: { limit: 5, duration: '10s', factor: 2, maxDuration: '5m' } },
    "How Argo CD syncs this environment's child apps (every cluster, unless a cluster overrides it).",
  ),
});
export type ArgoCdConfig = InputOf<typeof ARGOCD.fields>;

export const CLUSTER_OVERRIDES = object({
  targetRevision: optional(
    nonEmptyString,
    "Git revision this cluster tracks instead of the environment's (a canary or a frozen cluster).",
    "the environment's argocd.targetRevision",
  ),
  syncPolicy: optional(
    SYNC_POLICY,
    "Sync policy for this cluster instead of the environment's (e.g. manual on a sensitive cluster).",
    "the environment's argocd.syncPolicy",
  ),
});
export type ClusterOverrides = InputOf<typeof CLUSTER_OVERRIDES.fields>;

export const CLUSTER = object({
  name: required(dnsLabel, 'Cluster name as registered in Argo CD (a DNS label).'),
  server: withDefault(
    url(['https:']),
    IN_CLUSTER_SERVER,
    'API server URL as registered in Argo CD.',
    `'${IN_CLUSTER_SERVER}' (the cluster Argo CD runs in)`,
  ),
  labels: withDefault(
    labelMap,
    {},
    'Labels on the Argo CD cluster secret, used by fleet ApplicationSets to select clusters; krate.a5c.ai/policy-environment and krate.a5c.ai/cluster are always added.',
  ),
  overrides: withDefault(
    CLUSTER_OVERRIDES,
    { targetRevision: undefined, syncPolicy: undefined },
    'What this cluster does differently from the rest of its environment.',
    '{} (nothing)',
  ),
});
export type ClusterConfig = InputOf<typeof CLUSTER.fields>;

export const MANAGED_KYVERNO = object({
  chartVersion: withDefault(
    semver,
    DEFAULT_KYVERNO_CHART_VERSION,
    'Upstream Kyverno chart version (pinned; chart 3.N ships Kyverno v1.(10+N)).',
  ),
  admissionReplicas: withDefault(int(1, 15), 3, 'Admission controller replicas (3 for HA).'),
  controllerReplicas: withDefault(int(1, 15), 2, 'Replicas of the background, cleanup and reports controllers.'),
  installMethod: withDefault(oneOf(KYVERNO_INSTALL_METHODS), 'argocd', 'How the managed Kyverno is installed.'),
  values: withDefault(
    anyObject,
    {},
    "Extra upstream Kyverno chart values, merged last; Krate's webhook exclusions and exception settings (config.webhooks, config.resourceFilters and its resourceFiltersExclude / resourceFiltersExcludeNamespaces / resourceFiltersIncludeNamespaces, config.excludeKyvernoNamespace, features.policyExceptions) cannot be set here.",
  ),
});
export type ManagedKyvernoConfig = InputOf<typeof MANAGED_KYVERNO.fields>;

export const POLICY_REPORTER = object({
  enabled: withDefault(bool, false, 'Tell Krate a Policy Reporter is available.'),
  mode: withDefault(
    oneOf(POLICY_REPORTER_MODES),
    'external',
    'external: already installed, only announced; managed: an Argo CD Application installs it.',
  ),
  namespace: withDefault(dnsLabel, 'policy-reporter', 'Namespace Policy Reporter runs in.'),
  chartVersion: withDefault(semver, DEFAULT_POLICY_REPORTER_CHART_VERSION, 'Pinned Policy Reporter chart version (managed mode).'),
});
export type PolicyReporterConfig = InputOf<typeof POLICY_REPORTER.fields>;

export const KYVERNO = object({
  mode: required(
    oneOf(KYVERNO_MODES),
    'disabled: nothing installed; byo: discover and read an existing Kyverno; managed: install the upstream chart through Argo CD; auto: discover at runtime, read-only until found.',
  ),
  namespace: withDefault(dnsLabel, 'kyverno', 'Namespace Kyverno runs in (ours when managed, the existing one for byo/auto).'),
  policyNamespace: optional(
    dnsLabel,
    "Namespace where Kyverno honours PolicyExceptions and Krate writes them; for byo it is the existing Kyverno's features.policyExceptions.namespace.",
    'the Krate namespace (required when mode is byo)',
  ),
  managed: withDefault(
    MANAGED_KYVERNO,
    { chartVersion: DEFAULT_KYVERNO_CHART_VERSION, admissionReplicas: 3, controllerReplicas: 2, installMethod: 'argocd', values: {} },
    'Settings for managed mode; ignored in other modes.',
    '{} (every field at its default)',
  ),
  requireForEnforceMode: withDefault(
    bool,
    true,
    'Refuse a template the ladder enforces here while this mode renders no policies (nothing would enforce it).',
  ),
  discoverExisting: withDefault(bool, true, "Let Krate's controllers discover an existing Kyverno at runtime."),
  policyReporter: withDefault(
    POLICY_REPORTER,
    { enabled: false, mode: 'external', namespace: 'policy-reporter', chartVersion: DEFAULT_POLICY_REPORTER_CHART_VERSION },
    "Policy Reporter (UI and metrics over Kyverno's reports).",
    '{} (disabled)',
  ),
});
export type KyvernoConfig = InputOf<typeof KYVERNO.fields>;

const groups = list(nonEmptyString, { of: 'group names' });
export const PERSONAS = object({
  viewer: withDefault(groups, [], 'Read policies, exceptions and reports, cluster-wide.'),
  platformAdmin: withDefault(
    groups,
    [],
    'Own templates, profiles, enforce mode and exception approvals: the only persona bound cluster-wide with write (exception requesters and repo admins are bound per org: orgs[].personas).',
  ),
});
/** Groups (as the cluster's authenticator names them) bound cluster-wide to the viewer and platform-admin ClusterRoles. */
export type PersonaGroups = InputOf<typeof PERSONAS.fields>;

export const RBAC = object({
  managedPolicyBindings: withDefault(
    bool,
    false,
    "Let Krate's controller write Kyverno policies for PolicyBindings (kyverno.mode 'managed' only).",
  ),
  personas: withDefault(
    PERSONAS,
    { viewer: [], platformAdmin: [] },
    'Groups bound cluster-wide to the viewer and platform-admin ClusterRoles.',
    '{} (roles exist, nobody is bound)',
  ),
});
export type RbacConfig = InputOf<typeof RBAC.fields>;

export const KRATE = object({
  namespace: withDefault(dnsLabel, 'krate-system', "Namespace Krate's API and controllers run in."),
});
export type KrateConfig = InputOf<typeof KRATE.fields>;

const namespaces = list(dnsLabel, { of: 'namespace names', unique: true });

export const PLATFORM_EXCLUSION_REMOVAL = object({
  namespace: required(dnsLabel, 'The platform namespace policies should cover after all (never a protected one).'),
  justification: required(nonEmptyString, 'Why policies must reach into this platform namespace (at least 20 characters).'),
});
export type PlatformExclusionRemoval = InputOf<typeof PLATFORM_EXCLUSION_REMOVAL.fields>;

export const NAMESPACE_LABEL_MATCH = object({
  key: required(labelKey, 'Label key the namespace must carry.'),
  values: optional(
    list(labelValue, { of: 'label values', minItems: 1, item: 'label value (or omit values to require only the key)' }),
    'Allowed values; the label only has to exist when omitted.',
    'any value (operator Exists)',
  ),
});
export type NamespaceLabelMatch = InputOf<typeof NAMESPACE_LABEL_MATCH.fields>;

export const EXCLUSIONS = object({
  platformNamespaces: withDefault(
    namespaces,
    [],
    'Extra platform namespaces of this environment that policies must never touch (cert-manager, CNI, CSI drivers).',
  ),
  removePlatformExclusions: withDefault(
    list(PLATFORM_EXCLUSION_REMOVAL, { of: '{ namespace, justification }' }),
    [],
    'Platform namespaces policies should cover after all, each with a justification; protected namespaces (kube-system, kube-public, kube-node-lease) cannot be listed.',
  ),
  templates: withDefault(
    record(nonEmptyString, namespaces, 'template names to namespace lists'),
    {},
    'Extra namespaces excluded from one template only, keyed by template name.',
  ),
  namespaceLabels: withDefault(
    list(NAMESPACE_LABEL_MATCH, { of: '{ key, values? }' }),
    [],
    'Label-scoped matching: policies apply only to namespaces carrying every listed label.',
    '[] (every namespace that is not excluded)',
  ),
});
/**
 * Namespace exclusions in layers: protected system namespaces (fixed, cannot be removed), platform
 * namespaces (Argo CD's, Kyverno's, Krate's plus `platformNamespaces`), per-template extras, and
 * optional label-scoped matching.
 */
export type ExclusionsConfig = InputOf<typeof EXCLUSIONS.fields>;

export const DEFAULT_EXCEPTION_MAX_DAYS = 30;
export const DEFAULT_MIN_JUSTIFICATION = 20;

/** A profile's default posture: what its orgs' bindings may do (the ladder caps every one of them). */
export const PROFILE_POSTURES = ['audit', 'enforce', 'mixed'] as const;
export type ProfilePosture = (typeof PROFILE_POSTURES)[number];
/** Personas a profile's exception policy names; their groups come from the org (platformAdmin: rbac.personas). */
export const EXCEPTION_PERSONAS = ['exceptionRequester', 'repoAdmin', 'platformAdmin'] as const;
export type ExceptionPersona = (typeof EXCEPTION_PERSONAS)[number];
/** What a webhook does when Kyverno cannot answer (upstream failurePolicy). */
export const FAILURE_POLICIES = ['Fail', 'Ignore'] as const;
/** The mode a binding asks for (the ladder and the profile cap it). */
export const BINDING_MODES = ['audit', 'enforce'] as const;
export type BindingMode = (typeof BINDING_MODES)[number];
/** The label that marks a resource as belonging to a repository (repository bindings match it). */
export const REPOSITORY_LABEL = 'krate.a5c.ai/repository';

const personas = (what: string) =>
  list(oneOf(EXCEPTION_PERSONAS), { of: 'persona names', unique: true, minItems: 1, item: `persona (${what})` });

export const PROFILE_EXCEPTIONS = object({
  requesters: withDefault(
    personas('who may request'),
    ['exceptionRequester'],
    "Personas whose groups may request exceptions for the org's policies: the request's requester must belong to one.",
  ),
  approvers: withDefault(
    personas('who may approve'),
    ['platformAdmin'],
    "Personas whose groups may approve: the request's approver must be in people and belong to one of their groups.",
  ),
  maxDays: withDefault(
    int(1, 365),
    DEFAULT_EXCEPTION_MAX_DAYS,
    'Longest an exception may run: expiresAt at most this many days after its requested date.',
  ),
  minJustification: withDefault(int(1, 4096), DEFAULT_MIN_JUSTIFICATION, 'Shortest justification accepted, in characters.'),
  riskAcceptanceForEnforce: withDefault(bool, true, 'Require riskAcceptance on an exception whose policy enforces in the environment.'),
});
export type ProfileExceptionPolicy = InputOf<typeof PROFILE_EXCEPTIONS.fields>;

export const PROFILE = object({
  name: required(dnsLabel, 'Profile name (a DNS label): the PolicyProfile object and the krate.a5c.ai/profile annotation.'),
  displayName: required(nonEmptyString, 'Name shown in Krate.'),
  description: withDefault(nonEmptyString, 'Krate policy profile.', 'What the profile is for.'),
  templates: required(
    list(nonEmptyString, { of: "template names, '<pack>/*' or '*'", unique: true, minItems: 1, item: 'template' }),
    "The template set: template names, '<pack>/*' for a whole pack, '*' for every template. Bindings of its orgs may bind only these; the platform org's profile is what renders cluster-wide.",
  ),
  posture: required(
    oneOf(PROFILE_POSTURES),
    "audit: its orgs' bindings never enforce; enforce: they take the ladder's mode; mixed: each binding says (audit unless it asks for enforce).",
  ),
  exceptions: withDefault(
    PROFILE_EXCEPTIONS,
    {
      requesters: ['exceptionRequester'],
      approvers: ['platformAdmin'],
      maxDays: DEFAULT_EXCEPTION_MAX_DAYS,
      minJustification: DEFAULT_MIN_JUSTIFICATION,
      riskAcceptanceForEnforce: true,
    },
    "The exception policy for its orgs' policies.",
  ),
  failurePolicy: withDefault(
    oneOf(FAILURE_POLICIES),
    'Fail',
    'What its enforce-mode policies do when Kyverno is unavailable: Fail denies, Ignore admits (audit-mode policies always Ignore).',
  ),
});
export type ProfileConfig = InputOf<typeof PROFILE.fields>;

/** The built-in profile an environment that lists no orgs serves its platform org with (the ladder decides everything). */
export const DEFAULT_PROFILE: OutputOf<typeof PROFILE.fields> = {
  name: 'krate-default',
  displayName: 'Krate default',
  description: "Every template, in the ladder's mode.",
  templates: ['*'],
  posture: 'enforce',
  exceptions: {
    // The platform org owns no namespaces (no requester RoleBindings): platform engineers request its exceptions.
    requesters: ['platformAdmin'],
    approvers: ['platformAdmin'],
    maxDays: DEFAULT_EXCEPTION_MAX_DAYS,
    minJustification: DEFAULT_MIN_JUSTIFICATION,
    riskAcceptanceForEnforce: true,
  },
  failurePolicy: 'Fail',
};

export const ORG_PERSONAS = object({
  exceptionRequester: withDefault(groups, [], "Request exceptions in the org's namespaces (developers)."),
  repoAdmin: withDefault(groups, [], "Bind templates to the org's repositories, in the org's namespaces."),
});

export const ORG = object({
  slug: required(dnsLabel, 'Org slug (a DNS label): part of every policy name of the org, krate-{org}-{scope}-{template}.'),
  profile: required(dnsLabel, 'The profile it follows (profiles[].name).'),
  namespaces: withDefault(
    namespaces,
    [],
    'Namespaces the org owns: its PolicyBindings and PolicyExceptionRequests live in the first, its persona RoleBindings in each, and its policies match them (unless namespaceLabel is set). Required for every org but the platform org (whose objects live in krate.namespace).',
  ),
  namespaceLabel: optional(
    NAMESPACE_LABEL_MATCH,
    "The namespace label that marks the org's namespaces: its policies match namespaces carrying it instead of the namespaces by name.",
    'namespaces by name',
  ),
  personas: withDefault(
    ORG_PERSONAS,
    { exceptionRequester: [], repoAdmin: [] },
    "Groups bound, by RoleBindings in the org's namespaces only, to the exception-requester and repo-admin ClusterRoles.",
    '{} (nobody)',
  ),
});
export type OrgConfig = InputOf<typeof ORG.fields>;

export const BINDING = object({
  org: required(dnsLabel, 'The org it binds for (orgs[].slug).'),
  template: required(nonEmptyString, "A template of the org's profile, or '*' for every template of it (narrowed by surfaces and kinds)."),
  repository: optional(
    labelValue,
    `Bind to this repository of the org only: resources labelled ${REPOSITORY_LABEL}=<name> in the org's namespaces (scope repo-<name>).`,
    "the whole org (scope org): every resource in the org's namespaces",
  ),
  environments: optional(
    list(oneOf(LADDER_ENVIRONMENTS), { of: 'environment names', unique: true, minItems: 1, item: 'environment' }),
    'Only in these environments (the ladder must render the template in each).',
    'every environment that lists the binding, from the rung the ladder renders the template on',
  ),
  surfaces: optional(
    list(oneOf(KRATE_SURFACES), { of: 'surfaces', unique: true, minItems: 1, item: 'surface' }),
    'Only templates governing these Krate surfaces (krate.a5c.ai/surface).',
    'every surface',
  ),
  kinds: optional(
    list(nonEmptyString, { of: 'resource names', unique: true, minItems: 1, item: 'resource' }),
    "Only these resources (plural, as in resourceRules: pods, deployments, pullrequests): narrows the policy's matchConstraints.resourceRules.",
    'every resource the template matches',
  ),
  mode: optional(
    oneOf(BINDING_MODES),
    'audit or enforce; never more than the ladder gives the template in the environment (it is capped there), never enforce under an audit profile, and enforce on a repository only with an approver.',
    "enforce under an 'enforce' profile (audit for repository bindings), audit otherwise",
  ),
  approver: optional(
    nonEmptyString,
    'The platform engineer (a person in people, in a platformAdmin group) who approved an enforce-mode repository binding.',
    'none: a repository binding stays in audit',
  ),
  parameters: withDefault(
    anyObject,
    {},
    "Values for the template's parameters (over the rollout's).",
    "{} (the rollout's, else the template's defaults)",
  ),
});
/** A template bound to an org, or to one repository of an org. */
export type BindingConfig = InputOf<typeof BINDING.fields>;

export const PERSON = object({
  email: required(nonEmptyString, 'How approvals and requests name the person (an email).'),
  groups: required(
    list(nonEmptyString, { of: 'group names', minItems: 1, item: 'group' }),
    "The identity provider's groups the person is in.",
  ),
});
export type Person = InputOf<typeof PERSON.fields>;

/**
 * When a template may enforce in an environment, judged from the audit evidence recorded for that
 * environment (evidence/<env>/<date>.json). The defaults follow the design's "sustained low
 * (near-zero) audit violations for 1–2 release cycles": two weeks watched, a trend of at least three
 * snapshots, nothing failing at the end and nothing rising on the way.
 */
export const GRADUATION = object({
  required: withDefault(
    bool,
    true,
    "Refuse a step into enforce here unless this environment's recorded audit evidence meets these criteria; false turns the gate off for this environment.",
  ),
  windowDays: withDefault(
    int(1, 365),
    DEFAULT_GRADUATION_WINDOW_DAYS,
    'Days before the step the evidence must cover: the first snapshot of the template is at least this old, and the trend is read over these days.',
  ),
  minSnapshots: withDefault(
    int(1, 365),
    DEFAULT_GRADUATION_MIN_SNAPSHOTS,
    'Snapshots of the template (evidence add runs) the window must hold, so one good day is not a trend.',
  ),
  maxFailing: withDefault(int(0, 1_000_000), 0, 'Failing results (fail + error) the latest snapshot in the window may still show.'),
  nonIncreasing: withDefault(bool, true, 'Refuse when failing results rose from one snapshot to the next within the window.'),
});
export type GraduationCriteria = InputOf<typeof GRADUATION.fields>;
export type ResolvedGraduationCriteria = OutputOf<typeof GRADUATION.fields>;

export const PROMOTION = object({
  maxFailingResults: withDefault(
    int(0, 1_000_000),
    0,
    'Failing policy-report results (fail + error) a template may still have in this environment when promote --reports moves it to enforce here.',
  ),
  evidence: withDefault(
    GRADUATION,
    {
      required: true,
      windowDays: DEFAULT_GRADUATION_WINDOW_DAYS,
      minSnapshots: DEFAULT_GRADUATION_MIN_SNAPSHOTS,
      maxFailing: 0,
      nonIncreasing: true,
    },
    "Graduation criteria: what this environment's audit evidence must show before a template enforces here (promote and rollout check refuse otherwise).",
  ),
});
export type PromotionConfig = InputOf<typeof PROMOTION.fields>;

/** Job names the upstream Kyverno chart's ServiceMonitors give its controllers (the metrics Services' names, release `kyverno`). */
export const DEFAULT_KYVERNO_METRICS_JOBS = [
  'kyverno-svc-metrics',
  'kyverno-background-controller-metrics',
  'kyverno-cleanup-controller-metrics',
  'kyverno-reports-controller-metrics',
] as const;

export const MONITORING_ALERTS = object({
  failingResultsIncrease: withDefault(
    int(1, 1_000_000),
    10,
    "KratePolicyFailingResultsSpike fires when one template gains at least this many failing results (Policy Reporter's fail + error) within failingResultsWindow, as after a sync that brought a new or stricter policy or non-compliant workloads.",
  ),
  failingResultsWindow: withDefault(duration, '30m', 'The window that failing-results increase is measured over.'),
  admissionLatencyP99Ms: withDefault(
    int(1, 30_000),
    1000,
    "KyvernoAdmissionLatencyHigh fires when the p99 of Kyverno's admission review latency (kyverno_admission_review_duration_seconds) stays above this many milliseconds for 10 minutes.",
  ),
  deniedRequestsPercent: withDefault(
    int(1, 100),
    10,
    'KyvernoAdmissionDenialsHigh fires when more than this share (percent) of the admission requests Kyverno reviews are denied for 15 minutes (an enforce step locking people out).',
  ),
  controllerDownFor: withDefault(
    duration,
    '5m',
    'How long a Kyverno controller may be down (or unscraped) before KyvernoControllerDown fires.',
  ),
  policyNotReadyFor: withDefault(
    duration,
    '15m',
    'How long a Krate policy app may stay unhealthy in Argo CD (a policy not ready) before KratePolicyNotReady fires.',
  ),
});
export type MonitoringAlertsConfig = InputOf<typeof MONITORING_ALERTS.fields>;

export const GRAFANA_DASHBOARD = object({
  enabled: withDefault(bool, true, 'Render the Grafana dashboard ConfigMap (failing results per template, admission latency).'),
  label: withDefault(
    labelKey,
    'grafana_dashboard',
    "Label the Grafana dashboard sidecar selects ConfigMaps by (kube-prometheus-stack's grafana.sidecar.dashboards.label).",
  ),
  labelValue: withDefault(labelValue, '1', "That label's value (grafana.sidecar.dashboards.labelValue)."),
  namespace: optional(dnsLabel, 'Namespace of the dashboard ConfigMap: one the sidecar searches.', 'monitoring.namespace'),
});
export type GrafanaDashboardConfig = InputOf<typeof GRAFANA_DASHBOARD.fields>;

export const MONITORING = object({
  prometheusOperator: withDefault(
    bool,
    false,
    "Prometheus Operator runs on the clusters (monitoring.coreos.com CRDs installed): a monitoring app renders Krate's PrometheusRule and Grafana dashboard (only where Kyverno is there by configuration).",
  ),
  namespace: withDefault(dnsLabel, 'monitoring', 'Namespace of the PrometheusRule: one the Prometheus ruleNamespaceSelector covers.'),
  selectorLabels: withDefault(
    labelMap,
    {},
    "Labels the Prometheus resource selects rules and ServiceMonitors by (its ruleSelector, serviceMonitorSelector; kube-prometheus-stack: { release: '<its release name>' }): set on the PrometheusRule and on a managed Policy Reporter's ServiceMonitor.",
  ),
  kyvernoMetricsJobs: withDefault(
    list(nonEmptyString, { of: 'job names', minItems: 1, unique: true, item: 'job name' }),
    [...DEFAULT_KYVERNO_METRICS_JOBS],
    "Prometheus job names of Kyverno's controllers' metrics, one per controller KyvernoControllerDown watches.",
  ),
  argocdMetrics: withDefault(
    bool,
    true,
    "Argo CD's application-controller metrics (argocd_app_info) reach this Prometheus, as when Argo CD runs in these clusters: KratePolicyNotReady reads them (false: the alert is not rendered).",
  ),
  alerts: withDefault(
    MONITORING_ALERTS,
    {
      failingResultsIncrease: 10,
      failingResultsWindow: '30m',
      admissionLatencyP99Ms: 1000,
      deniedRequestsPercent: 10,
      controllerDownFor: '5m',
      policyNotReadyFor: '15m',
    },
    'Alert thresholds.',
  ),
  dashboard: withDefault(
    GRAFANA_DASHBOARD,
    { enabled: true, label: 'grafana_dashboard', labelValue: '1', namespace: undefined },
    'The Grafana dashboard ConfigMap.',
  ),
});
export type MonitoringConfig = InputOf<typeof MONITORING.fields>;

export const ENVIRONMENT = object({
  name: required(dnsLabel, 'Environment name: a ladder rung (dev, staging, prod), also the folder under dist/ and the file name.'),
  org: required(
    dnsLabel,
    'The platform organisation (a DNS label): owns the cluster-scope policies its profile renders (krate-{org}-cluster-{template}); one of orgs[].slug when orgs are listed.',
  ),
  argocd: required(ARGOCD, 'How Argo CD syncs this environment.'),
  clusters: required(
    list(CLUSTER, { of: 'clusters', minItems: 1, item: 'cluster' }),
    'Clusters this environment deploys to (at least one).',
  ),
  kyverno: required(KYVERNO, 'How Kyverno gets onto the clusters.'),
  krate: withDefault(KRATE, { namespace: 'krate-system' }, "Krate's own installation.", '{} (every field at its default)'),
  exclusions: withDefault(
    EXCLUSIONS,
    { platformNamespaces: [], removePlatformExclusions: [], templates: {}, namespaceLabels: [] },
    'Namespace exclusions beyond the protected and built-in platform namespaces.',
    "{} (protected + Argo CD's, Kyverno's and Krate's namespaces)",
  ),
  profiles: withDefault(
    list(PROFILE, { of: 'profiles' }),
    [],
    "Profiles the orgs follow: template set, posture, exception policy, failure policy. 'krate-default' is built in (every template, the ladder's mode) unless listed.",
  ),
  orgs: withDefault(
    list(ORG, { of: 'orgs' }),
    [],
    'The orgs this environment serves, the platform org (org) among them.',
    "[] (only the platform org, following 'krate-default')",
  ),
  bindings: withDefault(
    list(BINDING, { of: 'bindings' }),
    [],
    "Templates bound to an org's namespaces or to one of its repositories, beyond the platform org's cluster-scope policies.",
  ),
  people: withDefault(
    list(PERSON, { of: 'people' }),
    [],
    'The people who request and approve exceptions and approve enforce-mode repository bindings (usually environments/people.ts).',
  ),
  promotion: withDefault(
    PROMOTION,
    {
      maxFailingResults: 0,
      evidence: {
        required: true,
        windowDays: DEFAULT_GRADUATION_WINDOW_DAYS,
        minSnapshots: DEFAULT_GRADUATION_MIN_SNAPSHOTS,
        maxFailing: 0,
        nonIncreasing: true,
      },
    },
    'Promotion gates.',
    '{} (every field at its default)',
  ),
  monitoring: withDefault(
    MONITORING,
    {
      prometheusOperator: false,
      namespace: 'monitoring',
      selectorLabels: {},
      kyvernoMetricsJobs: [...DEFAULT_KYVERNO_METRICS_JOBS],
      argocdMetrics: true,
      alerts: {
        failingResultsIncrease: 10,
        failingResultsWindow: '30m',
        admissionLatencyP99Ms: 1000,
        deniedRequestsPercent: 10,
        controllerDownFor: '5m',
        policyNotReadyFor: '15m',
      },
      dashboard: { enabled: true, label: 'grafana_dashboard', labelValue: '1', namespace: undefined },
    },
    'Alerts and dashboards, where Prometheus Operator runs.',
    '{} (no Prometheus Operator: nothing rendered)',
  ),
  admissionPolicies: withDefault(
    bool,
    true,
    "Render Krate's ValidatingAdmissionPolicies (PolicyBinding enforce-mode gate, PolicyException guard, PolicyExceptionRequest guard); the clusters must serve admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy (Kubernetes 1.30+). false on older clusters: nothing then stops PolicyExceptions outside the exception namespace or by other writers than RBAC allows, changes to approved requests, or repo admins setting enforce mode.",
  ),
  rbac: withDefault(
    RBAC,
    { managedPolicyBindings: false, personas: { viewer: [], platformAdmin: [] } },
    "Who may do what: Krate's controller write switches and persona groups.",
    '{} (read-only controller, no persona bindings)',
  ),
});
/** One environment: everything that differs between dev, staging, prod and fleets. */
export type EnvironmentConfig = InputOf<typeof ENVIRONMENT.fields>;

const isoDate = leaf('date (YYYY-MM-DD)', isIsoDate, (v) => `${show(v)} is not a date like 2026-11-22 (YYYY-MM-DD)`);

export const ROLLOUT_ENTRY = object({
  stage: required(oneOf(STAGES), "The template's current rung."),
  since: required(isoDate, 'The date (YYYY-MM-DD) the current stage began.'),
  soakDays: withDefault(
    int(1, MAX_SOAK_DAYS),
    DEFAULT_SOAK_DAYS,
    'Days the template must spend in audit:prod before its first enforce step.',
  ),
  auditNamespaces: withDefault(
    list(dnsLabel, { of: 'namespace names', unique: true }),
    [],
    "Namespaces that stay in Audit while the template enforces elsewhere (e.g. 'job-runner').",
  ),
  parameters: withDefault(
    anyObject,
    {},
    "Values for the template's parameters (e.g. require-labels' labels), checked against the template's typed parameters.",
    "{} (the template's defaults)",
  ),
});
/** Where one policy template stands on the ladder, and how it is rolled out. */
export type RolloutEntry = InputOf<typeof ROLLOUT_ENTRY.fields>;

export const EXCEPTION_CONDITION = object({
  name: required(dnsLabel, 'Condition name (a DNS label, unique within the exception).'),
  expression: required(
    nonEmptyString,
    "CEL over object (and oldObject, request) returning bool, e.g. object.metadata.?labels.?team.orValue('') == 'billing'.",
  ),
});
/** An extra CEL condition (Kubernetes matchCondition): the exception applies only when it is true. */
export type ExceptionCondition = InputOf<typeof EXCEPTION_CONDITION.fields>;

export const EXCEPTION_REQUEST = object({
  name: required(dnsLabel, "Stable name (a DNS label, unique per environment): the PolicyException's metadata.name."),
  environment: required(oneOf(LADDER_ENVIRONMENTS), 'The environment the exception applies in.'),
  template: required(nonEmptyString, 'The policy template it bypasses.'),
  namespaces: optional(
    list(dnsLabel, { of: 'namespace names' }),
    'Namespaces it covers; at least one of namespaces and names is required.',
    'every namespace the policy matches',
  ),
  names: optional(
    list(nonEmptyString, { of: 'object names' }),
    'Resource names (metadata.name) it covers, with what their controllers create from them.',
    'every name',
  ),
  conditions: withDefault(list(EXCEPTION_CONDITION, { of: '{ name, expression }' }), [], 'Extra CEL match conditions; all must hold.'),
  justification: required(nonEmptyString, "Why the bypass is needed (at least the profile's exceptions.minJustification characters)."),
  ticket: required(nonEmptyString, 'Tracking ticket: a key like PLAT-1234 or an https URL.'),
  approver: required(
    nonEmptyString,
    "Who approved it: a person in the environment's people, in one of the profile's approver personas' groups.",
  ),
  org: optional(dnsLabel, "The org whose policies it bypasses (its profile's exception policy applies).", 'the platform org'),
  requester: required(
    nonEmptyString,
    "Who asked for it: a person in the environment's people, in one of the profile's requester personas' groups.",
  ),
  requested: required(isoDate, 'The date (YYYY-MM-DD) it was requested: the start of its maximum duration.'),
  expiresAt: required(
    isoDate,
    "The date (YYYY-MM-DD, UTC midnight) it stops applying: at most the profile's exceptions.maxDays after requested.",
  ),
  riskAcceptance: optional(
    nonEmptyString,
    "The risk the approver accepts; required when the org's policy enforces in this environment and the profile says so (exceptions.riskAcceptanceForEnforce).",
    'none (only allowed while the template audits there)',
  ),
});
/**
 * One approved, time-boxed bypass of one policy template in one environment. Renders as a
 * `policies.kyverno.io/v1` PolicyException in the environment's exception namespace.
 */
export type ExceptionRequest = InputOf<typeof EXCEPTION_REQUEST.fields>;

/** Outcomes a policy-report result can have (wgpolicyk8s.io v1alpha2 and openreports.io v1alpha1 alike). */
export const REPORT_OUTCOMES = ['pass', 'fail', 'warn', 'error', 'skip'] as const;
export type ReportOutcome = (typeof REPORT_OUTCOMES)[number];
/** Outcomes that would be denied once the template enforces. */
export const FAILING_OUTCOMES: readonly ReportOutcome[] = ['fail', 'error'];

/** Written into every snapshot so a later format change can tell old files apart. */
export const EVIDENCE_FORMAT = 'krate-policy-evidence/v1';

const count = int(0, Number.MAX_SAFE_INTEGER);

export const OUTCOME_COUNTS = object({
  pass: required(count, 'Results that passed.'),
  fail: required(count, 'Results that failed (denied once the template enforces).'),
  warn: required(count, 'Results that warned.'),
  error: required(count, 'Results Kyverno could not evaluate (denied too: an error is never a pass).'),
  skip: required(count, 'Results skipped (e.g. by a PolicyException).'),
});

export const FAILING_NAMESPACE = object({
  namespace: required(nonEmptyString, "The namespace, or '(cluster)' for cluster-scoped resources."),
  results: required(count, 'Failing results (fail + error) in it.'),
  resources: required(list(nonEmptyString, { of: 'resources' }), "Failing resources ('Kind namespace/name'), sorted, at most a few."),
  moreResources: required(count, 'Failing resources left out of resources.'),
});

export const TEMPLATE_EVIDENCE = object({
  policies: required(
    list(nonEmptyString, { of: 'policy names', unique: true }),
    'Generated policy names whose results were counted, sorted.',
  ),
  morePolicies: required(count, 'Policy names left out of policies.'),
  results: required(OUTCOME_COUNTS, 'Results of the template, by outcome.'),
  failing: required(list(FAILING_NAMESPACE, { of: 'namespaces' }), 'Namespaces with failing results, most failing first, at most a few.'),
  moreNamespaces: required(count, 'Namespaces with failing results left out of failing.'),
  moreFailing: required(count, 'Failing results in the namespaces left out.'),
});

export const EVIDENCE_SNAPSHOT = object({
  format: required(oneOf([EVIDENCE_FORMAT]), 'The file format.'),
  environment: required(oneOf(LADDER_ENVIRONMENTS), 'The environment whose reports were read.'),
  date: required(isoDate, 'The day the reports were exported (YYYY-MM-DD); also the file name.'),
  org: required(dnsLabel, 'The organisation the generated policy names were matched for.'),
  reports: required(count, 'Report objects read.'),
  results: required(count, 'Results read, of any policy.'),
  templates: required(record(nonEmptyString, TEMPLATE_EVIDENCE, 'template names to their counts'), 'Per template seen in the reports.'),
  unmatched: required(
    object({
      results: required(count, 'Results of policies that are no template of this repository.'),
      policies: required(list(nonEmptyString, { of: 'policy names', unique: true }), 'Their policy names, sorted, at most a few.'),
      morePolicies: required(count, 'Policy names left out of policies.'),
    }),
    "Results of other policies (not generated from this repository's templates).",
  ),
});
/** One `evidence add`: what an environment's policy reports showed on one day, bounded in size. */
export type EvidenceSnapshot = OutputOf<typeof EVIDENCE_SNAPSHOT.fields>;
export type TemplateEvidence = OutputOf<typeof TEMPLATE_EVIDENCE.fields>;

// Fixture configuration for unit tests: a frozen copy of a typical repository (dev managed,
// staging byo, prod a managed fleet), so that promoting a template, adding an exception or a
// template in the real environments/ never changes what a unit test sees. Only test/repo/ reads
// the real data, on purpose.
import { resolveConfig, type ConfigSources, type ResolvedConfig, type ResolvedEnvironment } from '../../config/resolve';
import type {
  BindingConfig,
  EnvironmentConfig,
  ExceptionRequest,
  OrgConfig,
  PersonaGroups,
  Person,
  ProfileConfig,
  RolloutEntry,
} from '../../environments/types';
export type { EnvironmentConfig } from '../../environments/types';
export type { ResolvedEnvironment } from '../../config/resolve';
import { policyManifests } from '../../cli/commands/scan';
import { planAllTemplates } from '../../config/plan';
import type { Manifest } from '../../lib/manifests';
import { TEMPLATES } from '../../policies';
import { renderPolicy } from '../../policies/render';

export const FIXTURE_PERSONAS: PersonaGroups = {
  viewer: ['krate-developers'],
  platformAdmin: ['krate-platform'],
};

/** The fixture directory: platform engineers approve; shop's developers and repo admins act for shop only. */
export const FIXTURE_PEOPLE: readonly Person[] = [
  { email: 'platform-lead@a5c.ai', groups: ['krate-platform'] },
  { email: 'sre-oncall@a5c.ai', groups: ['krate-platform'] },
  { email: 'dana@a5c.ai', groups: ['krate-developers', 'shop-developers'] },
  { email: 'lee@a5c.ai', groups: ['krate-developers', 'shop-repo-admins'] },
  { email: 'sam@a5c.ai', groups: ['labs-developers'] },
];

/** dev's platform profile: every template, the ladder's mode, 60-day exceptions. */
export const FIXTURE_PLATFORM_PROFILE: ProfileConfig = {
  name: 'platform',
  displayName: 'Platform baseline',
  templates: ['*'],
  posture: 'enforce',
  exceptions: { requesters: ['platformAdmin'], maxDays: 60 },
};

/**
 * The tenant fixture (prod, and dev through tenantSources): a strict profile and a lenient,
 * audit-only one, as environments/tenants.ts has them.
 */
export const FIXTURE_TENANT_PROFILES: readonly ProfileConfig[] = [
  {
    name: 'production-strict',
    displayName: 'Production (strict)',
    templates: ['pod-security-restricted/*', 'best-practices/*'],
    posture: 'enforce',
    exceptions: { maxDays: 14, minJustification: 40 },
  },
  {
    name: 'sandbox',
    displayName: 'Sandbox',
    templates: ['best-practices/*'],
    posture: 'audit',
    exceptions: { approvers: ['repoAdmin', 'platformAdmin'], riskAcceptanceForEnforce: false },
    failurePolicy: 'Ignore',
  },
];

/** Tenant orgs: the platform org, shop (strict) and labs (sandbox, namespaces marked by a label). */
export const FIXTURE_ORGS: readonly OrgConfig[] = [
  { slug: 'a5c', profile: 'platform' },
  {
    slug: 'shop',
    profile: 'production-strict',
    namespaces: ['shop', 'shop-payments'],
    personas: { exceptionRequester: ['shop-developers'], repoAdmin: ['shop-repo-admins'] },
  },
  { slug: 'labs', profile: 'sandbox', namespaces: ['labs'], namespaceLabel: { key: 'krate.a5c.ai/org', values: ['labs'] } },
];

/** Tenant bindings: an org binding, two repository bindings (one approved to enforce), a sandbox one (dev and staging). */
export const FIXTURE_BINDINGS: readonly BindingConfig[] = [
  { org: 'shop', template: 'require-run-as-nonroot' },
  { org: 'shop', repository: 'checkout', template: 'require-labels', parameters: { labels: ['team', 'app', 'cost-center'] } },
  { org: 'shop', repository: 'payments', template: 'disallow-latest-tag', mode: 'enforce', approver: 'platform-lead@a5c.ai' },
  { org: 'labs', template: 'require-resource-limits', environments: ['dev', 'staging'] },
];

const dev: EnvironmentConfig = {
  name: 'dev',
  org: 'a5c',
  argocd: {
    repoURL: 'https://github.com/a5c-ai/krate-policy-gitops.git',
    // dev follows git exactly: removed objects are pruned, hand edits reverted.
    syncPolicy: { automated: true, prune: true, selfHeal: true },
  },
  clusters: [{ name: 'dev', labels: { 'krate.a5c.ai/environment': 'development' } }],
  // dev installs and owns its Kyverno: it is where new chart versions are tried first. One replica
  // each is enough there; Policy Reporter's UI helps people read audit results while templates soak.
  kyverno: {
    mode: 'managed',
    managed: { admissionReplicas: 1, controllerReplicas: 1 },
    policyReporter: { enabled: true, mode: 'managed' },
  },
  // People: groups from the cluster's identity provider, bound to Krate's persona ClusterRoles.
  rbac: {
    managedPolicyBindings: true,
    personas: FIXTURE_PERSONAS,
  },
  // Sandbox experiments may need a bypass for a release cycle; staging and prod keep the 30-day default
  // (they list no orgs: their platform org follows the built-in krate-default profile).
  profiles: [FIXTURE_PLATFORM_PROFILE],
  orgs: [{ slug: 'a5c', profile: 'platform' }],
  people: FIXTURE_PEOPLE,
  exclusions: { platformNamespaces: ['cert-manager'] },
};

const staging: EnvironmentConfig = {
  name: 'staging',
  org: 'a5c',
  argocd: {
    repoURL: 'https://github.com/a5c-ai/krate-policy-gitops.git',
    syncPolicy: { automated: true, prune: true, selfHeal: true },
  },
  clusters: [{ name: 'staging', labels: { 'krate.a5c.ai/environment': 'staging' } }],
  // staging shares a cluster whose Kyverno another team runs: we only read it (no policy or
  // exception writes), so policies reach staging through Argo CD, not Krate's controller.
  // Its exception namespace is that Kyverno's features.policyExceptions.namespace, set by its
  // owners (agreed with them: krate-system); byo requires it here so a change there is a change here.
  kyverno: { mode: 'byo', policyNamespace: 'krate-system' },
  exclusions: { platformNamespaces: ['cert-manager'] },
  // People: groups from the cluster's identity provider, bound to Krate's persona ClusterRoles.
  rbac: {
    managedPolicyBindings: false,
    personas: FIXTURE_PERSONAS,
  },
  people: FIXTURE_PEOPLE,
};

const prod: EnvironmentConfig = {
  name: 'prod',
  org: 'a5c',
  argocd: {
    repoURL: 'https://github.com/a5c-ai/krate-policy-gitops.git',
    // prod syncs automatically and reverts hand edits, but never deletes: an object removed from git
    // stays (reported as orphaned) until someone syncs with prune after checking what goes.
    syncPolicy: { automated: true, prune: false, selfHeal: true },
  },
  // prod is a fleet: Argo CD fans each app out with an ApplicationSet (one per app, not per cluster).
  clusters: [
    { name: 'prod-eu-1', server: 'https://prod-eu-1.k8s.a5c.ai', labels: { 'krate.a5c.ai/environment': 'production' } },
    { name: 'prod-us-1', server: 'https://prod-us-1.k8s.a5c.ai', labels: { 'krate.a5c.ai/environment': 'production' } },
    {
      name: 'prod-us-gov-1',
      server: 'https://prod-us-gov-1.k8s.a5c.ai',
      labels: { 'krate.a5c.ai/environment': 'production' },
      // Regulated region: changes land when a person presses Sync inside the change window.
      overrides: { syncPolicy: { automated: false } },
    },
  ],
  // prod installs Kyverno itself, highly available (defaults: 3 admission, 2 of each controller),
  // so its version and webhook exclusions are reviewed in this repository like everything else.
  kyverno: { mode: 'managed', policyReporter: { enabled: true, mode: 'managed' } },
  // cert-manager issues the webhook certificates; calico-system runs the CNI: a denied pod there breaks the cluster.
  exclusions: { platformNamespaces: ['calico-system', 'cert-manager'] },
  // prod serves the tenant fixture (staging lists no orgs: the built-in krate-default path).
  profiles: [{ ...FIXTURE_PLATFORM_PROFILE, exceptions: { requesters: ['platformAdmin'] } }, ...FIXTURE_TENANT_PROFILES],
  orgs: FIXTURE_ORGS,
  bindings: FIXTURE_BINDINGS,
  // People: groups from the cluster's identity provider, bound to Krate's persona ClusterRoles.
  rbac: {
    managedPolicyBindings: true,
    personas: FIXTURE_PERSONAS,
  },
  people: FIXTURE_PEOPLE,
};

/** The fixture environments, in ladder order. */
export const ENVIRONMENTS: readonly EnvironmentConfig[] = [dev, staging, prod];

/** The fixture rollout (every date long past, so no test depends on today). */
export const ROLLOUT: Readonly<Record<string, RolloutEntry>> = {
  // krate: Krate's own resources
  'require-pr-description': { stage: 'audit:prod', since: '2026-11-02' },
  'block-wip-pr-merge': { stage: 'audit:prod', since: '2026-11-02' },
  'require-main-branch-protection': { stage: 'audit:prod', since: '2026-11-02' },
  'fork-runs-untrusted': { stage: 'audit:prod', since: '2026-11-02' },
  'trusted-job-service-account': { stage: 'audit:staging', since: '2026-11-09' },
  'webhook-signing-required': { stage: 'audit:prod', since: '2026-11-02' },
  'production-deployment-image-verified': { stage: 'audit:dev', since: '2026-11-16' },
  // pod-security-baseline
  'disallow-host-process': { stage: 'audit:prod', since: '2026-11-02' },
  'disallow-host-namespaces': { stage: 'audit:prod', since: '2026-11-02' },
  'disallow-privileged-containers': { stage: 'audit:prod', since: '2026-11-02' },
  'disallow-capabilities': { stage: 'audit:prod', since: '2026-11-02' },
  'disallow-host-path': { stage: 'audit:prod', since: '2026-11-02' },
  'disallow-host-ports': { stage: 'audit:prod', since: '2026-11-02' },
  'restrict-apparmor-profiles': { stage: 'audit:prod', since: '2026-11-02' },
  'disallow-selinux': { stage: 'audit:prod', since: '2026-11-02' },
  'disallow-proc-mount': { stage: 'audit:prod', since: '2026-11-02' },
  'restrict-seccomp': { stage: 'audit:prod', since: '2026-11-02' },
  'restrict-sysctls': { stage: 'audit:prod', since: '2026-11-02' },
  // pod-security-restricted
  'restrict-volume-types': { stage: 'audit:staging', since: '2026-11-16' },
  'disallow-privilege-escalation': { stage: 'audit:staging', since: '2026-11-16' },
  'require-run-as-nonroot': { stage: 'audit:staging', since: '2026-11-16' },
  'require-run-as-non-root-user': { stage: 'audit:staging', since: '2026-11-16' },
  'restrict-seccomp-strict': { stage: 'audit:staging', since: '2026-11-16' },
  'disallow-capabilities-strict': { stage: 'audit:staging', since: '2026-11-16' },
  // best-practices: hygiene, enforced first
  'require-labels': { stage: 'enforce:staging', since: '2026-11-19', auditNamespaces: ['job-runner'] },
  'require-resource-limits': { stage: 'audit:prod', since: '2026-11-05' },
  'disallow-latest-tag': { stage: 'enforce:dev', since: '2026-11-17' },
};

/** The fixture exceptions. */
export const EXCEPTIONS: readonly ExceptionRequest[] = [
  {
    name: 'sandbox-latest-tag',
    environment: 'dev',
    template: 'disallow-latest-tag',
    namespaces: ['sandbox'],
    justification: 'Developers try nightly builds in the sandbox namespace; those images are only published as :latest.',
    ticket: 'PLAT-1412',
    requester: 'sre-oncall@a5c.ai',
    approver: 'platform-lead@a5c.ai',
    requested: '2026-11-21',
    expiresAt: '2027-01-15',
    riskAcceptance: 'Sandbox workloads may run unpinned images; the namespace has no production data or credentials.',
  },
  {
    name: 'legacy-billing-labels',
    environment: 'staging',
    template: 'require-labels',
    namespaces: ['legacy-billing'],
    names: ['billing-batch', 'billing-api'],
    justification: 'The legacy billing chart cannot set the required labels until its v4 migration lands.',
    ticket: 'PLAT-1398',
    requester: 'sre-oncall@a5c.ai',
    approver: 'platform-lead@a5c.ai',
    requested: '2026-11-22',
    expiresAt: '2026-12-22',
    riskAcceptance: 'Two unlabeled workloads in staging are invisible to cost reports until the migration.',
  },
  {
    name: 'node-exporter-host-path',
    environment: 'prod',
    template: 'disallow-host-path',
    namespaces: ['monitoring'],
    names: ['node-exporter'],
    // The DaemonSet and the Pods it creates (a bare kind == 'DaemonSet' would leave its Pods failing).
    conditions: [
      {
        name: 'daemonset-and-its-pods',
        expression:
          "object.kind == 'DaemonSet' || object.metadata.?ownerReferences.orValue([]).exists(r, r.?kind.orValue('') == 'DaemonSet')",
      },
    ],
    justification: 'node-exporter reads /proc and /sys from the host to export node metrics.',
    ticket: 'PLAT-1405',
    requester: 'sre-oncall@a5c.ai',
    approver: 'platform-lead@a5c.ai',
    requested: '2026-11-22',
    expiresAt: '2026-12-22',
  },
];

/**
 * dev with the tenant fixture: orgs a5c (platform), shop and labs, their profiles and bindings, in
 * the fixture rollout (with `patch` applied to a JSON copy, for `fails when` tests).
 */
export function tenantEnvironment(patch: (env: Record<string, any>) => void = () => undefined): Record<string, any> {
  const env = JSON.parse(
    JSON.stringify({
      ...dev,
      profiles: [FIXTURE_PLATFORM_PROFILE, ...FIXTURE_TENANT_PROFILES],
      orgs: FIXTURE_ORGS,
      bindings: FIXTURE_BINDINGS,
    }),
  ) as Record<string, any>;
  patch(env);
  return env;
}

/** Fixture sources with dev replaced by tenantEnvironment(patch) (staging and prod unchanged). */
export function tenantSources(patch?: (env: Record<string, any>) => void, overrides: Partial<ConfigSources> = {}): ConfigSources {
  return fixtureSources({ environments: [tenantEnvironment(patch), staging, prod], ...overrides });
}

/** Fixture sources, with any part replaced. */
export function fixtureSources(overrides: Partial<ConfigSources> = {}): ConfigSources {
  return { environments: ENVIRONMENTS, rollout: ROLLOUT, exceptions: EXCEPTIONS, templates: TEMPLATES, ...overrides };
}

/** The fixture configuration, resolved (with any part replaced). */
export function resolveFixture(overrides: Partial<ConfigSources> = {}): ResolvedConfig {
  return resolveConfig(fixtureSources(overrides));
}

/** Resolved environments of these configs, with the fixture rollout and exceptions unless given. */
export function resolveEnvironments(
  configs: readonly unknown[],
  sources: { readonly rollout?: unknown; readonly exceptions?: unknown } = {},
): ResolvedEnvironment[] {
  // The fixture exceptions name fixture people: an environment built without people gets them.
  const withPeople = configs.map((c) => (c && typeof c === 'object' && !('people' in c) ? { ...c, people: FIXTURE_PEOPLE } : c));
  return [...resolveFixture({ environments: withPeople, ...sources }).environments];
}

/** Every template with default parameters, in Audit: what `scan --all-templates` evaluates. */
export function allTemplatePolicies(): Manifest[] {
  return planAllTemplates(TEMPLATES).map((p) => renderPolicy(p.template, p.options));
}

/** One fixture environment's rendered policies and the exceptions Kyverno honours: what `scan --env` evaluates. */
export function environmentPolicyManifests(name: string, overrides: Partial<ConfigSources> = {}): Manifest[] {
  return policyManifests({ env: name }, fixtureSources(overrides));
}

/** A resolved fixture environment by name. */
export function fixtureEnvironment(name: string, overrides: Partial<ConfigSources> = {}): ResolvedEnvironment {
  const env = resolveFixture(overrides).environments.find((e) => e.name === name);
  if (!env) throw new Error(`no fixture environment ${name}`);
  return env;
}

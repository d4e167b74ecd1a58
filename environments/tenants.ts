import type { BindingConfig, OrgConfig, ProfileConfig } from './types';

/**
 * The profiles, orgs and bindings every environment serves (an environment that differs lists its
 * own). a5c is the platform org: its profile is what renders cluster-wide. shop runs customer-facing
 * services under a strict profile; labs experiments under a lenient one.
 */
export const PLATFORM_PROFILE: ProfileConfig = {
  name: 'platform',
  displayName: 'Platform baseline',
  description: "Every template, cluster-wide, in the ladder's mode: what every namespace gets.",
  templates: ['*'],
  posture: 'enforce',
  // The platform org owns no namespaces: its cluster-wide exceptions are requested by platform engineers.
  exceptions: { requesters: ['platformAdmin'] },
};

export const PROFILES: readonly ProfileConfig[] = [
  PLATFORM_PROFILE,
  {
    name: 'production-strict',
    displayName: 'Production (strict)',
    description: 'Customer-facing services: restricted pod security and hygiene, enforced where the ladder allows.',
    templates: ['pod-security-restricted/*', 'best-practices/*'],
    posture: 'enforce',
    exceptions: { maxDays: 14, minJustification: 40 },
  },
  {
    name: 'sandbox',
    displayName: 'Sandbox (lenient)',
    description: 'Experiments: report only, never block; repo admins may approve their own exceptions.',
    templates: ['best-practices/*', 'pod-security-restricted/*'],
    posture: 'audit',
    exceptions: { approvers: ['repoAdmin', 'platformAdmin'], maxDays: 60, riskAcceptanceForEnforce: false },
    failurePolicy: 'Ignore',
  },
];

export const ORGS: readonly OrgConfig[] = [
  { slug: 'a5c', profile: 'platform' },
  {
    slug: 'shop',
    profile: 'production-strict',
    namespaces: ['shop', 'shop-payments'],
    personas: { exceptionRequester: ['shop-developers'], repoAdmin: ['shop-repo-admins'] },
  },
  {
    slug: 'labs',
    profile: 'sandbox',
    namespaces: ['labs'],
    personas: { exceptionRequester: ['labs-developers'], repoAdmin: ['labs-developers'] },
  },
];

export const BINDINGS: readonly BindingConfig[] = [
  // shop: every workload of the org must run as non-root, enforced once the ladder enforces it.
  { org: 'shop', template: 'require-run-as-nonroot' },
  // shop's checkout repository opts in early to stricter labels (audit until a platform engineer approves enforce).
  { org: 'shop', repository: 'checkout', template: 'require-labels', parameters: { labels: ['team', 'app', 'cost-center'] } },
  // The payments repository enforces pinned images, approved by the platform team.
  { org: 'shop', repository: 'payments', template: 'disallow-latest-tag', mode: 'enforce', approver: 'platform-lead@a5c.ai' },
  // labs: report resource limits in the org's namespaces (the sandbox profile never enforces).
  { org: 'labs', template: 'require-resource-limits', environments: ['dev', 'staging'] },
];

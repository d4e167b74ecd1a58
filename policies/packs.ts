/** The policy packs, in rollout order of the roadmap. */
export const POLICY_PACKS = ['krate', 'pod-security-baseline', 'pod-security-restricted', 'best-practices'] as const;
export type PolicyPackName = (typeof POLICY_PACKS)[number];

/** What each pack covers (README and `policies.kyverno.io/category`). */
export const PACK_CATEGORIES: Readonly<Record<PolicyPackName, string>> = {
  krate: 'Krate',
  'pod-security-baseline': 'Pod Security Standards (Baseline)',
  'pod-security-restricted': 'Pod Security Standards (Restricted)',
  'best-practices': 'Best Practices',
};

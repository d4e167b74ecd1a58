import { PACK_CATEGORIES } from './packs';
import type { PolicyTemplate, ResourceRule } from './template';

/** Krate's API group and version (DESIGN.md: Krate resources our policies govern). */
export const KRATE_GROUP = 'krate.a5c.ai';
export const KRATE_VERSION = 'v1alpha1';

/** Krate kinds → resource (plural) names. */
export const KRATE_RESOURCES = {
  PullRequest: 'pullrequests',
  Repository: 'repositories',
  BranchProtection: 'branchprotections',
  Pipeline: 'pipelines',
  Job: 'jobs',
  WebhookSubscription: 'webhooksubscriptions',
  RunnerPool: 'runnerpools',
} as const;
export type KrateKind = keyof typeof KRATE_RESOURCES;

/** A rule matching Krate kinds on create and update. */
export function krateRules(kinds: readonly KrateKind[]): ResourceRule[] {
  return [
    {
      apiGroups: [KRATE_GROUP],
      apiVersions: [KRATE_VERSION],
      resources: kinds.map((k) => KRATE_RESOURCES[k]),
      operations: ['CREATE', 'UPDATE'],
    },
  ];
}

/** A template over Krate's own resources; `kinds` are its subject. */
export function krateTemplate(
  def: Omit<PolicyTemplate, 'resourceRules' | 'subject' | 'category' | 'pack'> & { readonly kinds: readonly KrateKind[] },
): PolicyTemplate {
  const { kinds, ...rest } = def;
  return { ...rest, pack: 'krate', category: PACK_CATEGORIES.krate, subject: kinds.join(', '), resourceRules: krateRules(kinds) };
}

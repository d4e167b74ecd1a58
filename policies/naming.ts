import { createHash } from 'node:crypto';

const MAX_NAME = 63;

/**
 * The contract name of a generated Kyverno policy: `krate-{org}-{scope}-{template}`, at most 63
 * characters; longer names keep a readable prefix and end in a short hash of the full name.
 */
export function policyName(org: string, scope: string, template: string): string {
  const full = `krate-${org}-${scope}-${template}`;
  if (full.length <= MAX_NAME) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, MAX_NAME - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/**
 * Scope of the cluster-wide policy, of the Audit twin that covers per-namespace audit overrides,
 * and of an org-wide binding; a repository binding's scope is `repo-<name>` (repositoryScope).
 */
export const POLICY_SCOPES = { cluster: 'cluster', auditOverride: 'audit', org: 'org' } as const;
export type PolicyScope = (typeof POLICY_SCOPES)[keyof typeof POLICY_SCOPES];

/** The scope of a binding to one repository. */
export function repositoryScope(repository: string): string {
  return `repo-${repository}`;
}

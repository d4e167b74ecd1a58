import type { RolloutEntry } from './types';

/**
 * The rollout of every template, keyed by template name. Promote with `npx krate-policy promote`;
 * roll back by moving a stage down (or `git revert` the promotion).
 */
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
  'pr-references-org-repository': { stage: 'audit:dev', since: '2026-12-01' },
  'fork-jobs-untrusted-runner-pool': { stage: 'audit:dev', since: '2026-12-01' },
  'unique-ingress-host': { stage: 'audit:dev', since: '2026-12-01' },
};

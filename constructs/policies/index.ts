// Placeholder registry (issue 4 replaces it with the real templates): the names every pack ships,
// so the rollout ladder and its checks can refer to templates by name.

export type PolicyPackName = 'krate' | 'pod-security-baseline' | 'pod-security-restricted' | 'best-practices';

/** The minimum every template exposes to the rest of the repository. */
export interface PolicyTemplateRef {
  readonly name: string;
  readonly pack: PolicyPackName;
}

const pack = (p: PolicyPackName, names: string[]): PolicyTemplateRef[] => names.map((name) => ({ name, pack: p }));

export const TEMPLATES: readonly PolicyTemplateRef[] = [
  ...pack('krate', ['require-pr-description', 'block-wip-pr-merge', 'require-main-branch-protection', 'fork-runs-untrusted', 'trusted-job-service-account', 'webhook-signing-required', 'production-deployment-image-verified']),
  ...pack('pod-security-baseline', ['disallow-host-process', 'disallow-host-namespaces', 'disallow-privileged-containers', 'disallow-capabilities', 'disallow-host-path', 'disallow-host-ports', 'restrict-apparmor-profiles', 'disallow-selinux', 'disallow-proc-mount', 'restrict-seccomp', 'restrict-sysctls']),
  ...pack('pod-security-restricted', ['restrict-volume-types', 'disallow-privilege-escalation', 'require-run-as-nonroot', 'require-run-as-non-root-user', 'restrict-seccomp-strict', 'disallow-capabilities-strict']),
  ...pack('best-practices', ['require-labels', 'require-resource-limits', 'disallow-latest-tag']),
];

// The policy template registry: every pack's templates, in pack order. Other areas (rollout ladder,
// exceptions, checks) refer to templates by name through TEMPLATES.
import { blockWipPrMerge } from './krate/block-wip-pr-merge';
import { forkRunsUntrusted } from './krate/fork-runs-untrusted';
import { productionDeploymentImageVerified } from './krate/production-deployment-image-verified';
import { requireMainBranchProtection } from './krate/require-main-branch-protection';
import { requirePrDescription } from './krate/require-pr-description';
import { trustedJobServiceAccount } from './krate/trusted-job-service-account';
import { webhookSigningRequired } from './krate/webhook-signing-required';
import { disallowCapabilities } from './pod-security-baseline/disallow-capabilities';
import { disallowHostNamespaces } from './pod-security-baseline/disallow-host-namespaces';
import { disallowHostPath } from './pod-security-baseline/disallow-host-path';
import { disallowHostPorts } from './pod-security-baseline/disallow-host-ports';
import { disallowHostProcess } from './pod-security-baseline/disallow-host-process';
import { disallowPrivilegedContainers } from './pod-security-baseline/disallow-privileged-containers';
import { disallowProcMount } from './pod-security-baseline/disallow-proc-mount';
import { disallowSelinux } from './pod-security-baseline/disallow-selinux';
import { restrictApparmorProfiles } from './pod-security-baseline/restrict-apparmor-profiles';
import { restrictSeccomp } from './pod-security-baseline/restrict-seccomp';
import { restrictSysctls } from './pod-security-baseline/restrict-sysctls';
import { disallowCapabilitiesStrict } from './pod-security-restricted/disallow-capabilities-strict';
import { disallowPrivilegeEscalation } from './pod-security-restricted/disallow-privilege-escalation';
import { requireRunAsNonRootUser } from './pod-security-restricted/require-run-as-non-root-user';
import { requireRunAsNonroot } from './pod-security-restricted/require-run-as-nonroot';
import { restrictSeccompStrict } from './pod-security-restricted/restrict-seccomp-strict';
import { restrictVolumeTypes } from './pod-security-restricted/restrict-volume-types';
import { disallowLatestTag } from './best-practices/disallow-latest-tag';
import { requireLabels } from './best-practices/require-labels';
import { requireResourceLimits } from './best-practices/require-resource-limits';
import type { PolicyTemplate } from './template';

export { POLICY_PACKS, PACK_CATEGORIES, type PolicyPackName } from './packs';
export type { PolicyTemplate, ParameterSpec, ParameterValues, ResourceRule, Validation, NamedExpression, PolicyBody } from './template';

/** Every template, grouped by pack. */
export const TEMPLATES: readonly PolicyTemplate[] = [
  // krate: Krate's own resources
  requirePrDescription,
  blockWipPrMerge,
  requireMainBranchProtection,
  forkRunsUntrusted,
  trustedJobServiceAccount,
  webhookSigningRequired,
  productionDeploymentImageVerified,
  // pod-security-baseline: the eleven baseline controls
  disallowHostProcess,
  disallowHostNamespaces,
  disallowPrivilegedContainers,
  disallowCapabilities,
  disallowHostPath,
  disallowHostPorts,
  restrictApparmorProfiles,
  disallowSelinux,
  disallowProcMount,
  restrictSeccomp,
  restrictSysctls,
  // pod-security-restricted: the six restricted controls
  restrictVolumeTypes,
  disallowPrivilegeEscalation,
  requireRunAsNonroot,
  requireRunAsNonRootUser,
  restrictSeccompStrict,
  disallowCapabilitiesStrict,
  // best-practices: hygiene, enforced first
  requireLabels,
  requireResourceLimits,
  disallowLatestTag,
];

/** A template by name, or undefined. */
export function findTemplate(name: string): PolicyTemplate | undefined {
  return TEMPLATES.find((t) => t.name === name);
}

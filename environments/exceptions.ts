import type { LadderEnvironment } from '../lib/ladder';

/** An extra CEL condition (Kubernetes matchCondition): the exception applies only when it is true. */
export interface ExceptionCondition {
  /** Condition name (a DNS-style name, unique within the exception). */
  readonly name: string;
  /** CEL over `object` (and `oldObject`, `request`), e.g. `object.metadata.?labels.?team.orValue('') == 'billing'`. */
  readonly expression: string;
}

/**
 * One approved, time-boxed bypass of one policy template in one environment. Renders as a
 * `policies.kyverno.io/v1` PolicyException in the environment's exception namespace.
 */
export interface ExceptionRequest {
  /** Stable name (a DNS label, unique per environment): the PolicyException's metadata.name. */
  readonly name: string;
  /** The environment the exception applies in. */
  readonly environment: LadderEnvironment;
  /** The policy template it bypasses (a name from policies/index.ts). */
  readonly template: string;
  /**
   * Namespaces it covers. At least one of `namespaces` and `names` is required.
   * @default every namespace the policy matches
   */
  readonly namespaces?: readonly string[];
  /**
   * Resource names (`metadata.name`) it covers.
   * @default every name
   */
  readonly names?: readonly string[];
  /**
   * Extra CEL match conditions; all must hold.
   * @default []
   */
  readonly conditions?: readonly ExceptionCondition[];
  /** Why the bypass is needed (at least 20 characters). */
  readonly justification: string;
  /** Tracking ticket: a key like PLAT-1234 or an https URL. */
  readonly ticket: string;
  /** Who approved it (a platform engineer); `check` fails without one. */
  readonly approver: string;
  /** The date (YYYY-MM-DD) it was requested: the start of its maximum duration. */
  readonly requested: string;
  /** The date (YYYY-MM-DD, UTC midnight) it stops applying: at most `exceptions.maxDays` after `requested`. */
  readonly expiresAt: string;
  /**
   * The risk the approver accepts. Required when the template enforces in this environment.
   * @default none (only allowed while the template audits there)
   */
  readonly riskAcceptance?: string;
}

/**
 * Every exception, in every environment. Request one with a pull request that adds an entry here;
 * `npx krate-policy check` (part of `npm test`) fails once an entry expires, so remove it then.
 */
export const EXCEPTIONS: readonly ExceptionRequest[] = [
  {
    name: 'sandbox-latest-tag',
    environment: 'dev',
    template: 'disallow-latest-tag',
    namespaces: ['sandbox'],
    justification: 'Developers try nightly builds in the sandbox namespace; those images are only published as :latest.',
    ticket: 'PLAT-1412',
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
    conditions: [{ name: 'daemonset-and-its-pods', expression: "object.kind == 'DaemonSet' || object.metadata.?ownerReferences.orValue([]).exists(r, r.?kind.orValue('') == 'DaemonSet')" }],
    justification: 'node-exporter reads /proc and /sys from the host to export node metrics.',
    ticket: 'PLAT-1405',
    approver: 'platform-lead@a5c.ai',
    requested: '2026-11-22',
    expiresAt: '2026-12-22',
  },
];

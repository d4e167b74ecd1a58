import type { ExceptionRequest } from './types';

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
    // Renewed (PLAT-1398): the v4 migration slipped a sprint.
    requested: '2026-12-01',
    expiresAt: '2026-12-31',
    riskAcceptance: 'Two unlabeled workloads in staging are invisible to cost reports until the migration.',
  },
  {
    // A tenant's exception: shop's own policy, under shop's profile (production-strict: 14 days, 40 characters).
    name: 'shop-legacy-gateway-root',
    org: 'shop',
    environment: 'dev',
    template: 'require-run-as-nonroot',
    namespaces: ['shop-payments'],
    names: ['legacy-gateway'],
    justification: 'The legacy payment gateway image runs as root until the vendor ships the rootless build (SHOP-77).',
    ticket: 'SHOP-77',
    requester: 'dana@a5c.ai',
    approver: 'platform-lead@a5c.ai',
    requested: '2026-11-30',
    expiresAt: '2026-12-14',
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
    // Renewed (PLAT-1405): node-exporter still needs the host's /proc and /sys.
    requested: '2026-12-01',
    expiresAt: '2026-12-31',
  },
];

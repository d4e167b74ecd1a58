import { PEOPLE, PERSONA_GROUPS } from './people';
import { BINDINGS, ORGS, PROFILES } from './tenants';
import type { EnvironmentConfig } from './types';

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
  // People: groups from the cluster's identity provider; viewers and platform admins are bound cluster-wide.
  rbac: {
    managedPolicyBindings: true,
    personas: PERSONA_GROUPS,
  },
  profiles: PROFILES,
  orgs: ORGS,
  bindings: BINDINGS,
  people: PEOPLE,
};

export default prod;

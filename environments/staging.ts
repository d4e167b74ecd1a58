import { PEOPLE, PERSONA_GROUPS } from './people';
import { BINDINGS, ORGS, PROFILES } from './tenants';
import type { EnvironmentConfig } from './types';

const staging: EnvironmentConfig = {
  name: 'staging',
  org: 'a5c',
  argocd: {
    repoURL: 'https://github.com/a5c-ai/krate-policy-gitops.git',
    syncPolicy: { automated: true, prune: true, selfHeal: true },
  },
  clusters: [{ name: 'staging', labels: { 'krate.a5c.ai/environment': 'staging' } }],
  // staging shares a cluster whose Kyverno another team runs: we only read it (no policy or
  // exception writes), so policies reach staging through Argo CD, not Krate's controller.
  // Its exception namespace is that Kyverno's features.policyExceptions.namespace, set by its
  // owners (agreed with them: krate-system); byo requires it here so a change there is a change here.
  kyverno: { mode: 'byo', policyNamespace: 'krate-system' },
  exclusions: { platformNamespaces: ['cert-manager'] },
  // People: groups from the cluster's identity provider; viewers and platform admins are bound cluster-wide.
  rbac: {
    managedPolicyBindings: false,
    personas: PERSONA_GROUPS,
  },
  profiles: PROFILES,
  orgs: ORGS,
  bindings: BINDINGS,
  people: PEOPLE,
};

export default staging;

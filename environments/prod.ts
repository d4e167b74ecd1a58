import type { EnvironmentConfig } from './types';

export const prod: EnvironmentConfig = {
  name: 'prod',
  org: 'a5c',
  argocd: { repoURL: 'https://github.com/a5c-ai/krate-policy-gitops.git' },
  clusters: [{ name: 'prod', labels: { 'krate.a5c.ai/environment': 'production' } }],
  // prod installs Kyverno itself, highly available (defaults: 3 admission, 2 of each controller),
  // so its version and webhook exclusions are reviewed in this repository like everything else.
  kyverno: { mode: 'managed', policyReporter: { enabled: true, mode: 'managed' } },
  // People: groups from the cluster's identity provider, bound to Krate's persona ClusterRoles.
  rbac: {
    managedPolicyBindings: true,
    personas: {
      viewer: ['krate-developers'],
      exceptionRequester: ['krate-developers'],
      repoAdmin: ['krate-repo-admins'],
      platformAdmin: ['krate-platform'],
    },
  },
};

import type { EnvironmentConfig } from './types';

export const prod: EnvironmentConfig = {
  name: 'prod',
  org: 'a5c',
  argocd: { repoURL: 'https://github.com/a5c-ai/krate-policy-gitops.git' },
  clusters: [{ name: 'prod', labels: { 'krate.a5c.ai/environment': 'production' } }],
  // prod installs Kyverno itself, highly available (defaults: 3 admission, 2 of each controller).
  kyverno: { mode: 'managed' },
  // cert-manager issues the webhook certificates; calico-system runs the CNI: a denied pod there breaks the cluster.
  exclusions: { platformNamespaces: ['calico-system', 'cert-manager'] },
};

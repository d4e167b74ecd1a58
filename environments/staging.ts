import type { EnvironmentConfig } from './types';

export const staging: EnvironmentConfig = {
  name: 'staging',
  org: 'a5c',
  argocd: {
    repoURL: 'https://github.com/a5c-ai/krate-policy-gitops.git',
    syncPolicy: { automated: true, prune: true, selfHeal: true },
  },
  clusters: [{ name: 'staging', labels: { 'krate.a5c.ai/environment': 'staging' } }],
  // staging shares a cluster whose Kyverno another team runs: we only read it.
  kyverno: { mode: 'byo' },
  exclusions: { platformNamespaces: ['cert-manager'] },
};
